"""The box's own CA and server certificate: verified the way a browser verifies them (cryptography's verifier)."""

import datetime
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from edgekit.tls import TlsError, ensure_server_cert, init_tls, renew_if_due, tls_files


def verify(files, name: str) -> None:
    """A browser's check: chain to the CA, the name or address in the certificate, the CA's name constraints."""
    store = Store([x509.load_pem_x509_certificate(files.ca_cert.read_bytes())])
    leaf = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    try:
        subject = x509.verification.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        subject = x509.verification.DNSName(name)
    PolicyBuilder().store(store).build_server_verifier(subject).verify(leaf, [])


def test_init_makes_a_ca_and_a_server_certificate_for_the_box(home):
    files = init_tls(home, "ke-kilifi-001", ["edgekit.local", "kilifi.local"], ["192.168.4.1"])
    for name in ("edgekit.local", "kilifi.local", "192.168.4.1", "127.0.0.1"):
        verify(files, name)
    with pytest.raises(VerificationError):
        verify(files, "192.168.4.2")
    assert files.ca_key.stat().st_mode & 0o777 == 0o600
    assert files.server_key.stat().st_mode & 0o777 == 0o600
    assert files.folder.stat().st_mode & 0o777 == 0o700
    assert b"PRIVATE" not in files.ca_cert.read_bytes() + files.server_cert.read_bytes()


def test_provisioning_again_keeps_the_ca_and_reissues_only_for_new_names(home):
    files = init_tls(home, "box", ["edgekit.local"], ["192.168.4.1"])
    ca, leaf = files.ca_cert.read_bytes(), files.server_cert.read_bytes()
    init_tls(home, "box", ["edgekit.local"], ["192.168.4.1"])
    assert (files.ca_cert.read_bytes(), files.server_cert.read_bytes()) == (ca, leaf)
    init_tls(home, "box", ["edgekit.local"], ["10.42.0.1"])  # the hotspot moved
    assert files.ca_cert.read_bytes() == ca and files.server_cert.read_bytes() != leaf
    verify(files, "10.42.0.1")


def test_the_ca_cannot_vouch_for_other_sites_even_if_its_key_were_stolen(home):
    files = init_tls(home, "box", ["edgekit.local"], [])
    ca_key = serialization.load_pem_private_key(files.ca_key.read_bytes(), password=None)
    ca = x509.load_pem_x509_certificate(files.ca_cert.read_bytes())
    now = datetime.datetime.now(datetime.UTC)
    for forged_name in ("bank.example", "8.8.8.8"):
        try:
            san = x509.IPAddress(ipaddress.ip_address(forged_name))
        except ValueError:
            san = x509.DNSName(forged_name)
        key = ec.generate_private_key(ec.SECP256R1())
        forged = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, forged_name)]))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([san]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        files.server_cert.write_bytes(forged.public_bytes(serialization.Encoding.PEM))
        with pytest.raises(VerificationError, match="constraint"):
            verify(files, forged_name)


def test_a_certificate_near_its_end_is_renewed_for_the_same_names(home, monkeypatch):
    files = init_tls(home, "box", ["edgekit.local"], ["192.168.4.1"])
    assert renew_if_due(files) is False
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=800)
    monkeypatch.setattr("edgekit.tls._now", lambda: later)
    old = files.server_cert.read_bytes()
    assert renew_if_due(files) is True and files.server_cert.read_bytes() != old
    leaf = x509.load_pem_x509_certificate(files.server_cert.read_bytes())
    assert leaf.not_valid_after_utc > later + datetime.timedelta(days=700)
    sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "edgekit.local" in sans.get_values_for_type(x509.DNSName)
    assert ipaddress.ip_address("192.168.4.1") in sans.get_values_for_type(x509.IPAddress)


def test_no_server_certificate_without_a_ca(home):
    with pytest.raises(TlsError) as caught:
        ensure_server_cert(tls_files(home), ["edgekit.local"], [])
    assert caught.value.code == "no_tls" and "edgekit tls init" in caught.value.message


def test_a_name_or_address_the_ca_may_not_sign_is_refused_with_the_reason(home):
    from edgekit.tls import TlsError

    with pytest.raises(TlsError) as refused:
        init_tls(home, "ke-kilifi-001", ["edgekit.local", "kilifi"], ["192.168.4.1"])
    assert refused.value.code == "tls_name_not_permitted" and "kilifi.local" in str(refused.value)
    with pytest.raises(TlsError) as public:
        init_tls(home, "ke-kilifi-001", ["edgekit.local"], ["8.8.8.8"])
    assert public.value.code == "tls_address_not_permitted"
