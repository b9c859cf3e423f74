"""The tutor: a hint, a guiding question or a worked example of a similar problem, never the item's answer.

    guard (safeguarding, then off topic; no model) -> the lesson -> a turn at the chat model -> the checks
    (withdrawal: leak, language, echo, a wrong answer backed, false or unchecked arithmetic) -> the hint, or a
    template hint (the skill's method, a worked similar problem) when the model's is withdrawn or unavailable.

This is the one module that reaches the chat model (through the kit: its fair queue and its model manager), so
the box's answering service can take it over in one place. The rest of the tutor is pure and tested alone.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

from edgekit.sdk import EdgekitError, chat_in_turn, guess_language
from edgekit_edu.arithmetic import false_sums, unchecked_numbers
from edgekit_edu.echo import echoes_question
from edgekit_edu.endorsement import backs_wrong_answer
from edgekit_edu.generate import TEMPLATES, example_seed, make_item, parse_generated_id
from edgekit_edu.hint_methods import method
from edgekit_edu.hint_prompt import hint_messages
from edgekit_edu.item import Item
from edgekit_edu.leaks import leaks_answer
from edgekit_edu.lessons import Lesson, lessons_for
from edgekit_edu.math_kinds import BY_OPERATION, first_step, named_kind
from edgekit_edu.safeguarding import disclosure, kind_answer
from edgekit_edu.topic import is_off_topic, steer_back

PREFERRED_MODEL = "qwen2.5-0.5b-instruct"  # an instruction model: a base model continues text, it does not tutor
HINT_TOKENS = 60
MAX_SENTENCES = 3
TEMPLATE_MODEL = "template"
GUARD_MODEL = "guard"


@dataclass
class TutorReply:
    text: str
    kind: str  # hint | template_hint | lesson | safeguarding | offtopic
    model: str
    citations: list[dict] = field(default_factory=list)
    flag: str | None = None  # the kind of disclosure, for the teacher's flag
    withdrawn: str = ""  # why the model's hint was not shown: a code of withdrawal(), or unavailable
    withdrawn_text: str = ""  # the model's hint that was not shown, for the benchmark's reader (never a pupil)
    disclosed: str = ""  # what the pupil wrote that raised the flag (a question, or words typed as an answer)

    def as_dict(self) -> dict:
        return {
            "hint": self.text,
            "citations": self.citations,
            "model": self.model,
            "kind": self.kind,
            "flagged": self.flag is not None,
        }


def screen(message: str, lang: str, item: Item | None) -> TutorReply | None:
    """The guard, before any model: a disclosure is answered kindly and flagged; an off-topic message is steered
    back. None: the message may go to the tutor."""
    if kind := disclosure(message):
        return TutorReply(kind_answer(lang), "safeguarding", GUARD_MODEL, flag=kind, disclosed=message.strip())
    if message.strip() and is_off_topic(message, item.prompt if item else ""):
        return TutorReply(steer_back(lang), "offtopic", GUARD_MODEL)
    return None


def citations(lessons: list[Lesson]) -> list[dict]:
    return [
        {"title": lesson.title, "lesson": lesson.slug, "lang": lesson.lang, "source": lesson.source}
        for lesson in lessons
    ]


GENERIC = {
    "en": "Read the question again slowly and say in your own words what it asks. Look back at the lesson"
    "{title}: which part talks about this? Try one small step, then check it.",
    "sw": "Soma swali tena polepole na useme kwa maneno yako linauliza nini. Rudi kwenye somo{title}: sehemu "
    "gani inazungumzia hili? Jaribu hatua moja ndogo, kisha uhakikishe.",
    "fr": "Relis la question lentement et dis avec tes mots ce qu'elle demande. Regarde à nouveau la leçon"
    "{title} : quelle partie en parle ? Essaie une petite étape, puis vérifie-la.",
}
EXAMPLE = {
    "en": "A similar example: {prompt} {working}. Now try yours the same way.",
    "sw": "Mfano unaofanana: {prompt} {working}. Sasa jaribu lako kwa njia hiyo hiyo.",
    "fr": "Un exemple semblable : {prompt} {working}. Maintenant, fais le tien de la même façon.",
}


def _similar_seed(item: Item) -> tuple[str, int]:
    """The skill and seed a similar problem is made from: a generated item's own, or for an item of a math
    skill from the item bank, a seed drawn from its id (the same item always gets the same example)."""
    if generated := parse_generated_id(item.id):
        return generated
    return item.skill, zlib.crc32(item.id.encode("utf-8"))


def template_hint(item: Item | None, lang: str, lessons: list[Lesson]) -> str:
    """A hint that needs no model: for a math skill, a method that fits the item and a worked example of a
    similar problem (other numbers); for reading and science, the skill's method (hint_methods.py); each checked
    against the item's answer like the model's. Else a general study hint."""
    title = f" «{lessons[0].title}»" if lessons else ""
    generic = GENERIC.get(lang, GENERIC["en"]).format(title=title)
    if item is None:
        return generic
    if item.skill in TEMPLATES or parse_generated_id(item.id):
        found = math_hint(item, lang)
        return found[0] if found else generic
    named = method(item.skill, lang, lessons[0].title if lessons else "")
    return named if named and not leaks_answer(named, item) else generic


def math_hint(item: Item, lang: str) -> tuple[str, frozenset[str]] | None:
    """A math item's template hint and the operations of the first step it shows, chosen from the item itself:
    the kind of problem its words name (a discount, cm to m, two clock times...), else a worked similar problem
    of the template that fits it best (the same first operation where the item says which, then the most words
    in common), else, when its skill's templates all do something else, that operation's own method."""
    if not parse_generated_id(item.id) and (kind := named_kind(item)):
        text = kind.method.get(lang, kind.method["en"])
        if not leaks_answer(text, item):
            return text, kind.operations
    wanted = first_step(item)
    skill, seed = _similar_seed(item)
    own_strategy = item.meta.get("strategy") or ""  # a generated item's own template's: it fits the item
    candidates = []
    for offset in range(1, 24):
        similar = make_item(skill, example_seed(skill, seed, offset), lang)
        if similar.answer == item.answer or similar.prompt == item.prompt:
            continue
        strategy = own_strategy or similar.meta.get("strategy", "")
        example = EXAMPLE.get(lang, EXAMPLE["en"]).format(prompt=similar.prompt, working=similar.explain)
        text = f"{strategy} {example}".strip()
        if not leaks_answer(text, item):
            shown = first_step(similar)
            fit = (shown == wanted, len(shown & wanted) - len(shown - wanted), _common_words(item.prompt, text))
            candidates.append((fit, text, shown))
    best = max(candidates, key=lambda candidate: candidate[0], default=None)
    several_kinds = len(TEMPLATES[skill]) > 1 and not own_strategy
    if wanted and several_kinds and (best is None or not best[2] & wanted) and (kind := BY_OPERATION.get(wanted)):
        text = kind.method.get(lang, kind.method["en"])
        if not leaks_answer(text, item):
            return text, kind.operations
    if best:
        return best[1], best[2]
    strategy = own_strategy or TEMPLATES[skill][0].strategy.get(lang, "")
    return (strategy, frozenset()) if strategy and not leaks_answer(strategy, item) else None


def _common_words(prompt: str, hint: str) -> int:
    """How many words of four letters or more the item's prompt and a hint share: perimeter words for a fence."""
    words = {word for word in re.findall(r"\w{4,}", prompt.lower()) if not word.isdigit()}
    return len(words & set(re.findall(r"\w{4,}", hint.lower())))


