"""edgekit tls init | show: HTTPS for a box already provisioned (provisioning does the same by itself)."""

from __future__ import annotations

import ipaddress

import typer

from edgekit.cli.output import print_json
from edgekit.hookspecs import hookimpl

tls_cli = typer.Typer(help="HTTPS: the box's own certificate authority and server certificate.", no_args_is_help=True)


def _address(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not an IP address") from None


@tls_cli.command("init")
def init(
    ctx: typer.Context,
    name: list[str] = typer.Option([], "--name", help="A DNS name the box answers to (repeat). edgekit.local always."),
    address: list[str] = typer.Option([], "--address", help="An IP address of the box, e.g. 192.168.4.1 (repeat)."),
):
    """Make the CA (once; its key never leaves $EDGEKIT_HOME/tls) and a server certificate for these names."""
    from edgekit.tls import box_names, fingerprint, init_tls

    settings = ctx.obj.settings
    names = [*box_names(), *(n.strip().lower() for n in name)]
    files = init_tls(settings.home, settings.site_id or "box", names, [_address(a) for a in address])
    typer.echo(f"certificate authority: {files.ca_cert}")
    typer.echo(f"sha256 fingerprint:    {fingerprint(files)}")
    typer.echo(f"server certificate:    {files.server_cert}")
    typer.echo(f"`edgekit serve` now serves HTTPS on port {settings.https_port} too; phones get the CA at /ca.crt")


@tls_cli.command("show")
def show(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON.")):
    """The CA's fingerprint and the names and addresses the server certificate covers."""
    from cryptography import x509

    from edgekit.tls import TlsError, fingerprint, tls_files

    files = tls_files(ctx.obj.settings.home)
    if not files.ready():
        raise TlsError("This box has no HTTPS certificate yet. Make one with: edgekit tls init", code="no_tls")
    cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    info = {
        "ca_fingerprint_sha256": fingerprint(files),
        "names": sans.get_values_for_type(x509.DNSName),
        "addresses": [str(a) for a in sans.get_values_for_type(x509.IPAddress)],
        "expires": cert.not_valid_after_utc.isoformat(timespec="seconds"),
    }
    if as_json:
        print_json(info)
        return
    for key, value in info.items():
        typer.echo(f"{key}: {', '.join(value) if isinstance(value, list) else value}")


@hookimpl
def register_commands(cli):
    cli.add_typer(tls_cli, name="tls")
