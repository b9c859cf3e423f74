"""edgekit serve: the web server, on every interface so phones on the box's Wi-Fi reach it."""

from __future__ import annotations

import socket

import psutil
import typer

from edgekit.hookspecs import hookimpl
from edgekit.runlock import hold_run_lock


def reachable_addresses(host: str, port: int) -> list[str]:
    if host not in ("0.0.0.0", "::"):
        return [f"http://{host}:{port}"]
    addresses = [f"http://localhost:{port}"]
    for entries in psutil.net_if_addrs().values():
        for entry in entries:
            if entry.family == socket.AF_INET and not entry.address.startswith("127."):
                addresses.append(f"http://{entry.address}:{port}")
    return addresses


def serve_command(
    ctx: typer.Context,
    host: str = typer.Option(None, "--host", help="Interface to listen on (default: settings, 0.0.0.0)."),
    port: int = typer.Option(None, "--port", help="Port (default: settings, 8080)."),
):
    """Serve the box's web page and API."""
    # Held until the command ends, taken before the database is opened: `edgekit restore` refuses to swap the
    # database under a running server, and a server does not start half way through a restore.
    ctx.with_resource(hold_run_lock(ctx.obj.settings.home, "serve"))
    import uvicorn  # the web stack is imported by the one command that needs it

    from edgekit.server import create_app
    from edgekit.service_log import configure_server_logging

    kit = ctx.obj
    host = host or kit.settings.host
    port = port or kit.settings.port
    app = create_app(kit=kit)
    kit.prepare_database()  # before saying we are up
    configure_server_logging(kit.settings)
    for address in reachable_addresses(host, port):
        typer.secho(f"edgekit is serving on {address}", fg="green")
    # log_config=None: uvicorn's loggers reach the handlers above (journal and file) instead of its own.
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False, log_config=None)


@hookimpl
def register_commands(cli):
    cli.command("serve")(serve_command)
