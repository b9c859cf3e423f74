"""The answering service: one path from a question to the answer every surface shows (the CLI, the page with
and without JavaScript, the app API, /v1).

    guard -> turn -> retrieve -> generate -> check -> cite -> record

guard.py     the apps' before_answer hook, called in one place, before a question queues (a referral never waits)
turn.py      a fair turn at a model (edgekit/scheduler.py), taken in one place by every surface
retrieve.py  the passages of the app's own knowledge, or "not found, ask ..." instead of a guess
generate.py  the chat model writes from the passages (prompt.py); the passages themselves when it cannot
check.py     each sentence checked against the passages as it streams; one that fails is withdrawn
cite.py      the passages, as the answer's citations
record.py    the exchange kept, with its energy, under the asker's name
grounded.py  these steps for an app's question (the CLI calls it directly: it has the box to itself)
plain.py     the chat model alone, between the same guard and record
flow.py      the server's way through them: guard, then a turn only when a model will write, then events
"""

from edgekit.answering.flow import Asked, Done, Token, Withdraw, ask_app
from edgekit.answering.grounded import answer_question, needs_model_turn
from edgekit.answering.guard import Screened, busy_with_guard, guard_lead, require_app, screen
from edgekit.answering.plain import ask
from edgekit.answering.question import MAX_QUESTION_CHARS, clean_question
from edgekit.answering.record import record_exchange
from edgekit.answering.results import (
    EXTRACTIVE_MODEL,
    GUARD_MODEL,
    NO_KNOWLEDGE_MODEL,
    Answer,
    Citation,
    GroundedAnswer,
)
from edgekit.answering.turn import run_in_turn, stream_in_turn, take_place, turn

__all__ = [
    "EXTRACTIVE_MODEL",
    "GUARD_MODEL",
    "MAX_QUESTION_CHARS",
    "NO_KNOWLEDGE_MODEL",
    "Answer",
    "Asked",
    "Citation",
    "Done",
    "GroundedAnswer",
    "Screened",
    "Token",
    "Withdraw",
    "answer_question",
    "ask",
    "ask_app",
    "busy_with_guard",
    "clean_question",
    "guard_lead",
    "needs_model_turn",
    "record_exchange",
    "require_app",
    "run_in_turn",
    "screen",
    "stream_in_turn",
    "take_place",
    "turn",
]
