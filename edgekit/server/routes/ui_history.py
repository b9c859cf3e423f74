"""Past conversations: a signed-in person sees their own questions and answers, newest first. A guest's questions
are kept under no one's name and shown to no one, technicians included."""

# No `from __future__ import annotations`: FastAPI must see the real Request class.

from fastapi import APIRouter, Depends, Request
from sqlmodel import Session, select

from edgekit.accounts.auth import NotAuthenticated
from edgekit.kit import Kit
from edgekit.server.deps import current_user, get_kit
from edgekit.server.pages import render
from edgekit.store.tables import Exchange

HISTORY_LIMIT = 100

router = APIRouter()


def past_exchanges(kit: Kit, user_id: int, limit: int = HISTORY_LIMIT) -> list[Exchange]:
    with Session(kit.db) as session:
        statement = (
            select(Exchange).where(Exchange.user_id == user_id).order_by(Exchange.id.desc()).limit(limit)  # type: ignore[union-attr]
        )
        return list(session.exec(statement))


@router.get("/history")
def history(request: Request, kit: Kit = Depends(get_kit)):
    user = current_user(request)
    if user is None or user.id is None:
        raise NotAuthenticated("Sign in to see your past questions.")
    names = {app_id: record.manifest.name for app_id, record in kit.plugins.apps.items() if record.manifest is not None}
    return render(request, "history.html", {"exchanges": past_exchanges(kit, user.id), "app_names": names})
