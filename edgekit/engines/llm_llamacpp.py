"""Chat engine on llama.cpp (llama-cpp-python): streamed text from a GGUF model.

A catalog entry says how the model wants to be asked: `prompt_format = "completion"` for base models (a plain
prompt from the entry's template, stopped at the next question marker) or `"chat_template"` for instruction
models (the chat template stored in the GGUF file).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from edgekit.engines import Engine
from edgekit.engines.quiet import native_stderr_silenced
from edgekit.errors import BadInput, EngineError

DEFAULT_CONTEXT = 2048
MIN_ANSWER_TOKENS = 64  # an over-long prompt is cut so that at least this much answer fits


@dataclass
class Generation:
    """Filled in while a stream runs, so callers can read counts once it ends."""

    text: str = ""
    tokens: int = 0
    prompt_tokens: int = 0
    finish_reason: str | None = None
    warnings: list[str] = field(default_factory=list)


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
                    n_batch=self.settings.batch_size,
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

    @property
    def context_length(self) -> int:
        return self.spec.context_length or DEFAULT_CONTEXT

    def question_prompt(self, question: str) -> tuple[str, list[str]]:
        """The plain-completion prompt and stop markers the catalog entry asks for."""
        return self.messages_prompt([{"role": "user", "content": question}])

    def messages_prompt(self, messages: list[dict]) -> tuple[str, list[str]]:
        """A conversation as a plain-completion prompt for a base model: earlier turns become worked examples."""
        prompt = self.spec.prompt
        template = prompt.get("template", "Question: {question}\nAnswer:")
        system = "\n".join(m["content"].strip() for m in messages if m["role"] == "system" and m["content"].strip())
        text = (system + "\n\n" if system else "") + prompt.get("preamble", "")
        turns = [m for m in messages if m["role"] in ("user", "assistant")]
        for message in turns[:-1]:
            if message["role"] == "user":
                text += template.format(question=message["content"].strip())
            else:
                text += " " + message["content"].strip() + "\n\n"
        text += template.format(question=turns[-1]["content"].strip() if turns else "")
        return text, list(prompt.get("stop", ["Question:"]))

    def generate(
        self,
        prompt: str,
        *,
        max_tokens: int,
        temperature: float = 0.3,
        seed: int | None = None,
        stop: list[str] | None = None,
        cancel: threading.Event | None = None,
        generation: Generation | None = None,
    ) -> Iterator[str]:
        """Continue `prompt`, yielding text as it comes. Setting `cancel` stops within one token."""
        llm = self._require()
        generation = generation if generation is not None else Generation()
        tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
        tokens, max_tokens = self._fit_context(tokens, max_tokens, generation)
        generation.prompt_tokens = len(tokens)
        chunks = llm.create_completion(
            tokens,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            stop=stop or [],
            stream=True,
            repeat_penalty=self.spec.prompt.get("repeat_penalty", 1.1),
        )
        yield from self._stream(chunks, _completion_piece, generation, cancel)

    def _fit_context(self, tokens: list[int], max_tokens: int, generation: Generation) -> tuple[list[int], int]:
        """Never overflow the context: shorten the answer budget, then keep the end of an over-long prompt."""
        room = self.context_length - len(tokens)
        if room >= min(max_tokens, MIN_ANSWER_TOKENS):
            return tokens, min(max_tokens, room)
        keep = self.context_length - max(min(max_tokens, MIN_ANSWER_TOKENS), 1)
        generation.warnings.append(
            f"prompt_truncated: {len(tokens)} tokens do not fit the {self.context_length}-token context; "
            f"the first {len(tokens) - keep} were dropped"
        )
        return tokens[:1] + tokens[len(tokens) - keep + 1 :], min(max_tokens, self.context_length - keep)

    def stream_chat(
        self,
        messages: list[dict],
        *,
        max_tokens: int,
        temperature: float = 0.3,
        seed: int | None = None,
        stop: list[str] | None = None,
        cancel: threading.Event | None = None,
        generation: Generation | None = None,
    ) -> Iterator[str]:
        """Answer a conversation in the way the catalog entry says the model wants to be asked."""
        generation = generation if generation is not None else Generation()
        if self.spec.prompt_format == "chat_template":
            llm = self._require()
            generation.prompt_tokens = _chat_prompt_tokens(llm, messages)
            chunks = llm.create_chat_completion(
                messages=messages,
                max_tokens=max_tokens,
                temperature=temperature,
                seed=seed,
                stop=stop or [],
                stream=True,
            )
            yield from self._stream(chunks, _chat_piece, generation, cancel)
            return
        prompt, default_stop = self.messages_prompt(messages)
        answer = self.generate(
            prompt,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            stop=default_stop + (stop or []),
            cancel=cancel,
            generation=generation,
        )
        yield from _without_leading_space(answer, generation)

    def stream_answer(self, question: str, **options) -> Iterator[str]:
        """Answer one question, yielding text as it is generated."""
        return self.stream_chat([{"role": "user", "content": question}], **options)

    def _stream(self, chunks, piece, generation: Generation, cancel: threading.Event | None) -> Iterator[str]:
        try:
            for text, finish_reason in map(piece, chunks):
                if finish_reason:
                    generation.finish_reason = finish_reason
                if text:
                    generation.text += text
                    yield text
                if cancel is not None and cancel.is_set():
                    generation.finish_reason = "cancelled"
                    break
        except ValueError as exc:  # llama-cpp-python's word for a prompt the context cannot hold
            raise BadInput(
                f"The conversation is too long for the model's {self.context_length}-token context: {exc}. "
                f"Send fewer or shorter messages.",
                code="prompt_too_long",
                http_status=413,
            ) from exc
        finally:
            chunks.close()  # stops llama.cpp's generator: the model is free at once
            generation.tokens = self.count_tokens(generation.text) if generation.text else 0


def _chat_prompt_tokens(llm, messages: list[dict]) -> int:
    """How many tokens the model's own chat template makes of `messages`, counted as llama-cpp-python's template
    handler counts them (its stream reports no usage, and /v1 answers must say what the prompt cost). A model whose
    GGUF has no template is asked in llama-cpp-python's guessed format, which this does not count: 0."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template")
    if not template:
        return 0
    eos, bos = llm.token_eos(), llm.token_bos()
    formatter = Jinja2ChatFormatter(
        template=template,
        eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
        bos_token=llm._model.token_get_text(bos) if bos != -1 else "",
    )
    result = formatter(messages=messages)  # type: ignore[arg-type]  # plain dicts are what its handler passes too
    return len(llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True))


def _completion_piece(chunk: dict) -> tuple[str, str | None]:
    return chunk["choices"][0]["text"], chunk["choices"][0]["finish_reason"]


def _chat_piece(chunk: dict) -> tuple[str, str | None]:
    return chunk["choices"][0]["delta"].get("content") or "", chunk["choices"][0]["finish_reason"]


def _without_leading_space(answer: Iterator[str], generation: Generation) -> Iterator[str]:
    """Completion prompts end at "Answer:", so a base model's answer starts with a space: drop it."""
    first = True
    for text in answer:
        if first:
            text = text.lstrip()  # noqa: PLW2901
            first = not text
        if text:
            yield text
    generation.text = generation.text.lstrip()
