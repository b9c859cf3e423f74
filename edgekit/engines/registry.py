"""The core's engines, registered by name and import path ("module:Class", as the worker processes load them).

Nothing here imports an engine: the CLI registers this module at start-up, and a command that needs no model
(help, users, packs, doctor...) never pays for llama.cpp, onnxruntime, CTranslate2 or Piper. Each engine module
is imported when the model manager asks for the engines, and even then its heavy library only when a model loads.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from edgekit.engines import Engine
from edgekit.hookspecs import hookimpl

# The catalog's `engine` field -> where the engine lives.
BUILTIN_ENGINES = {
    "llamacpp": "edgekit.engines.llm_llamacpp:LlamaCppEngine",
    "piper": "edgekit.engines.tts_piper:PiperEngine",
    "onnx_vision": "edgekit.engines.vision_onnx:OnnxVisionEngine",
    "faster_whisper": "edgekit.engines.stt_fasterwhisper:FasterWhisperEngine",
    "onnx_embed": "edgekit.engines.embed_onnx:OnnxEmbedEngine",
}


def engine_class(path: str) -> type[Engine]:
    module_name, _, class_name = path.partition(":")
    found = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(found, type) and issubclass(found, Engine)):
        raise TypeError(f"{path} is not an Engine")
    return found


@hookimpl
def register_engines(register: Callable[[str, type[Engine]], None]) -> None:
    for name, path in BUILTIN_ENGINES.items():
        register(name, engine_class(path))
