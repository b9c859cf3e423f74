"""The /v1 routes against a live server, with the official openai package as the client and the real models."""

from __future__ import annotations

import io
import threading
import time
import wave

import httpx
import openai
import pytest

from edgekit.kit import Kit
from edgekit.settings import Settings
from tests.conftest import CHAT_MODEL
from tests.server.live import live_server


def make_kit(home, models_dir, **overrides) -> Kit:
    settings = Settings(home=home, models_dir_override=models_dir, threads=2, login_delay_s=0, **overrides)
    kit = Kit(settings)
    kit.accounts.add_user("teacher", "teacher", pin="2468")
    kit.accounts.add_user("student", "student", pin="1357")
    return kit


@pytest.fixture(scope="module")
def server(installed_models_dir, tmp_path_factory):
    kit = make_kit(tmp_path_factory.mktemp("v1-home"), installed_models_dir)
    with live_server(kit) as url:
        yield url, kit, kit.accounts.create_token("teacher")


@pytest.fixture
def client(server) -> openai.OpenAI:
    url, _kit, token = server
    return openai.OpenAI(base_url=url + "/v1", api_key=token, max_retries=0, timeout=60)


def test_models_lists_what_is_installed(client):
    ids = [model.id for model in client.models.list()]
    assert CHAT_MODEL in ids and "whisper-tiny-en" in ids


def test_chat_completion_with_usage(client):
    response = client.chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "user", "content": "How do I store maize after harvest?"}],
        max_tokens=30,
        seed=3,
    )
    assert response.object == "chat.completion"
    assert response.choices[0].message.role == "assistant"
    assert response.choices[0].message.content.strip()
    assert response.choices[0].finish_reason in ("stop", "length")
    assert response.usage.prompt_tokens > 10 and 0 < response.usage.completion_tokens <= 30
    assert response.usage.total_tokens == response.usage.prompt_tokens + response.usage.completion_tokens


def test_chat_completion_streams(client):
    stream = client.chat.completions.create(
        model=CHAT_MODEL,
        messages=[{"role": "user", "content": "What do goats eat?"}],
        max_tokens=30,
        seed=4,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.strip()
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) > 1, "streamed in pieces"
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0


def test_completions_stream_and_not(client):
    whole = client.completions.create(model=CHAT_MODEL, prompt="Maize is a", max_tokens=8, seed=1)
    assert whole.object == "text_completion" and whole.choices[0].text
    assert whole.usage.completion_tokens <= 8
    pieces = [
        c.choices[0].text
        for c in client.completions.create(model=CHAT_MODEL, prompt="Maize is a", max_tokens=8, seed=1, stream=True)
    ]
    assert "".join(pieces) == whole.choices[0].text  # same seed, same text, streamed or not


def test_speech_returns_a_wav(client):
    audio = client.audio.speech.create(
        model="tts", voice="en", input="Wash your hands before eating.", response_format="wav"
    )
    with wave.open(io.BytesIO(audio.read())) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.5


def test_speech_in_swahili_through_espeak(server):
    url, _kit, token = server
    response = httpx.post(
        url + "/v1/audio/speech",
        headers={"Authorization": f"Bearer {token}"},
        json={"input": "Mtoto wangu ana homa kali", "voice": "sw"},
        timeout=60,
    )
    assert response.status_code == 200 and response.content[:4] == b"RIFF"
    assert response.headers["x-edgekit-voice"].startswith("espeak-ng")


