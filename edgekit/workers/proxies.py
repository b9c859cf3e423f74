"""Which engines run in a worker process, and the stand-in the server holds for each.

An engine with no stand-in here (an app's own engine, the test fakes) runs inside the server as before.
"""

from __future__ import annotations

from edgekit.engines import Engine


def proxy_for(engine_class: type[Engine]) -> type[Engine] | None:
    from edgekit.engines.llm_llamacpp import LlamaCppEngine

    if engine_class is LlamaCppEngine:
        from edgekit.workers.chat import ChatWorkerEngine

        return ChatWorkerEngine
    return None
