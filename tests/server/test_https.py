"""Plain HTTP and HTTPS from one app: who is sent where, which cookies are Secure, HSTS only where it can work."""

import pytest
from cryptography import x509
from fastapi.testclient import TestClient

from edgekit.kit import Kit
from edgekit.plugins import load_plugins
from edgekit.server import create_app
from edgekit.server.deps import SESSION_COOKIE
from edgekit.server.https import REACHED_COOKIE
from edgekit.settings import Settings
from edgekit.tls import init_tls

HTML = {"accept": "text/html"}


@pytest.fixture
def kit(home):
    kit = Kit(Settings(home=home, login_delay_s=0), plugin_host=load_plugins(entry_points=False))
    kit.accounts.add_user("amina", "health_worker", pin="4821")
    return kit


def box(kit, https_port: int | None = 8443):
    app = create_app(kit=kit)
    app.state.https_port = https_port
    return app


def phone(app, scheme: str) -> TestClient:
    return TestClient(app, base_url=f"{scheme}://192.168.4.1", client=("192.168.4.20", 5000))


def test_the_ca_is_offered_over_plain_http_and_never_its_key(kit):
    files = init_tls(kit.settings.home, "box", ["edgekit.local"], ["192.168.4.1"])
    with phone(box(kit), "http") as client:
        response = client.get("/ca.crt")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-x509-ca-cert"
    assert x509.load_der_x509_certificate(response.content) == x509.load_pem_x509_certificate(
        files.ca_cert.read_bytes()
    )
    assert b"PRIVATE" not in response.content and files.ca_key.read_bytes() not in response.content


def test_no_ca_yet_means_404_and_a_page_that_says_how(kit):
    with phone(box(kit, None), "http") as client:
        assert client.get("/ca.crt").status_code == 404
        page = client.get("/secure", headers=HTML)
    assert page.status_code == 200 and "edgekit tls init" in page.text


@pytest.mark.parametrize(
    "lang, words", [("en", "Download the certificate"), ("sw", "Pakua cheti"), ("fr", "Télécharger le certificat")]
)
def test_the_secure_page_speaks_each_language_and_links_to_https(kit, lang, words):
    init_tls(kit.settings.home, "box", ["edgekit.local"], ["192.168.4.1"])
    with phone(box(kit), "http") as client:
        client.cookies.set("edgekit_lang", lang)
        page = client.get("/secure", headers=HTML)
    assert words in page.text and 'href="/ca.crt"' in page.text
    assert 'href="https://192.168.4.1:8443/"' in page.text


def test_signing_in_over_https_sets_a_secure_cookie_and_over_http_not(kit):
    init_tls(kit.settings.home, "box", ["edgekit.local"], ["192.168.4.1"])
    app = box(kit)
    with phone(app, "https") as secure, phone(app, "http") as plain:
        over_https = secure.post("/auth/login", json={"name": "amina", "secret": "4821"})
        over_http = plain.post("/auth/login", json={"name": "amina", "secret": "4821"})
    session_cookie = [c for c in over_https.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)]
    assert "Secure" in session_cookie[0] and "HttpOnly" in session_cookie[0]
    assert "Secure" not in over_http.headers["set-cookie"]


def test_a_phone_that_reached_https_is_sent_there_from_plain_http(kit):
    app = box(kit)
    with phone(app, "https") as secure:
        first = secure.get("/login", headers=HTML)
    marks = [c for c in first.headers.get_list("set-cookie") if c.startswith(REACHED_COOKIE)]
    assert marks and "Secure" not in marks[0]  # plain HTTP must see it
    with phone(app, "http") as plain:
        assert plain.get("/login?next=/x", headers=HTML, follow_redirects=False).status_code == 200  # not yet
        plain.cookies.set(REACHED_COOKIE, "1")
        moved = plain.get("/login?next=/x", headers=HTML, follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == "https://192.168.4.1:8443/login?next=/x"
        for kept in ("/ca.crt", "/secure", "/healthz"):  # to reinstall the CA, or a probe
            assert plain.get(kept, follow_redirects=False).status_code != 307, kept
        assert plain.post("/auth/login", json={"name": "amina", "secret": "4821"}).status_code == 200


def test_without_https_nothing_changes(kit):
    with phone(box(kit, None), "http") as plain:
        plain.cookies.set(REACHED_COOKIE, "1")
        response = plain.get("/login", headers=HTML, follow_redirects=False)
    assert response.status_code == 200 and "/secure" not in response.text


@pytest.mark.parametrize("port, hsts", [(443, True), (8443, False)])
def test_hsts_only_on_the_standard_port(kit, port, hsts):
    with phone(box(kit, port), "https") as secure:
        response = secure.get("/login", headers=HTML)
    assert ("strict-transport-security" in response.headers) is hsts
    if hsts:
        assert response.headers["strict-transport-security"] == "max-age=31536000"


def test_the_sign_in_page_over_http_says_it_is_not_encrypted(kit):
    with phone(box(kit), "http") as plain, phone(box(kit), "https") as secure:
        assert 'href="/secure"' in plain.get("/login", headers=HTML).text
        assert 'href="/secure"' not in secure.get("/login", headers=HTML).text