def test_no_token_is_refused_in_openai_shape(server):
    url, _kit, _token = server
    anonymous = openai.OpenAI(base_url=url + "/v1", api_key="ek_not_a_token", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        anonymous.models.list()
    assert caught.value.body["code"] == "not_authenticated"
    assert caught.value.body["type"] == "authentication_error"


@pytest.mark.parametrize(
    "path, body, status, code",
    [
        ("/v1/chat/completions", {"messages": []}, 400, "bad_input"),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "x" * 9000}]}, 413, "text_too_long"),
        (
            "/v1/chat/completions",
            {"model": "gpt-4", "messages": [{"role": "user", "content": "hi"}]},
            404,
            "model_not_found",
        ),
        ("/v1/completions", {"prompt": ""}, 400, "bad_input"),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}], "temperature": 9}, 400, "bad_input"),
        ("/v1/audio/speech", {"input": "hello", "response_format": "mp3"}, 400, "unsupported_format"),
        ("/v1/audio/speech", {"input": "   "}, 400, "empty_text"),
        ("/v1/audio/speech", {"input": "hello", "voice": "xx"}, 400, "unsupported_language"),
    ],
)
def test_bad_requests_get_clear_openai_errors(server, path, body, status, code):
    url, _kit, token = server
    response = httpx.post(url + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and "type" in error


def test_open_access_lets_local_clients_in_without_a_token(installed_models_dir, tmp_path):
    kit = make_kit(tmp_path, installed_models_dir, open_v1_access=True)
    with live_server(kit) as url:
        anonymous = openai.OpenAI(base_url=url + "/v1", api_key="none", max_retries=0)
        assert CHAT_MODEL in [m.id for m in anonymous.models.list()]


# --- fair service ------------------------------------------------------------------------------------------


def long_stream(url: str, token: str, opened: threading.Event, stop: threading.Event, seen: list[str]) -> None:
    """A story with no stop marker: it runs until told to stop (or hits max_tokens), reading as it goes."""
    body = {
        "prompt": "Once upon a time in a village by the lake, there lived",
        "max_tokens": 600,
        "temperature": 0.9,
        "seed": 11,
        "stream": True,
    }
    with httpx.stream(
        "POST", url + "/v1/completions", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60
    ) as response:
        for line in response.iter_lines():
            seen.append(line)
            if line.startswith("data: {"):
                opened.set()
            if stop.is_set():
                return  # closing the connection mid-stream


def wait_until(predicate, timeout: float = 10.0) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError("timed out")
        time.sleep(0.02)
    return time.monotonic() - started


def test_a_disconnected_client_frees_the_model_within_a_second(server):
    url, kit, token = server
    opened, stop, seen = threading.Event(), threading.Event(), []
    reader = threading.Thread(target=long_stream, args=(url, token, opened, stop, seen))
    reader.start()
    assert opened.wait(30)
    queue = kit.scheduler.queue(CHAT_MODEL)
    assert queue.running == 1  # its slot (the only one, or one of the batching engine's)
    stop.set()
    reader.join(10)
    assert wait_until(lambda: queue.running == 0) < 1.0
    assert "data: [DONE]" not in seen  # it really was cut short


def test_queue_full_is_429_with_retry_after_and_every_accepted_stream_completes(installed_models_dir, tmp_path):
    # One slot, so that one long story fills it (with more, as many run before any waits: test_scheduler.py).
    kit = make_kit(tmp_path, installed_models_dir, queue_max_waiting=2, queue_retry_after_s=3, chat_parallel=1)
    token = kit.accounts.create_token("teacher")
    results: dict[int, list[str]] = {}

    def ask(index: int) -> None:
        # The first is long enough (a story, no stop marker) that the others queue behind it.
        body = {
            "prompt": "Once upon a time in a village by the lake, there lived",
            "temperature": 0.9,
            "max_tokens": 150 if index == 0 else 10,
            "seed": 11,
            "stream": True,
        }
        with httpx.stream(
            "POST", url + "/v1/completions", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=120
        ) as response:
            results[index] = [str(response.status_code), *(line for line in response.iter_lines() if line)]

    with live_server(kit) as url:
        queue = kit.scheduler.queue(CHAT_MODEL)
        threads = []
        for index in range(3):  # one runs, two wait: the queue is full
            threads.append(threading.Thread(target=ask, args=(index,)))
            threads[-1].start()
            wait_until(lambda n=index: len(queue.served) + queue.waiting >= n + 1)
        assert queue.busy and queue.waiting == 2
        refused = httpx.post(
            url + "/v1/chat/completions",
            headers={"Authorization": f"Bearer {token}"},
            json={"messages": [{"role": "user", "content": "And me?"}]},
            timeout=30,
        )
        for thread in threads:
            thread.join(120)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "3"
    assert refused.json()["error"]["code"] == "queue_full"
    for index in range(3):
        lines = results[index]
        assert lines[0] == "200" and lines[-1] == "data: [DONE]", f"stream {index} did not finish: {lines[-3:]}"


def test_clients_are_served_in_turn(installed_models_dir, tmp_path):
    kit = make_kit(tmp_path, installed_models_dir, chat_parallel=1)  # one slot: the blocker holds it
    kit.accounts.add_user("other", "teacher", pin="9999")
    tokens = {name: kit.accounts.create_token(name) for name in ("teacher", "student", "other")}

    def ask(name: str) -> None:
        httpx.post(
            url + "/v1/completions",
            headers={"Authorization": f"Bearer {tokens[name]}"},
            json={"prompt": "Maize is", "max_tokens": 2},
            timeout=120,
        )

    with live_server(kit) as url:
        queue = kit.scheduler.queue(CHAT_MODEL)
        opened, stop, seen = threading.Event(), threading.Event(), []
        blocker = threading.Thread(target=long_stream, args=(url, tokens["other"], opened, stop, seen))
        blocker.start()
        assert opened.wait(30)
        threads = []
        for name in ("teacher", "teacher", "teacher", "student"):  # one client's three first, then another's one
            threads.append(threading.Thread(target=ask, args=(name,)))
            threads[-1].start()
            wait_until(lambda n=len(threads): queue.waiting == n)
        stop.set()
        for thread in [blocker, *threads]:
            thread.join(120)
    assert queue.served == ["user:other", "user:teacher", "user:student", "user:teacher", "user:teacher"]


# --- speech to text --------------------------------------------------------------------------------------


def test_transcriptions_in_every_response_format(client, speech_clips):
    from tests.speech_clips import ENGLISH_TEXT, word_error_rate

    with open(speech_clips["english"], "rb") as audio:
        as_json = client.audio.transcriptions.create(model="whisper-1", file=audio, language="en")
    assert word_error_rate(ENGLISH_TEXT, as_json.text) <= 0.3
    with open(speech_clips["english"], "rb") as audio:
        as_text = client.audio.transcriptions.create(
            model="whisper-1", file=audio, language="en", response_format="text"
        )
    assert isinstance(as_text, str) and as_text.strip() == as_json.text.strip()
    with open(speech_clips["english"], "rb") as audio:
        verbose = client.audio.transcriptions.create(
            model="whisper-1", file=audio, language="en", response_format="verbose_json"
        )
    assert verbose.language == "en" and verbose.duration > 3 and verbose.segments


def test_transcription_bad_uploads(server, speech_clips):
    url, kit, token = server
    headers = {"Authorization": f"Bearer {token}"}
    not_audio = httpx.post(
        url + "/v1/audio/transcriptions",
        headers=headers,
        files={"file": ("x.wav", b"this is not audio at all" * 50)},
        timeout=60,
    )
    assert not_audio.json()["error"]["code"] == "audio_undecodable"
    empty = httpx.post(url + "/v1/audio/transcriptions", headers=headers, files={"file": ("x.wav", b"")}, timeout=60)
    assert empty.json()["error"]["code"] == "audio_empty"
    silent = httpx.post(
        url + "/v1/audio/transcriptions",
        headers=headers,
        files={"file": ("s.wav", speech_clips["silence"].read_bytes())},
        timeout=60,
    )
    assert silent.json()["error"]["code"] == "audio_silent"
    kit.settings.max_upload_mb = 0.01  # this test's server only; 10 kB
    try:
        big = httpx.post(
            url + "/v1/audio/transcriptions",
            headers=headers,
            files={"file": ("e.wav", speech_clips["english"].read_bytes())},
            timeout=60,
        )
    finally:
        kit.settings.max_upload_mb = 10
    assert big.status_code == 413 and big.json()["error"]["code"] == "upload_too_large"


# --- embeddings ------------------------------------------------------------------------------------------


def test_embeddings_rank_by_meaning(client):
    import numpy as np

    texts = [
        "How do I store maize after harvest?",
        "Keep dried grain in airtight bags",
        "Signs of pre-eclampsia in pregnancy",
    ]
    response = client.embeddings.create(model="minilm-int8", input=texts)
    vectors = np.array([item.embedding for item in response.data])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-3)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert response.usage.prompt_tokens > 10


