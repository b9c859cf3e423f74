"""The grounded answer pipeline every app shares: guard -> retrieve -> prompt with the passages -> stream -> cite.

A small model that makes things up is expected, not trusted, so:
- an app's guard (before_answer) sees the question first; its answer is final and no model runs after it, or
  it is the answer's first words and the grounded answer follows (edgekit/guards.py);
- the model answers only from passages of the app's own knowledge, and the answer carries them as citations;
- when nothing relevant is found the box says so plainly and names whom to ask, instead of inventing;
- when the chat model cannot run (not installed, busy, too big, switched off to save power) the answer is
  built from the best passages themselves (extractive).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from edgekit.answer import GUARD_MODEL, clean_question, record_exchange
from edgekit.engines.llm_llamacpp import Generation
from edgekit.errors import EdgekitError, EngineBackoff, MemoryBusy, ModelNotInstalled, ModelTooLarge
from edgekit.guards import GuardAnswer, joined, read_guard
from edgekit.kit import Kit
from edgekit.power.state import PowerSaving

log = logging.getLogger("edgekit.grounded")

EXTRACTIVE_MODEL = "extractive"  # the `model` of an answer made of the passages themselves
NO_KNOWLEDGE_MODEL = "none"
PASSAGES_IN_PROMPT = 3
PASSAGE_WORDS_IN_PROMPT = 120
GROUNDED_SHARE = 0.75  # of the answer's content words that must come from the passages
MIN_ANSWER_WORDS = 3

NOTHING_FOUND = {
    "en": "I could not find this in the {app} documents on this box, so I will not guess. Please ask {whom}.",
    "sw": "Sikupata jibu la swali hili katika nyaraka za {app} kwenye kifaa hiki, kwa hiyo sitakisia. "
    "Tafadhali muulize {whom}.",
    "fr": "Je n'ai pas trouvé la réponse dans les documents {app} de cet appareil, alors je ne devine pas. "
    "Demandez à {whom}.",
}
STILL_INDEXING = {
    "en": "The {app} documents on this box are still being prepared (after a start or an update). "
    "Please ask again in a minute.",
    "sw": "Nyaraka za {app} kwenye kifaa hiki bado zinaandaliwa (baada ya kuwasha au kusasisha). "
    "Tafadhali uliza tena baada ya dakika moja.",
    "fr": "Les documents {app} de cet appareil sont encore en préparation (après un démarrage ou une mise à jour). "
    "Reposez la question dans une minute.",
}
BUSY_AFTER_GUARD = {
    "en": "The box is busy with other questions, so the rest of the answer was not written. Ask again later.",
    "sw": "Kifaa kina maswali mengine mengi, kwa hiyo jibu lililobaki halikuandikwa. Uliza tena baadaye.",
    "fr": "L'appareil traite d'autres questions, la suite de la réponse n'a pas été écrite. Reposez-la plus tard.",
}
EXTRACTIVE_LEAD = {
    "en": "From the documents on this box:",
    "sw": "Kutoka kwenye nyaraka za kifaa hiki:",
    "fr": "D'après les documents de cet appareil :",
}


@dataclass
class Citation:
    title: str
    source: str
    url: str
    snippet: str
    score: float


@dataclass
class GroundedAnswer:
    app: str
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    model: str = ""
    latency_ms: int = 0
    guard: dict | None = None  # what an app's guard found (the health app's triage), for clients to show first
    withdrawn: list[str] = field(default_factory=list)  # sentences the model wrote that the passages do not carry

    def as_dict(self) -> dict:
        data = asdict(self)
        if not self.withdrawn:  # the usual shape; the key appears only when a sentence was taken back
            del data["withdrawn"]
        return data


def _language(lang: str | None) -> str:
    code = (lang or "en").strip().lower().split("-")[0]
    return code if code in NOTHING_FOUND else "en"


def build_prompt(question: str, passages: list) -> str:
    """The passages, numbered, then the question: the model is asked to answer from them alone."""
    blocks = []
    for number, passage in enumerate(passages[:PASSAGES_IN_PROMPT], start=1):
        words = passage.text.split()
        text = " ".join(words[:PASSAGE_WORDS_IN_PROMPT]) + (" ..." if len(words) > PASSAGE_WORDS_IN_PROMPT else "")
        blocks.append(f"[{number}] {passage.title} ({passage.source}): {text}")
    return "Answer the question using only these notes.\n\n" + "\n\n".join(blocks) + "\n\n"


def extractive_answer(passages: list, lang: str | None, question: str = "", kit: Kit | None = None) -> str:
    """The sentences that answer this kind of question (what to do, when, how much, what it is, why), from the
    best passage's document (its sections, when `kit` can read them), in their own order: no model, still
    grounded. Another document joins only when it is about the same subject and in the same language."""
    from edgekit.extractive import best_sections, pick_sentences, same_subject

    lines = [EXTRACTIVE_LEAD[_language(lang)]]
    sections = best_sections(kit, question, passages)
    picked = pick_sentences(question, sections) or [" ".join(passages[0].text.replace("**", "").split()[:60])]
    lines.append("[1] " + " ".join(picked))
    best = passages[0]
    for number, other in enumerate(passages[1:2], start=2):
        if (
            same_subject(best, other)
            and other.language == best.language
            and other.text not in {s.text for s in sections}
        ):
            lines.append(f"[{number}] " + " ".join(pick_sentences(question, [other], limit=2)))
    return "\n".join(lines)


@dataclass
class Screened:
    """A question cleaned, its language settled, and what the app's guard said of it: all cheap and without a
    model, so the server does it before the question waits for the chat model. A referral never queues."""

    question: str
    lang: str | None
    guarded: GuardAnswer | None


def screen_question(kit: Kit, app_id: str, question: str, lang: str | None = None) -> Screened:
    from edgekit.knowledge.language import guess_language

    require_app(kit, app_id)
    question = clean_question(question)
    lang = lang or guess_language(question)  # the reply speaks the asker's language even when it was not given
    guarded = read_guard(kit.plugins.guard(app=kit.app_contexts[app_id], question=question, lang=lang, user=None))
    return Screened(question, lang, guarded)


def guard_lead(guarded: GuardAnswer) -> str:
    """What a phone is sent first: the guard's whole answer, or its opening words and a paragraph break."""
    return guarded.text if guarded.final else guarded.text.strip() + "\n\n"


