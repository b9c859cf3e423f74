"""edgekit serve: the web server, on every interface so phones on the box's Wi-Fi reach it; over HTTPS too, on a
second port, once the box has a certificate (edgekit tls init, or edgekit provision). One app serves both."""

from __future__ import annotations

import asyncio
import socket

import psutil
import typer

from edgekit.hookspecs import hookimpl
from edgekit.runlock import hold_run_lock


def reachable_addresses(host: str, port: int, scheme: str = "http") -> list[str]:
    if host not in ("0.0.0.0", "::"):
        return [f"{scheme}://{host}:{port}"]
    addresses = [f"{scheme}://localhost:{port}"]
    for entries in psutil.net_if_addrs().values():
        for entry in entries:
            if entry.family == socket.AF_INET and not entry.address.startswith("127."):
                addresses.append(f"{scheme}://{entry.address}:{port}")
    return addresses


async def serve_all(servers: list) -> None:
    """Several uvicorn servers in one loop; when one stops (a signal reaches only the last to install its
    handler), the others stop too."""
    tasks = [asyncio.create_task(server.serve()) for server in servers]
    _, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for server in servers:
        server.should_exit = True
    await asyncio.gather(*pending)


def serve_command(
    ctx: typer.Context,
    host: str = typer.Option(None, "--host", help="Interface to listen on (default: settings, 0.0.0.0)."),
    port: int = typer.Option(None, "--port", help="Port (default: settings, 8080)."),
    https_port: int = typer.Option(None, "--https-port", help="HTTPS port (default: settings, 8443; 0: off)."),
):
    """Serve the box's web page and API."""
    # Held until the command ends, taken before the database is opened: `edgekit restore` refuses to swap the
    # database under a running server, and a server does not start half way through a restore.
    ctx.with_resource(hold_run_lock(ctx.obj.settings.home, "serve"))
    import uvicorn  # the web stack is imported by the one command that needs it

    from edgekit.logs.service import configure_server_logging
    from edgekit.server import create_app
    from edgekit.tls import renew_if_due, tls_files

    kit = ctx.obj
    host = host or kit.settings.host
    port = port or kit.settings.port
    https_port = kit.settings.https_port if https_port is None else https_port
    app = create_app(kit=kit)
    kit.prepare_database()  # before saying we are up
    configure_server_logging(kit.settings)
    files = tls_files(kit.settings.home)
    tls = bool(https_port) and files.ready()

    # log_config=None: uvicorn's loggers reach the handlers above (journal and file) instead of its own.
    def config(port: int, cert: str | None = None, key: str | None = None) -> uvicorn.Config:
        return uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="info",
            access_log=False,
            log_config=None,
            ssl_certfile=cert,
            ssl_keyfile=key,
            # lifespan off for HTTPS: the app starts up (database, indexing, reaper) once, with plain HTTP.
            lifespan="off" if cert else "auto",
        )

    configs = [config(port)]
    if tls:
        renew_if_due(files)
        app.state.https_port = https_port
        configs.append(config(https_port, str(files.server_cert), str(files.server_key)))
    for address in reachable_addresses(host, port):
        typer.secho(f"edgekit is serving on {address}", fg="green")
    if tls:
        for address in reachable_addresses(host, https_port, "https"):
            typer.secho(f"edgekit is serving on {address}", fg="green")
    elif https_port:
        typer.echo("No HTTPS yet: phones' traffic on the Wi-Fi is readable. Set it up with: edgekit tls init")
    asyncio.run(serve_all([uvicorn.Server(config) for config in configs]))


@hookimpl
def register_commands(cli):
    cli.command("serve")(serve_command)