def test_embeddings_base64_matches_floats(server):
    import base64

    import numpy as np

    url, _kit, token = server
    headers = {"Authorization": f"Bearer {token}"}
    as_floats = httpx.post(url + "/v1/embeddings", headers=headers, json={"input": "goats"}, timeout=60).json()
    as_base64 = httpx.post(
        url + "/v1/embeddings", headers=headers, json={"input": "goats", "encoding_format": "base64"}, timeout=60
    ).json()
    decoded = np.frombuffer(base64.b64decode(as_base64["data"][0]["embedding"]), dtype="<f4")
    assert np.allclose(decoded, as_floats["data"][0]["embedding"], atol=1e-6)


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"input": []}, 400, "bad_input"),
        ({"input": ["fine", "  "]}, 400, "empty_text"),
        ({"input": ["a"] * 300}, 413, "too_many_inputs"),
    ],
)
def test_embeddings_bad_input(server, body, status, code):
    url, _kit, token = server
    response = httpx.post(url + "/v1/embeddings", headers={"Authorization": f"Bearer {token}"}, json=body, timeout=60)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/v1/models", None),
        ("POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}]}),
        ("POST", "/v1/completions", {"prompt": "hi"}),
        ("POST", "/v1/embeddings", {"input": "hi"}),
        ("POST", "/v1/audio/speech", {"input": "hi"}),
    ],
)
def test_every_v1_route_needs_a_token(server, method, path, body):
    url, kit, _token = server
    anonymous = httpx.request(method, url + path, json=body, timeout=30)
    forged = httpx.request(method, url + path, json=body, headers={"Authorization": "Bearer ek_forged"}, timeout=30)
    assert anonymous.status_code == forged.status_code == 401
    assert anonymous.json()["error"]["code"] == "not_authenticated"
    assert kit.scheduler.queue(CHAT_MODEL).busy is False  # refused before taking a place in any queue