def tidy(text: str) -> str:
    """The model's hint as a pupil reads it: no labels, at most three sentences."""
    text = text.replace("**", "").replace("__", "")
    text = re.sub(r"^\s*(here'?s|here is) (a|one|my) hint:?\s*", "", text.strip(), flags=re.IGNORECASE)
    text = re.sub(
        r"^\s*(one )?(guiding )?(hint|question|answer|tutor|dokezo|swali|indice|question guide)\s*:\s*",
        "",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"^\s*\d+\.\s+", "", text, flags=re.MULTILINE)  # a numbered list reads as sentences
    text = " ".join(text.split())
    sentences = re.split(r"(?<=[.!?])\s+", text)
    if len(sentences) > 1 and not re.search(r"[.!?:)]$", sentences[-1]):
        sentences = sentences[:-1]  # cut off by the token budget: a half sentence helps nobody
    return " ".join(sentences[:MAX_SENTENCES]).strip()


def in_language(text: str, lang: str) -> bool:
    guessed = guess_language(text)
    return guessed is None or guessed == lang


def withdrawal(hint: str, item: Item | None, attempt: str, lang: str) -> str:
    """Why the model's hint must not reach the pupil, or "" when it may. In order: it says nothing, gives the
    answer away, is in another language, only echoes the question, backs a wrong answer (names the pupil's,
    names a wrong choice, or announces one), shows a false sum, or states a number nothing can check."""
    if not hint:
        return "empty"
    if item is not None and leaks_answer(hint, item):
        return "leak"
    if not in_language(hint, lang):
        return "language"
    if item is not None and echoes_question(hint, item.prompt):
        return "echo"
    if backed := backs_wrong_answer(hint, item, attempt):
        return backed
    if false_sums(hint):
        return "false_sum"
    if item is not None and unchecked_numbers(hint, " ".join((item.prompt, *item.choices))):
        return "unchecked_number"
    return ""