def answer_question(
    kit: Kit,
    app_id: str,
    question: str,
    *,
    lang: str | None = None,
    max_tokens: int | None = None,
    seed: int | None = None,
    on_text: Callable[[str], None] = lambda _text: None,
    on_withdraw: Callable[[int, str], None] = lambda _number, _sentence: None,
    record: bool = True,
    user_id: int | None = None,
    screened: Screened | None = None,
) -> GroundedAnswer:
    """Answer `question` from app `app_id`'s knowledge. `user_id` is who asked, when someone is signed in: the
    exchange is kept under their name for their past conversations (a guest's is kept under no one's).
    `screened`: screen_question's result when the caller has run it already and sent the guard's lead itself
    (the server does, before the question waits its turn); on_text then gets only what follows the lead.
    on_withdraw(n, sentence): the n-th streamed sentence (from 0) failed the grounding check and is taken back."""
    from edgekit.knowledge import retrieve

    manifest = require_app(kit, app_id)
    lead_sent = screened is not None
    screened = screened or screen_question(kit, app_id, question, lang)
    question, lang, guarded = screened.question, screened.lang, screened.guarded
    started = time.perf_counter()
    meter = kit.power.meter()  # what this answer costs, kept with it (edgekit/power/energy.py)
    try:
        result = GroundedAnswer(app=app_id, question=question, answer="")
        if guarded is not None:
            result.guard = guarded.data
            if not lead_sent:
                on_text(guard_lead(guarded))
        if guarded is not None and guarded.final:
            result.answer, result.model = guarded.text, GUARD_MODEL
        else:
            try:
                passages = retrieve(kit, question, app=app_id, lang=lang, k=4)
                result.citations = [Citation(p.title, p.source, p.url, p.snippet, round(p.score, 3)) for p in passages]
                if not passages:
                    # While the documents are still being indexed, "not found" would be untrue: say to ask again.
                    messages = STILL_INDEXING if kit.knowledge_indexing.is_set() else NOTHING_FOUND
                    text = messages[_language(lang)].format(app=manifest.name, whom=manifest.referral)
                    result.answer, result.model = text, NO_KNOWLEDGE_MODEL
                    on_text(text)
                else:
                    written = _generate(kit, question, passages, lang, max_tokens, seed, on_text, on_withdraw, manifest)
                    result.answer, result.model, result.withdrawn = written
            except Exception:
                if guarded is None:
                    raise
                # The guard's words were given; whatever failed after them must not take them back.
                log.exception("answering after the %s guard failed; the guard's words stand alone", app_id)
                result.citations, result.answer, result.model = [], "", GUARD_MODEL
            if guarded is not None:  # the guard's words come first, whatever was written after them
                result.answer = joined(guarded.text, result.answer)
        result.latency_ms = round((time.perf_counter() - started) * 1000)
        if record:
            try:
                _record(kit, result, user_id, meter.stop())
            except Exception:
                if guarded is None:
                    raise
                log.exception("keeping an exchange of the %s app failed; the answer is still given", app_id)
        return result
    finally:
        meter.stop()  # also when it failed or is not recorded: the answer is no longer in progress