def test_transcriptions_need_a_token(server, speech_clips):
    url, _kit, _token = server
    response = httpx.post(
        url + "/v1/audio/transcriptions", files={"file": ("e.wav", speech_clips["english"].read_bytes())}, timeout=30
    )
    assert response.status_code == 401


def test_a_disabled_users_token_stops_working(server):
    url, kit, _token = server
    kit.accounts.add_user("leaver", "teacher", pin="8642")
    token = kit.accounts.create_token("leaver")
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(url + "/v1/models", headers=headers, timeout=30).status_code == 200
    kit.accounts.disable_user("leaver")
    assert httpx.get(url + "/v1/models", headers=headers, timeout=30).status_code == 401


def test_a_client_that_gives_up_on_a_whole_answer_frees_the_model_too(server):
    url, kit, token = server
    body = {
        "prompt": "Once upon a time in a village by the lake, there lived",
        "max_tokens": 600,
        "temperature": 0.9,
        "seed": 11,
    }
    queue = kit.scheduler.queue(CHAT_MODEL)
    with pytest.raises(httpx.ReadTimeout):  # the client stops waiting and closes the connection
        httpx.post(
            url + "/v1/completions",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=httpx.Timeout(30, read=1.5),
        )
    assert queue.busy, "the answer was still being written when the client left"
    assert wait_until(lambda: not queue.busy) < 1.0


