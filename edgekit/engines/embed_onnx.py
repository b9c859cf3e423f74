"""Sentence embeddings on onnxruntime: an int8 BERT-style encoder, mean pooled and L2-normalised.

Only onnxruntime, tokenizers and numpy run here; torch is for building the model, never for running it.
Texts are sorted by token count before batching so each batch pads only to its own longest text, and a batch holds
at most MAX_BATCH_TOKENS tokens: attention memory grows with batch x length^2, and 32 texts of 256 tokens would
take the process past 450 MB on a box that has about 1 GB for everything.
Dynamic int8 quantizes each batch's activations with one scale, so a text's vector moves slightly with its batch
companions (cosine above 0.98 to the same text embedded alone): compare vectors by meaning, not bit for bit.
"""

from __future__ import annotations

import numpy as np

from edgekit.engines import Engine
from edgekit.errors import BadInput, EngineError

MAX_TOKENS = 256  # what all-MiniLM-L6-v2 was trained with; longer texts are cut
DEFAULT_BATCH = 32
MAX_BATCH_TOKENS = 2048  # padded tokens per batch: 8 texts of 256 tokens, or 32 of 64
TOKENIZER_FILE = "tokenizer.json"


class OnnxEmbedEngine(Engine):
    task = "embed"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._session = None
        self._tokenizer = None

    @property
    def loaded(self) -> bool:
        return self._session is not None

    def load(self) -> None:
        # Imported here: the CLI should start fast when no model is needed.
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.settings.threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.enable_cpu_mem_arena = False  # hand a long batch's memory back instead of keeping it for the next
        try:
            self._session = ort.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(self.model_dir / TOKENIZER_FILE))
        except Exception as exc:  # onnxruntime and tokenizers raise their own exception classes
            self._session = None
            raise EngineError(f"onnxruntime could not load {self.model_path}: {exc}") from exc
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.no_padding()  # each batch is padded here, to its own longest text
        self._pad_id = tokenizer.token_to_id("[PAD]") or 0
        self._tokenizer = tokenizer
        self._input_names = [i.name for i in self._session.get_inputs()]

    def unload(self) -> None:
        self._session = None
        self._tokenizer = None

    @property
    def dimensions(self) -> int:
        self._require()
        return int(self._session.get_outputs()[0].shape[-1])

    def _require(self) -> None:
        if self._session is None:
            self.load()

    def embed(self, texts: list[str], batch_size: int = DEFAULT_BATCH) -> np.ndarray:
        """One unit-length float32 vector per text: shape [len(texts), dimensions]."""
        _check_texts(texts)
        if batch_size < 1:
            raise BadInput(f"batch_size must be at least 1, not {batch_size}.", code="bad_batch_size")
        self._require()
        encodings = self._tokenizer.encode_batch(texts)
        vectors = np.empty((len(texts), self.dimensions), dtype=np.float32)
        for chosen in _batches([len(e.ids) for e in encodings], batch_size, MAX_BATCH_TOKENS):
            vectors[chosen] = self._embed_batch([encodings[i] for i in chosen])
        return vectors

    def count_tokens(self, texts: list[str]) -> int:
        """Tokens the model reads for these texts (after truncation), for API usage counts."""
        self._require()
        return sum(len(encoding.ids) for encoding in self._tokenizer.encode_batch(texts))

    def _embed_batch(self, encodings: list) -> np.ndarray:
        longest = max(len(e.ids) for e in encodings)
        feed = {
            "input_ids": np.full((len(encodings), longest), self._pad_id, dtype=np.int64),
            "attention_mask": np.zeros((len(encodings), longest), dtype=np.int64),
            "token_type_ids": np.zeros((len(encodings), longest), dtype=np.int64),
        }
        for row, encoding in enumerate(encodings):
            length = len(encoding.ids)
            feed["input_ids"][row, :length] = encoding.ids
            feed["attention_mask"][row, :length] = 1
            feed["token_type_ids"][row, :length] = encoding.type_ids
        hidden = self._session.run(None, {name: feed[name] for name in self._input_names})[0]
        return _normalise(_mean_pool(hidden, feed["attention_mask"]))


def _batches(lengths: list[int], batch_size: int, max_tokens: int) -> list[list[int]]:
    """Indices grouped shortest first, each group at most batch_size texts and max_tokens padded tokens."""
    batches: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        padded = lengths[index] * (len(current) + 1)  # sorted: this text is the group's longest
        if current and (len(current) == batch_size or padded > max_tokens):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def _check_texts(texts: list[str]) -> None:
    if isinstance(texts, str):
        raise BadInput("embed takes a list of texts, not one string: pass [text].", code="bad_input")
    if not texts:
        raise BadInput("Nothing to embed: the list of texts is empty.", code="no_texts")
    for index, text in enumerate(texts):
        if not isinstance(text, str):
            raise BadInput(f"Text {index} is a {type(text).__name__}, not a string.", code="bad_input")
        if not text.strip():
            raise BadInput(f"Text {index} is empty: there is nothing to embed.", code="empty_text")


def _mean_pool(hidden: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
    """The average of the token vectors, padding left out."""
    mask = attention_mask[..., None].astype(np.float32)
    return (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    return (vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)