def busy_with_guard(app_id: str, screened: Screened, lang: str | None) -> GroundedAnswer:
    """The chat model's queue is full, but the guard spoke: its words go out with a note that the rest must
    wait, instead of an error that would hide them."""
    note = "" if screened.guarded.final else BUSY_AFTER_GUARD[_language(screened.lang or lang)]
    return GroundedAnswer(
        app=app_id,
        question=screened.question,
        answer=joined(screened.guarded.text, note),
        model=GUARD_MODEL,
        guard=screened.guarded.data,
    )


def needs_model_turn(kit: Kit, screened: Screened) -> bool:
    """Whether answering may take a turn at the chat model. Not for a guard's whole answer, nor with the chat model
    switched off or kept off by the power profile, nor in a language it does not write (the answer is the passages
    themselves): those take no model turn, so they never wait in its queue behind one, nor are refused because it
    is full."""
    if screened.guarded is not None and screened.guarded.final:
        return False
    return kit.settings.chat_enabled and kit.power.profile.chat_allowed and _chat_speaks(kit, screened.lang)


def _chat_speaks(kit: Kit, lang: str | None) -> bool:
    """Whether the chat model's catalog entry lists the asker's language (already given or guessed by
    answer_question). gemma-3-270m writes English only: asked in Swahili or French it answers in broken words or
    says the opposite of the passage, so those questions get the passages themselves (in their own language, the
    asker's where the documents have it). The instruct models' languages are measured (README, "Chat models")."""
    spec = kit.catalog.find(kit.settings.chat_model)
    return spec is None or (lang or "en").split("-")[0] in spec.languages


