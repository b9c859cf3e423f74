"""HTTPS on the box: a certificate authority made on the box, and a server certificate it signs.

Everyone on a WPA2 hotspot knows its passphrase and can read the others' traffic, and browsers give the live
microphone only to a secure context. No public CA can sign for `edgekit.local` or 192.168.4.1, so each box makes
its own: a CA whose key never leaves $EDGEKIT_HOME/tls/ (0600), whose certificate a phone installs once (offered
over plain HTTP at /ca.crt), and a server certificate for the box's names and addresses.

The CA is name-constrained to `.local` names and private/loopback addresses: a phone that trusts it trusts it for
this box's kind of names only, never for a bank's site, even if the key were ever stolen from the SD card.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from edgekit.errors import EdgekitError

CA_DAYS = 20 * 365  # installed once on each phone: it should outlive the box
SERVER_DAYS = 825  # the longest validity Apple accepts for a TLS server certificate
RENEW_BEFORE = datetime.timedelta(days=60)
BACKDATE = datetime.timedelta(days=2)  # a phone whose clock is a little behind still accepts it
DEFAULT_NAMES = ("edgekit.local", "localhost")
DEFAULT_ADDRESSES = ("127.0.0.1", "::1")
PERMITTED = (
    x509.DNSName("local"),  # edgekit.local, <hostname>.local
    x509.DNSName("localhost"),
    *(
        x509.IPAddress(ipaddress.ip_network(net))
        for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "127.0.0.0/8")
    ),
    x509.IPAddress(ipaddress.ip_network("::1/128")),
    x509.IPAddress(ipaddress.ip_network("fc00::/7")),
    x509.IPAddress(ipaddress.ip_network("fe80::/10")),
)


class TlsError(EdgekitError):
    code = "tls_error"


@dataclass(frozen=True)
class TlsFiles:
    folder: Path

    @property
    def ca_key(self) -> Path:
        return self.folder / "ca.key"

    @property
    def ca_cert(self) -> Path:
        return self.folder / "ca.crt"

    @property
    def server_key(self) -> Path:
        return self.folder / "server.key"

    @property
    def server_cert(self) -> Path:
        return self.folder / "server.crt"

    def ready(self) -> bool:
        return all(p.is_file() for p in (self.ca_cert, self.server_key, self.server_cert))


def tls_files(home: Path) -> TlsFiles:
    return TlsFiles(Path(home) / "tls")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _write_private(path: Path, data: bytes) -> None:
    """Created 0600 from the first byte, then swapped in: never readable by others, never half written."""
    staged = path.with_name(path.name + ".new")
    staged.unlink(missing_ok=True)
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staged, path)


def _write_public(path: Path, data: bytes) -> None:
    staged = path.with_name(path.name + ".new")
    staged.write_bytes(data)
    os.chmod(staged, 0o644)
    os.replace(staged, path)


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    pkcs8 = serialization.PrivateFormat.PKCS8
    return key.private_bytes(serialization.Encoding.PEM, pkcs8, serialization.NoEncryption())


def ensure_ca(files: TlsFiles, label: str) -> x509.Certificate:
    """The box's CA, made once. Provisioning again keeps it, so phones that installed it keep trusting the box."""
    files.folder.mkdir(parents=True, exist_ok=True)
    os.chmod(files.folder, 0o700)
    if files.ca_key.is_file() and files.ca_cert.is_file():
        return x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"edgekit CA {label}"[:64])])
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.NameConstraints(permitted_subtrees=list(PERMITTED), excluded_subtrees=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(files.ca_key, _pem_key(key))
    _write_public(files.ca_cert, cert.public_bytes(serialization.Encoding.PEM))
    return cert


def box_names(hostname: str | None = None) -> list[str]:
    host = (hostname or socket.gethostname()).split(".")[0].lower()
    names = [*DEFAULT_NAMES]
    if host and host not in ("localhost", "edgekit"):
        names.append(f"{host}.local")
    return names


def _wanted(names: list[str], addresses: list[str]) -> list[x509.GeneralName]:
    # The CA may only sign what its name constraints permit: a certificate naming anything else fails verification
    # for all of its names in every browser, so such a name is refused here, with the reason.
    outside = [n for n in dict.fromkeys(names) if not _permitted_name(n)]
    if outside:
        raise TlsError(
            f"The box's certificate can only name .local names and localhost, not {', '.join(outside)} "
            f"(use {outside[0].split('.')[0]}.local).",
            code="tls_name_not_permitted",
        )
    sans: list[x509.GeneralName] = [x509.DNSName(n) for n in dict.fromkeys(names)]
    for address in dict.fromkeys([*DEFAULT_ADDRESSES, *addresses]):
        ip = ipaddress.ip_address(address)
        if not any(isinstance(p, x509.IPAddress) and ip in p.value for p in PERMITTED):
            raise TlsError(
                f"The box's certificate can only name private or loopback addresses, not {address}.",
                code="tls_address_not_permitted",
            )
        sans.append(x509.IPAddress(ip))
    return sans


def _permitted_name(name: str) -> bool:
    return name == "localhost" or name.endswith(".local")


def _current_is_enough(files: TlsFiles, sans: list[x509.GeneralName], ca: x509.Certificate) -> bool:
    if not (files.server_cert.is_file() and files.server_key.is_file()):
        return False
    cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    if cert.issuer != ca.subject or cert.not_valid_after_utc - _now() < RENEW_BEFORE:
        return False
    have = set(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    return set(sans) <= have


def ensure_server_cert(files: TlsFiles, names: list[str], addresses: list[str]) -> bool:
    """A server certificate for these names and addresses, signed by the box's CA; True if one was (re)made."""
    if not files.ca_key.is_file():
        raise TlsError("This box has no certificate authority yet. Make one with: edgekit tls init", code="no_tls")
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    sans = _wanted(names, addresses)
    if _current_is_enough(files, sans, ca):
        return False
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(files.server_key, _pem_key(key))
    # The chain a phone needs is the leaf alone: the CA is what it installed.
    _write_public(files.server_cert, cert.public_bytes(serialization.Encoding.PEM))
    return True


def renew_if_due(files: TlsFiles) -> bool:
    """A fresh server certificate for the same names when the current one ends within RENEW_BEFORE."""
    cert = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    if cert.not_valid_after_utc - _now() >= RENEW_BEFORE or not files.ca_key.is_file():
        return False
    names = sans.get_values_for_type(x509.DNSName)
    return ensure_server_cert(files, names, [str(a) for a in sans.get_values_for_type(x509.IPAddress)])


def init_tls(home: Path, label: str, names: list[str], addresses: list[str]) -> TlsFiles:
    files = tls_files(home)
    ensure_ca(files, label)
    ensure_server_cert(files, names, addresses)
    return files


def ca_der(files: TlsFiles) -> bytes:
    return x509.load_pem_x509_certificate(files.ca_cert.read_bytes()).public_bytes(serialization.Encoding.DER)


def fingerprint(files: TlsFiles) -> str:
    """SHA-256 of the CA certificate, as phones show it, to check that the file came from this box."""
    digest = x509.load_pem_x509_certificate(files.ca_cert.read_bytes()).fingerprint(hashes.SHA256())
    return ":".join(f"{b:02X}" for b in digest)
