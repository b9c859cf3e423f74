"""Step 4, generate: the chat model writes the answer from the passages, checked as it goes (check.py); when
it cannot run (not installed, busy, too big, switched off, kept off by the power profile, or the asker's
language is not one it writes) the answer is made of the passages themselves (extractive.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edgekit.answering.check import SentenceGate, is_grounded
from edgekit.answering.extractive import best_sections, extractive_answer
from edgekit.answering.prompt import PASSAGES_IN_PROMPT, answer_language, app_instruction, chat_messages, notes_prompt
from edgekit.answering.results import EXTRACTIVE_MODEL
from edgekit.answering.unsafe import makes_unsafe_claim, unsafe_claims
from edgekit.errors import EngineBackoff, MemoryBusy, ModelNotInstalled, ModelTooLarge
from edgekit.power.state import PowerSaving

if TYPE_CHECKING:
    from edgekit.apps import AppManifest
    from edgekit.kit import Kit
    from edgekit.knowledge import Passage

OnText = Callable[[str], None]
OnWithdraw = Callable[[int, str], None]
# The model cannot write this answer now: resting after crashes, kept off by a power profile that changed since
# the answer began, not installed, too big or the memory busy. The documents answer instead.
MODEL_UNAVAILABLE = (ModelNotInstalled, MemoryBusy, ModelTooLarge, EngineBackoff, PowerSaving)


@dataclass
class Written:
    text: str
    model: str
    withdrawn: list[str] = field(default_factory=list)


def chat_speaks(kit: Kit, lang: str | None) -> bool:
    """Whether the chat model's catalog entry lists the asker's language. gemma-3-270m writes English only: asked
    in Swahili or French it answers in broken words or says the opposite of the passage, so those questions get
    the passages themselves (in their own language, the asker's where the documents have it). The instruct
    models' languages are measured (README, "Chat models")."""
    spec = kit.catalog.find(kit.settings.chat_model)
    return spec is None or (lang or "en").split("-")[0] in spec.languages


def chat_may_write(kit: Kit, lang: str | None) -> bool:
    """The chat model is switched on, the power profile lets it run, and it writes the asker's language."""
    return bool(kit.settings.chat_enabled and kit.power.profile.chat_allowed and chat_speaks(kit, lang))


@dataclass(frozen=True)
class Request:
    """One grounded answer to write: what was asked, from which passages, within which limits."""

    question: str
    passages: Sequence[Passage]
    lang: str | None
    manifest: AppManifest
    max_tokens: int | None = None
    seed: int | None = None


def generate(kit: Kit, request: Request, on_text: OnText, on_withdraw: OnWithdraw) -> Written:
    """An instruction model streams, checked sentence by sentence; a base model (plain completion) is written
    whole and checked whole before it is shown; no model: the passages themselves."""
    power = kit.power.profile  # read once: a change of profile applies to the next answer, never cuts this one
    if not chat_may_write(kit, request.lang):
        return _extractive(kit, request, on_text)
    max_tokens = min(request.max_tokens or kit.settings.max_tokens, power.max_tokens)
    try:
        with kit.manager.acquire("chat") as engine:
            llm: Any = engine  # a chat engine (llama.cpp, in a worker process or in this one)
            if llm.spec.prompt_format == "chat_template":
                return _stream_checked(kit, llm, request, max_tokens, on_text, on_withdraw)
            text, model_id = _written_whole(llm, request, max_tokens), llm.spec.id
    except MODEL_UNAVAILABLE:
        return _extractive(kit, request, on_text)
    if is_grounded(text, request.passages) and not makes_unsafe_claim(
        text, unsafe_claims(request.manifest.package_dir)
    ):
        on_text(text.strip())
        return Written(text.strip(), model_id)
    return _extractive(kit, request, on_text)  # it wrote what the passages do not say


def _extractive(kit: Kit, request: Request, on_text: OnText) -> Written:
    text = extractive_answer(request.passages, request.lang, request.question, kit)
    on_text(text)
    return Written(text, EXTRACTIVE_MODEL)


def _written_whole(llm: Any, request: Request, max_tokens: int) -> str:
    """A base model's answer, written whole before it is shown (a small model takes a second or two): it must
    pass the check first."""
    from edgekit.engines.llm_llamacpp import Generation

    prompt, stop = llm.messages_prompt(
        [
            {"role": "system", "content": notes_prompt(request.passages)},
            {"role": "user", "content": request.question},
        ]
    )
    generation = Generation()
    for _piece in llm.generate(prompt, max_tokens=max_tokens, seed=request.seed, stop=stop, generation=generation):
        pass
    return generation.text


def prompt_passages(kit: Kit, question: str, passages: Sequence[Passage]) -> list[Passage]:
    """The passages an instruction model is shown, PASSAGES_IN_PROMPT in all: the sections of the best document
    that answer this kind of question (the chunk retrieval ranked first may say what a pest is when the question
    asks what to do), the chunk retrieval ranked first, more of the best document's sections, and only then other
    documents. A small model answers from whatever it is shown: given the armyworm document's push-pull beside
    the storage document's hermetic bags, it advised desmodium against weevils. On the answers evaluation the
    passages shown this way carry every key fact as often as with other documents beside them (benchmarks/
    retrieval.py)."""
    best = best_sections(kit, question, passages, limit=PASSAGES_IN_PROMPT + 1)
    shown: list[Passage] = []
    for passage in [*best[:2], *passages[:1], *best[2:], *passages]:
        if passage.text not in {p.text for p in shown}:
            shown.append(passage)
    return shown[:PASSAGES_IN_PROMPT]


def _stream_checked(
    kit: Kit, llm: Any, request: Request, max_tokens: int, on_text: OnText, on_withdraw: OnWithdraw
) -> Written:
    """The instruction model's answer streams as written; a sentence the passages do not carry is withdrawn,
    and then the extractive answer follows it."""
    question, passages = request.question, request.passages
    shown = prompt_passages(kit, question, passages)
    language = answer_language(llm.spec.languages, request.lang, shown)  # the asker's: chat_speaks let it through
    instruction = app_instruction(request.manifest.package_dir)
    gate = SentenceGate(shown, on_text, on_withdraw, unsafe_claims(request.manifest.package_dir), question)
    for piece in llm.stream_chat(
        chat_messages(instruction, question, shown, language), max_tokens=max_tokens, temperature=0.1, seed=request.seed
    ):
        gate.feed(piece)
    gate.finish()
    model_id: str = llm.spec.id
    if gate.kept and not gate.withdrawn:
        return Written(gate.text, model_id)
    offered = extractive_answer(passages, language, question, kit)
    on_text("\n\n" + offered)
    if not gate.kept:
        return Written(offered, EXTRACTIVE_MODEL, gate.withdrawn)
    return Written(gate.text + "\n\n" + offered, model_id, gate.withdrawn)
