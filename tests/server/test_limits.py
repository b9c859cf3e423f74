"""Limits on request bodies, through a real uvicorn server on loopback: every limit answers in the documented
error shape ({"error": {"code", "message"}}), a chunked body is counted as it arrives, and a body that stops
coming is answered (408) instead of holding a connection open forever. Issue 13, defect 7."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from edgekit.kit import Kit
from edgekit.settings import Settings
from tests.server.live import live_server

BODY_TIMEOUT_S = 1.0
MB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # No model is needed: every request here is refused before anything would load one.
    settings = Settings(home=tmp_path_factory.mktemp("limits-home"), login_delay_s=0, body_timeout_s=BODY_TIMEOUT_S)
    kit = Kit(settings)
    with live_server(kit) as url:
        yield url


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def raw_exchange(url: str, request: bytes, wait_s: float = 10) -> tuple[bytes, float]:
    """Send `request` as it is, read until the server closes or `wait_s` passes: (what came back, seconds)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port_of(url)), timeout=wait_s) as sock:
        sock.sendall(request)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except TimeoutError:
            pass
    return answer, time.monotonic() - started


def error_of(response: httpx.Response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    return body["error"]


@pytest.mark.parametrize("kind", ["multipart", "urlencoded"])
def test_a_form_field_over_a_megabyte_is_413_in_the_error_shape(server, kind):
    field = "x" * (MB + 10)
    if kind == "multipart":
        response = httpx.post(server + "/login", files={"name": (None, field)}, timeout=30)
    else:
        response = httpx.post(server + "/login", data={"name": field}, timeout=30)
    assert response.status_code == 413, response.text[:200]
    assert error_of(response)["code"] == "field_too_large"


def test_a_broken_multipart_body_is_400_in_the_error_shape(server):
    response = httpx.post(
        server + "/login", content=b"--nothing", headers={"content-type": "multipart/form-data"}, timeout=30
    )
    assert response.status_code == 400 and error_of(response)["code"] == "bad_body"


def test_a_browser_gets_a_page_for_a_field_too_large(server):
    response = httpx.post(
        server + "/login", data={"name": "x" * (MB + 10)}, headers={"accept": "text/html"}, timeout=30
    )
    assert response.status_code == 413 and "<html" in response.text


def test_a_chunked_body_over_the_limit_is_counted_as_it_comes_and_answered_413(server):
    sent = 0

    def thirteen_megabytes():  # no Content-Length: sent chunked, so only counting can stop it
        nonlocal sent
        piece = b"0" * (256 * 1024)
        for _ in range(13 * 4):
            sent += len(piece)
            yield piece

    response = httpx.post(
        server + "/auth/login", content=thirteen_megabytes(), headers={"content-type": "application/json"}, timeout=60
    )
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 413, response.text[:200]
    assert error_of(response)["code"] == "upload_too_large"
    # The box still answers afterwards (nothing was left stuck).
    assert httpx.get(server + "/healthz", timeout=10).status_code == 200


def test_a_chunked_multipart_upload_over_the_limit_is_413_too(server):
    boundary = "edgekitboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.wav"\r\n'
        "Content-Type: audio/wav\r\n\r\n"
    ).encode()

    def body():
        yield head
        for _ in range(13 * 4):
            yield b"0" * (256 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    response = httpx.post(
        server + "/v1/audio/transcriptions",
        content=body(),
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        timeout=60,
    )
    assert response.status_code == 413, response.text[:200]
    assert response.json()["error"]["code"] == "upload_too_large"  # /v1: OpenAI's shape, same code


def test_a_body_shorter_than_its_content_length_is_answered_408_and_closed(server):
    request = (
        b"POST /auth/login HTTP/1.1\r\nHost: box\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        b'{"name": "x"'
    )
    answer, seconds = raw_exchange(server, request, wait_s=BODY_TIMEOUT_S + 8)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"connection: close" in head.lower()
    assert json.loads(body)["error"]["code"] == "request_timeout"
    assert BODY_TIMEOUT_S - 0.2 <= seconds < BODY_TIMEOUT_S + 5  # answered once the body stopped, then closed


def test_a_slow_but_steady_body_is_not_cut_off(server):
    # Each piece comes within the timeout: only a pause longer than it is dropped, not a slow phone.
    def slowly():
        for piece in (b'{"name": ', b'"nobody", ', b'"secret": "1234"}'):
            time.sleep(BODY_TIMEOUT_S * 0.6)
            yield piece

    response = httpx.post(
        server + "/auth/login", content=slowly(), headers={"content-type": "application/json"}, timeout=30
    )
    assert response.status_code == 401, response.text[:200]
