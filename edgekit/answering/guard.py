"""Step 1, guard: the apps' before_answer hook sees a question before any model does, and before it queues.

`ask_guards` is the one place the hook is called, for every surface, for plain chat as for an app's question.
What a guard returns (edgekit/guards.py): nothing, a whole answer, or the answer's first words. All of this is
cheap and takes no model, so the server screens a question before it waits its turn: a referral never queues.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from edgekit.answering.messages import BUSY_AFTER_GUARD, message_language
from edgekit.answering.question import clean_question
from edgekit.answering.results import GUARD_MODEL, GroundedAnswer
from edgekit.errors import EdgekitError
from edgekit.guards import GuardAnswer, joined, read_guard

if TYPE_CHECKING:
    from edgekit.apps import AppManifest
    from edgekit.kit import Kit
    from edgekit.store.tables import User


@dataclass(frozen=True)
class Screened:
    """A question cleaned, its language settled, and what the guards said of it."""

    question: str
    lang: str | None
    guarded: GuardAnswer | None
    app_id: str | None = None

    @property
    def final(self) -> bool:
        """A guard gave the whole answer: no model runs, so there is no turn to wait for."""
        return self.guarded is not None and self.guarded.final


def screen(
    kit: Kit, question: str, *, app_id: str | None = None, lang: str | None = None, user: User | None = None
) -> Screened:
    """Clean the question (empty or too long: a clear error), then consult the guards."""
    if app_id is not None:
        require_app(kit, app_id)
    return consult(kit, clean_question(question), app_id=app_id, lang=lang, user=user)


def consult(
    kit: Kit, question: str, *, app_id: str | None = None, lang: str | None = None, user: User | None = None
) -> Screened:
    """Settle the question's language (the asker's, guessed when not given) and ask the guards. /v1 comes here
    directly: its messages have their own limits (max_text_chars), not a question's."""
    from edgekit.knowledge.language import guess_language

    lang = lang or guess_language(question)  # the reply speaks the asker's language even when it was not given
    return Screened(question, lang, ask_guards(kit, question, app_id=app_id, lang=lang, user=user), app_id)


def ask_guards(
    kit: Kit, question: str, *, app_id: str | None, lang: str | None, user: User | None
) -> GuardAnswer | None:
    """The before_answer hook, called here and nowhere else (plain chat: app None). `user`: who asks, when
    someone is signed in."""
    app = kit.app_contexts.get(app_id) if app_id else None
    value: Any = kit.plugins.guard(app=app, question=question, lang=lang, user=user)
    return read_guard(value)


def guard_lead(guarded: GuardAnswer) -> str:
    """What a phone is sent first: the guard's whole answer, or its opening words and a paragraph break."""
    return guarded.text if guarded.final else guarded.text.strip() + "\n\n"


def busy_with_guard(app_id: str, screened: Screened, lang: str | None = None) -> GroundedAnswer:
    """The chat model's queue is full, but the guard spoke: its words go out with a note that the rest must
    wait, instead of an error that would hide them."""
    guarded = screened.guarded
    assert guarded is not None, "only a guarded question is answered without its turn"
    note = "" if guarded.final else BUSY_AFTER_GUARD[message_language(screened.lang or lang)]
    return GroundedAnswer(
        app=app_id,
        question=screened.question,
        answer=joined(guarded.text, note),
        model=GUARD_MODEL,
        guard=guarded.data,
    )


def require_app(kit: Kit, app_id: str) -> AppManifest:
    """The manifest of an app that is serving, or unknown_app (404) naming those that are."""
    record = kit.plugins.apps.get(app_id)
    if record is None or record.status != "loaded" or record.manifest is None:
        loaded = ", ".join(a for a, r in kit.plugins.apps.items() if r.status == "loaded") or "none"
        state = f" ({record.status}: {record.reason})" if record else ""
        raise EdgekitError(f"No app '{app_id}' is serving{state}. Apps: {loaded}.", code="unknown_app", http_status=404)
    return cast("AppManifest", record.manifest)  # AppRecord.manifest is typed `object`
