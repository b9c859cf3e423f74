"""Which engines run in a worker process, and the stand-in the server holds for each.

An engine with no stand-in here (an app's own engine, the test fakes) runs inside the server as before.
"""

from __future__ import annotations

from edgekit.engines import Engine


def proxy_for(engine_class: type[Engine]) -> type[Engine] | None:
    from edgekit.workers.chat import ChatWorkerEngine
    from edgekit.workers.engines import EmbedWorkerEngine, SpeechWorkerEngine, VisionWorkerEngine, VoiceWorkerEngine

    for proxy in (ChatWorkerEngine, EmbedWorkerEngine, SpeechWorkerEngine, VoiceWorkerEngine, VisionWorkerEngine):
        if proxy.real_class() is engine_class:
            return proxy
    return None
