"""The shape every teacher's form post on a class shares: check the class is the viewer's, make the change and
its audit entry in one transaction, then go back to the class page, with the error's code when the input was bad."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from edgekit.sdk import BadInput
from edgekit_edu import school
from edgekit_edu.page_tools import Pages
from edgekit_edu.school import Viewer


def class_action(
    pages: Pages,
    request: Any,
    code: str,
    act: Callable[[Any, Viewer, Any], None],
    *,
    audit: str = "",
    detail: str = "",
    then: str = "",
) -> Any:
    """Run `act(session, viewer, school_class)` on the viewer's class `code` (another's: 404 before anything
    changes). A BadInput returns to the class page with ?error=<code>; any other error is raised as it is."""
    viewer = pages.staff_of(request)
    with pages.app.session() as session:
        school_class = school.class_by_code(session, viewer, code)
        try:
            act(session, viewer, school_class)
        except BadInput as bad:
            return pages.go(f"/teach/{school_class.code}?error={bad.code}")
        if audit:
            pages.app.audit(session, viewer.name, audit, school_class.code, detail)
        session.commit()
        return pages.go(then or f"/teach/{school_class.code}")