def test_oversized_bodies_are_refused_before_they_are_read(server):
    url, _kit, _token = server
    too_big = b"0" * (12 * 1024 * 1024)  # over the 10 MB upload limit plus 1 MB for form fields
    upload = httpx.post(url + "/v1/audio/transcriptions", files={"file": ("big.wav", too_big)}, timeout=60)
    assert upload.status_code == 413 and upload.json()["error"]["code"] == "upload_too_large"
    login = httpx.post(url + "/auth/login", content=too_big, headers={"content-type": "application/json"}, timeout=60)
    assert login.status_code == 413 and login.json()["error"]["code"] == "upload_too_large"


@pytest.mark.parametrize("stream", [False, True])
def test_no_chat_model_is_a_clear_error_streamed_or_not(tmp_path, stream):
    empty = tmp_path / "models"
    empty.mkdir()
    kit = make_kit(tmp_path / "home", empty)
    token = kit.accounts.create_token("teacher")
    with live_server(kit) as url:
        response = httpx.post(
            url + "/v1/chat/completions",
            headers={"Authorization": f"Bearer {token}"},
            json={"messages": [{"role": "user", "content": "hi"}], "stream": stream},
            timeout=30,
        )
        assert response.status_code == 503
        assert response.json()["error"]["code"] == "model_not_installed"
        assert not kit.scheduler.queue(CHAT_MODEL).busy and kit.scheduler.queue(CHAT_MODEL).waiting == 0


def test_a_path_is_never_a_model_name(server):
    url, kit, token = server
    headers = {"Authorization": f"Bearer {token}"}
    models_dir = kit.settings.models_dir
    for name in (f"./{CHAT_MODEL}", f"{CHAT_MODEL}/", f"../models/{CHAT_MODEL}", str(models_dir / CHAT_MODEL)):
        response = httpx.post(
            url + "/v1/chat/completions",
            headers=headers,
            timeout=30,
            json={"model": name, "messages": [{"role": "user", "content": "hi"}]},
        )
        assert response.status_code == 404, name
        assert response.json()["error"]["code"] == "model_not_found"
    from edgekit.models.catalog import MODEL_ID_PATTERN

    assert all(MODEL_ID_PATTERN.match(model_id) for model_id in kit.manager.loaded_ids())
    assert set(kit.scheduler.queues) <= {
        CHAT_MODEL,
        "minilm-int8",
        "whisper-tiny-en",
        "whisper-base",
        "piper-en-us-joe-medium",
    }


@pytest.mark.parametrize("voice", ["alloy", "echo", "nova", "shimmer", "default", None])
def test_openai_voice_names_get_the_english_voice(server, voice):
    url, _kit, token = server
    body = {"input": "Hello.", **({"voice": voice} if voice else {})}
    response = httpx.post(url + "/v1/audio/speech", headers={"Authorization": f"Bearer {token}"}, json=body, timeout=60)
    assert response.status_code == 200
    assert response.headers["x-edgekit-voice"] == "piper-en-us-joe-medium"


@pytest.mark.parametrize(
    "path, body",
    [
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "Hello"}]}),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "Hello"}], "stream": True}),
        ("/v1/completions", {"prompt": "Hello", "stream": True}),
    ],
)
def test_with_the_chat_model_switched_off_v1_says_so_and_loads_nothing(installed_models_dir, tmp_path, path, body):
    from fastapi.testclient import TestClient

    from edgekit.server import create_app

    kit = make_kit(tmp_path, installed_models_dir, chat_enabled=False)
    token = kit.accounts.create_token("teacher")
    with TestClient(create_app(kit=kit)) as http:
        response = http.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503, response.text[:300]
    error = response.json()["error"]
    assert error["code"] == "chat_disabled" and set(error) == {"message", "type", "param", "code"}
    assert "EDGEKIT_CHAT_ENABLED" in error["message"]
    assert kit.manager.loaded_ids() == [] and kit.scheduler.queues == {}  # no model loaded, no turn taken
