"""Stand-ins for the speech, embedding and vision engines: each call is one message to the engine's worker.

Their calls are few and their answers small (a vector per text, a transcript, a WAV, a few labels), so the
boundary costs a fraction of a millisecond a call (benchmarks/worker_overhead.py); what the server gains is that
onnxruntime, CTranslate2 and Piper never load into it, and that their memory leaves with the worker.
"""

from __future__ import annotations

from edgekit.engines.embed_onnx import DEFAULT_BATCH, OnnxEmbedEngine
from edgekit.engines.stt_fasterwhisper import FasterWhisperEngine
from edgekit.engines.tts_piper import PiperEngine
from edgekit.engines.vision_onnx import OnnxVisionEngine
from edgekit.workers.proxy import WorkerBacked


class EmbedWorkerEngine(WorkerBacked, OnnxEmbedEngine):
    @property
    def dimensions(self) -> int:
        return self._remote("dimensions")

    def embed(self, texts: list[str], batch_size: int = DEFAULT_BATCH):
        return self._remote("embed", texts, batch_size)

    def count_tokens(self, texts: list[str]) -> int:
        return self._remote("count_tokens", texts)


class SpeechWorkerEngine(WorkerBacked, FasterWhisperEngine):
    @property
    def languages(self) -> list[str]:
        return self._remote("languages")

    def transcribe(self, audio, language: str | None = None, **options):
        return self._remote("transcribe", audio, language, **options)


class VoiceWorkerEngine(WorkerBacked, PiperEngine):
    @property
    def sample_rate(self) -> int:
        return self._remote("sample_rate")

    def synthesize(self, text: str) -> bytes:
        return self._remote("synthesize", text)


class VisionWorkerEngine(WorkerBacked, OnnxVisionEngine):
    def classify(self, image, top_k: int | None = None):
        return self._remote("classify", image, top_k=top_k)
