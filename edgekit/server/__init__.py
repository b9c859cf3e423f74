"""The web server. create_app is imported on first use: the CLI loads the route plugins without needing FastAPI."""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from edgekit.server.app import create_app

        return create_app
    raise AttributeError(name)