def tutor_model(kit) -> str:
    """The box's chat model when it is an instruction model, else the instruction model this app names."""
    chat = kit.settings.chat_model
    try:
        if kit.catalog.get(chat).prompt_format == "chat_template":
            return chat
    except EdgekitError:  # an unknown id: the manager will say so when asked
        return chat
    return PREFERRED_MODEL


async def ask_model(kit, messages: list[dict], client: str, seed: int | None = None) -> tuple[str, str]:
    """(text, model id) in this client's fair turn at the chat model. QueueFull (429) is raised at once when
    the queue is full, so a hint is refused clearly, never dropped silently."""
    model_id = tutor_model(kit)
    text = await chat_in_turn(
        kit, messages, client=client, model_id=model_id, max_tokens=HINT_TOKENS, temperature=0.2, seed=seed
    )
    return text, model_id


async def reply(
    kit,
    *,
    message: str,
    lang: str,
    skill: str = "",
    item: Item | None = None,
    attempt: str = "",
    client: str = "cli",
    seed: int | None = None,
) -> TutorReply:
    """The tutor's reply to a pupil (guard first), grounded in the skill's lessons."""
    if guarded := screen(f"{message} {attempt}".strip(), lang, item):
        return guarded
    skill = skill or (item.skill if item else "")
    lessons = lessons_for(skill, lang) if skill else []
    cited = citations(lessons[:1])
    # A short excerpt: on two cores, every token of the prompt is time a class waits for its hints.
    messages = hint_messages(item, message, lessons[0].excerpt(700) if lessons else "", lang)
    try:
        text, model_id = await ask_model(kit, messages, client, seed)
    except EdgekitError as exc:  # not installed, no memory, resting after a crash, power saving
        if exc.code == "queue_full":
            raise
        return TutorReply(
            template_hint(item, lang, lessons),
            "template_hint",
            TEMPLATE_MODEL,
            cited,
            withdrawn=f"unavailable: {getattr(exc, 'code', type(exc).__name__)}",
        )
    text = tidy(text)
    withdrawn = withdrawal(text, item, attempt, lang)
    if withdrawn:
        return TutorReply(
            template_hint(item, lang, lessons),
            "template_hint",
            TEMPLATE_MODEL,
            cited,
            withdrawn=withdrawn,
            withdrawn_text=text,
        )
    return TutorReply(text, "hint" if item is not None else "lesson", model_id, cited)
