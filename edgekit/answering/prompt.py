"""The prompt a chat model gets: the app's instruction, the passages and the question.

The app's instruction is one file, `prompts/answer.txt` in the app's package (beside its manifest.toml): one
paragraph, read for every answer of an instruction model (catalog `prompt_format = "chat_template"`) as the
system turn. An app without it gets DEFAULT_INSTRUCTION. The fixed part comes first so llama.cpp reuses its KV
state from one question to the next (it keeps the longest common token prefix of the previous prompt): only the
passages and the question are processed anew. A base model (plain completion) gets the passages alone
(`notes_prompt`): a long instruction only confuses it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from edgekit.knowledge import Passage

PROMPT_FILE = Path("prompts") / "answer.txt"
DEFAULT_INSTRUCTION = (
    "Answer the question from the numbered passages only, in two to four short, plain sentences. Say first what "
    "to do, with the exact numbers the passages give. Never add what the passages do not say. If they do not "
    "answer the question, say so."
)
LANGUAGE_NAMES = {"en": "English", "sw": "Swahili", "fr": "French"}
# The last words of the user turn, in the language of the answer: asked in English to answer in French, the 1.5B
# model answered 6 of 30 French questions in English; the request in French keeps it in French. A small model
# left alone names one step of four, so the request asks for what was asked first, then every step and number.
# It takes the words literally: it often writes the question out again first (the sentence gate takes that off
# the page, check.repeats_question). Three other wordings were measured on 2026-12-05 and did worse ("start with
# the answer itself": "The answer is: ..."; "yes or no": "Yes, you can prune" to "What can I do?"; no order at
# all: shorter English answers, 85% against 94% of the English questions with every key fact).
ANSWER_REQUEST = {
    "en": "Answer in {name}, from the passages: first what was asked, then every step, time or number they give "
    "for it.",
    "fr": "Répondez en français, à partir des passages : d'abord ce qui est demandé, puis chaque étape, moment ou "
    "nombre qu'ils donnent pour cela.",
    "sw": "Jibu kwa Kiswahili, kutoka kwenye vifungu: kwanza kile kilichoulizwa, kisha kila hatua, wakati au namba "
    "vinavyotolewa kwa ajili yake.",
}
PASSAGES_IN_PROMPT = 3
PASSAGE_WORDS_IN_PROMPT = 120  # for a base model's notes
PASSAGE_WORDS_FOR_CHAT = 110  # three passages of this length are about 500 prompt tokens with Qwen's tokenizer


def app_instruction(package_dir: Path | None) -> str:
    """The app's own instruction for its answers (its prompts/answer.txt), one paragraph; the default when the
    app has none."""
    if package_dir is not None:
        try:
            text = (package_dir / PROMPT_FILE).read_text(encoding="utf-8")
        except OSError:
            text = ""
        if text.strip():
            return " ".join(text.split())
    return DEFAULT_INSTRUCTION


def answer_language(model_languages: Sequence[str], lang: str | None, passages: Sequence[Passage]) -> str:
    """The asker's language when the model writes it well (catalog `languages`, measured), else the language of
    the best passage: a correct answer in the documents' language beats a broken one in the asker's."""
    asked = (lang or "en").split("-")[0]
    if asked in model_languages:
        return asked
    return passages[0].language if passages and passages[0].language in LANGUAGE_NAMES else "en"


def passage_label(passage: Passage) -> str:
    """What a passage is, as the model is shown it: its document's title and its section ("Danger signs in the
    mother after birth > Go to the health facility now, day or night"). A list of signs means little without the
    heading that says what to do about them."""
    return passage.heading or passage.title  # the trail starts with the document's own level-1 heading


def passage_text(passage: Passage, words: int = PASSAGE_WORDS_FOR_CHAT) -> str:
    parts = passage.text.replace("**", "").split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")


def chat_messages(instruction: str, question: str, passages: Sequence[Passage], language: str) -> list[dict[str, str]]:
    """System: the fixed instruction. User: the passages, the question and the language to answer in."""
    blocks = [f"[{n}] {passage_label(p)}: {passage_text(p)}" for n, p in enumerate(passages, start=1)]
    name = LANGUAGE_NAMES.get(language, "English")
    ask = ANSWER_REQUEST.get(language, ANSWER_REQUEST["en"]).format(name=name)
    user = "Passages:\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}\n{ask}"
    return [{"role": "system", "content": instruction}, {"role": "user", "content": user}]


def notes_prompt(passages: Sequence[Passage]) -> str:
    """A base model's system turn: the passages, numbered; it is asked to answer from them alone."""
    blocks = []
    for number, passage in enumerate(passages[:PASSAGES_IN_PROMPT], start=1):
        words = passage.text.split()
        text = " ".join(words[:PASSAGE_WORDS_IN_PROMPT]) + (" ..." if len(words) > PASSAGE_WORDS_IN_PROMPT else "")
        blocks.append(f"[{number}] {passage.title} ({passage.source}): {text}")
    return "Answer the question using only these notes.\n\n" + "\n\n".join(blocks) + "\n\n"
