"""Sentence embeddings on onnxruntime: an int8 BERT-style encoder, mean pooled and L2-normalised.

Only onnxruntime, tokenizers and numpy run here; torch is for building the model, never for running it.
Texts are sorted by length before batching so each batch pads only to its own longest text.
Dynamic int8 quantizes each batch's activations with one scale, so a text's vector moves slightly with its batch
companions (cosine above 0.98 to the same text embedded alone): compare vectors by meaning, not bit for bit.
"""

from __future__ import annotations

import numpy as np

from edgekit.engines import Engine
from edgekit.errors import BadInput, EngineError
from edgekit.hookspecs import hookimpl

MAX_TOKENS = 256  # what all-MiniLM-L6-v2 was trained with; longer texts are cut
DEFAULT_BATCH = 32
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
        try:
            self._session = ort.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
            tokenizer = Tokenizer.from_file(str(self.model_dir / TOKENIZER_FILE))
        except Exception as exc:  # onnxruntime and tokenizers raise their own exception classes
            self._session = None
            raise EngineError(f"onnxruntime could not load {self.model_path}: {exc}") from exc
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        pad_id = tokenizer.token_to_id("[PAD]") or 0
        tokenizer.enable_padding(pad_id=pad_id, pad_token="[PAD]")  # to the longest text of each batch
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
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.empty((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            vectors[chosen] = self._embed_batch([texts[i] for i in chosen])
        return vectors

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        hidden = self._session.run(None, {name: feed[name] for name in self._input_names})[0]
        return _normalise(_mean_pool(hidden, feed["attention_mask"]))


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


@hookimpl
def register_engines(register):
    register("onnx_embed", OnnxEmbedEngine)
