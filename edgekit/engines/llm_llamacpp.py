"""Chat engine on llama.cpp (llama-cpp-python): streamed text from a GGUF model.

A catalog entry says how the model wants to be asked: `prompt_format = "completion"` for base models (a plain
prompt from the entry's template, stopped at the next question marker) or `"chat_template"` for instruction
models (the chat template stored in the GGUF file).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from edgekit.engines import Engine
from edgekit.engines.quiet import native_stderr_silenced
from edgekit.errors import EngineError
from edgekit.hookspecs import hookimpl

DEFAULT_CONTEXT = 2048


@dataclass
class Generation:
    """Filled in while a stream runs, so callers can read counts once it ends."""

    text: str = ""
    tokens: int = 0
    finish_reason: str | None = None


class LlamaCppEngine(Engine):
    task = "chat"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._llm = None

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def load(self) -> None:
        from llama_cpp import Llama  # imported here: the CLI should start fast when no model is needed

        try:
            with native_stderr_silenced():
                self._llm = Llama(
                    model_path=str(self.model_path),
                    n_ctx=self.spec.context_length or DEFAULT_CONTEXT,
                    n_threads=self.settings.threads,
                    n_threads_batch=self.settings.threads,
                    verbose=False,
                )
        except (ValueError, RuntimeError) as exc:
            raise EngineError(f"llama.cpp could not load {self.model_path}: {exc}") from exc

    def unload(self) -> None:
        if self._llm is not None:
            self._llm.close()
            self._llm = None

    def _require(self):
        if self._llm is None:
            self.load()
        return self._llm

    def count_tokens(self, text: str) -> int:
        return len(self._require().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def question_prompt(self, question: str) -> tuple[str, list[str]]:
        """The plain-completion prompt and stop markers the catalog entry asks for."""
        prompt = self.spec.prompt
        template = prompt.get("template", "Question: {question}\nAnswer:")
        text = prompt.get("preamble", "") + template.format(question=question.strip())
        return text, list(prompt.get("stop", ["Question:"]))

    def stream_answer(
        self,
        question: str,
        *,
        max_tokens: int,
        temperature: float = 0.3,
        seed: int | None = None,
        generation: Generation | None = None,
    ) -> Iterator[str]:
        """Answer one question, yielding text as it is generated."""
        llm = self._require()
        generation = generation if generation is not None else Generation()
        if self.spec.prompt_format == "chat_template":
            chunks = llm.create_chat_completion(
                messages=[{"role": "user", "content": question}],
                max_tokens=max_tokens,
                temperature=temperature,
                seed=seed,
                stream=True,
            )
            pieces = ((c["choices"][0]["delta"].get("content") or "", c["choices"][0]["finish_reason"]) for c in chunks)
        else:
            prompt, stop = self.question_prompt(question)
            chunks = llm.create_completion(
                prompt,
                max_tokens=max_tokens,
                temperature=temperature,
                seed=seed,
                stop=stop,
                stream=True,
                repeat_penalty=self.spec.prompt.get("repeat_penalty", 1.1),
            )
            pieces = ((c["choices"][0]["text"], c["choices"][0]["finish_reason"]) for c in chunks)
        for text, finish_reason in pieces:
            if finish_reason:
                generation.finish_reason = finish_reason
            if not generation.text:
                text = text.lstrip()  # noqa: PLW2901  (prompts end at "Answer:": the model starts with a space)
            if text:
                generation.text += text
                yield text
        generation.tokens = self.count_tokens(generation.text) if generation.text else 0


@hookimpl
def register_engines(register):
    register("llamacpp", LlamaCppEngine)
