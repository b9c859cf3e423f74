"""Run the hub's server. Also `python -m edgekit.hub.serve`, which starts without loading the box's plugins."""

from __future__ import annotations

import sys

from edgekit.hub.db import HubSettings


def serve_hub(settings: HubSettings, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    from edgekit.hub.app import create_hub_app

    uvicorn.run(create_hub_app(settings), host=host or settings.host, port=port or settings.port, log_level="warning")


if __name__ == "__main__":
    serve_hub(HubSettings(), "127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else None)