def _generate(kit, question, passages, lang, max_tokens, seed, on_text, on_withdraw, manifest):
    """(answer, model id, withdrawn sentences). An instruction model streams, checked sentence by sentence; a
    base model (plain completion) is written whole and checked whole before it is shown."""
    power = kit.power.profile  # read once: a change of profile applies to the next answer, never cuts this one
    if not kit.settings.chat_enabled or not power.chat_allowed or not _chat_speaks(kit, lang):
        # switched off to save power, or a language it cannot write
        text = extractive_answer(passages, lang, question, kit)
        on_text(text)
        return text, EXTRACTIVE_MODEL, []
    max_tokens = min(max_tokens or kit.settings.max_tokens, power.max_tokens)
    try:
        with kit.manager.acquire("chat") as llm:
            if llm.spec.prompt_format == "chat_template":
                return _stream_checked(
                    kit, llm, question, passages, lang, max_tokens, seed, on_text, on_withdraw, manifest
                )
            prompt, stop = llm.messages_prompt(
                [{"role": "system", "content": build_prompt(question, passages)}, {"role": "user", "content": question}]
            )
            generation = Generation()
            # Written whole before it is shown (a small model takes a second or two): it must pass the check first.
            list(llm.generate(prompt, max_tokens=max_tokens, seed=seed, stop=stop, generation=generation))
            model_id = llm.spec.id
    # A model resting after crashes, or kept off by a power profile that changed since this answer began: the
    # documents answer instead.
    except (ModelNotInstalled, MemoryBusy, ModelTooLarge, EngineBackoff, PowerSaving):
        model_id, generation = None, None
    if generation is not None and is_grounded(generation.text, passages):
        text = generation.text.strip()
        on_text(text)
        return text, model_id, []
    text = extractive_answer(passages, lang, question, kit)  # no model, or it wrote what the passages do not say
    on_text(text)
    return text, EXTRACTIVE_MODEL, []


def _stream_checked(kit, llm, question, passages, lang, max_tokens, seed, on_text, on_withdraw, manifest):
    """The instruction model's answer streams as written; a sentence the passages do not carry is withdrawn,
    and then the extractive answer follows it."""
    from edgekit.extractive import best_sections
    from edgekit.grounded_chat import SentenceGate, answer_language, app_instruction, chat_messages

    # The sections of the best document that answer this kind of question lead (the chunk retrieval ranked first
    # may say what a pest is when the question asks what to do), then the other passages.
    shown = []
    for passage in [*best_sections(kit, question, passages), *passages]:
        if passage.text not in {p.text for p in shown}:
            shown.append(passage)
    shown = shown[:PASSAGES_IN_PROMPT]
    language = answer_language(llm.spec.languages, lang, shown)  # the asker's: _chat_speaks let it through
    messages = chat_messages(app_instruction(getattr(manifest, "package_dir", None)), question, shown, language)
    gate = SentenceGate(shown, on_text, on_withdraw)
    for piece in llm.stream_chat(messages, max_tokens=max_tokens, temperature=0.1, seed=seed):
        gate.feed(piece)
    gate.finish()
    if gate.kept and not gate.withdrawn:
        return gate.text, llm.spec.id, []
    offered = extractive_answer(passages, language, question, kit)
    on_text("\n\n" + offered)
    if not gate.kept:
        return offered, EXTRACTIVE_MODEL, gate.withdrawn
    return gate.text + "\n\n" + offered, llm.spec.id, gate.withdrawn


def is_grounded(answer: str, passages: list) -> bool:
    """Most of the answer's content words appear in the passages it was given: a small model that wanders off
    (gemma-3-270m, asked about maize drying, answered about moist soil) is not shown."""
    from edgekit.knowledge.language import content_terms, fold

    words = content_terms(fold(answer))
    if len(words) < MIN_ANSWER_WORDS:
        return False
    known = set(content_terms(fold(" ".join(p.title + " " + p.text for p in passages[:PASSAGES_IN_PROMPT]))))
    return sum(word in known for word in words) / len(words) >= GROUNDED_SHARE


def require_app(kit: Kit, app_id: str):
    record = kit.plugins.apps.get(app_id)
    if record is None or record.status != "loaded" or record.manifest is None:
        loaded = ", ".join(a for a, r in kit.plugins.apps.items() if r.status == "loaded") or "none"
        state = f" ({record.status}: {record.reason})" if record else ""
        raise EdgekitError(f"No app '{app_id}' is serving{state}. Apps: {loaded}.", code="unknown_app", http_status=404)
    return record.manifest


def _record(kit: Kit, result: GroundedAnswer, user_id: int | None, energy=None) -> None:
    record_exchange(
        kit.db,
        energy=energy,
        question=result.question,
        answer=result.answer,
        model=result.model,
        app=result.app,
        latency_ms=result.latency_ms,
        user_id=user_id,
    )
