"""Voice without JavaScript: a recording from the phone's own recorder, posted through the tutor form's file
field, is transcribed on the box (the real Whisper model) and answered like a typed question; the answer is read
aloud (the real Piper voice) through a plain <audio src> and link, for the pupil who asked and nobody else."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import wave

import pytest
from edgekit_edu.tables import TutorExchange
from sqlmodel import Session, select

from edgekit.testing import HTML, add_accounts, new_kit

ITEM = "math.fractions.of_amount~12345"
SPOKEN = "How do I find three quarters of twenty?"


@pytest.fixture
def app_kit(tmp_path, edgekit_models_dir):
    """The plugin's kit, but reading the installed models: its own has a fresh home with none, and here the
    recording is transcribed, the hint asked of the tutor's model and read aloud for real (else 503)."""
    kit = new_kit(tmp_path / "home", models_dir=edgekit_models_dir)
    add_accounts(kit)
    yield kit
    kit.close()


def spoken_wav(text: str, tmp_path) -> bytes:
    if shutil.which("espeak-ng") is None:
        pytest.fail("The voice tests speak with espeak-ng: apt-get install espeak-ng")
    path = tmp_path / "question.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-w", str(path), text], check=True)
    return path.read_bytes()


def silent_wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16_000)
        wav.writeframes(b"\0" * 2 * 16_000 * 2)
    return out.getvalue()


def token_of(client, path: str) -> str:
    page = client.get(path, headers=HTML)
    assert page.status_code == 200, page.text[:300]
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def ask_by_recording(client, wav: bytes):
    token = token_of(client, f"/apps/edu/tutor?item={ITEM}")
    return client.post(
        "/apps/edu/tutor",
        data={"question": "", "item": ITEM, "attempt": "", "skill_id": "", "csrf_token": token},
        files={"audio": ("recording.wav", wav, "audio/wav")},
        headers=HTML,
    )


def test_the_tutor_form_offers_the_phones_recorder(school, join_as):
    _teacher, code, pins = school
    pupil, _ = join_as(code, "Amani", pins["Amani"])
    page = pupil.get(f"/apps/edu/tutor?item={ITEM}", headers=HTML)
    form = re.search(r'<form [^>]*id="tutor-form"[^>]*>', page.text).group(0)
    assert 'enctype="multipart/form-data"' in form and 'method="post"' in form
    assert re.search(r'<input type="file" id="audio" name="audio" accept="audio/\*" capture>', page.text)


def test_a_recorded_question_is_transcribed_and_answered_and_read_aloud_for_its_pupil_only(
    school, join_as, app_kit, tmp_path
):
    teacher, code, pins = school
    amani, _ = join_as(code, "Amani", pins["Amani"])
    said = ask_by_recording(amani, spoken_wav(SPOKEN, tmp_path))
    assert said.status_code == 200, said.text[:500]
    kind = re.search(r'id="reply" data-kind="([a-z_]+)"', said.text).group(1)
    assert kind in ("hint", "template_hint"), kind
    heard = re.search(r"<q>([^<]+)</q>", said.text).group(1).lower()
    assert "quarter" in heard and "twenty" in heard.replace("20", "twenty"), heard
    with Session(app_kit.db) as session:
        exchange = session.exec(select(TutorExchange)).one()
    assert exchange.question.lower() == heard and exchange.item_id == ITEM  # recorded like a typed question
    speech = f"/apps/edu/tutor/{exchange.id}/speech"
    assert f'<audio controls preload="none" src="{speech}"' in said.text and f'href="{speech}"' in said.text

    wav = amani.get(speech, headers=HTML)
    assert wav.status_code == 200 and wav.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(wav.content)) as spoken:
        assert spoken.getnframes() / spoken.getframerate() > 1.0  # the hint, spoken: seconds of it

    bahati, _ = join_as(code, "Bahati", pins["Bahati"])
    assert bahati.get(speech, headers=HTML).status_code == 404  # another pupil's answer is not theirs to hear
    assert teacher.get(speech, headers=HTML).status_code == 403  # a pupil's page; the teacher reads /exchanges


def test_a_silent_recording_is_refused_on_the_page_and_nothing_is_recorded(school, join_as, app_kit):
    _teacher, code, pins = school
    pupil, _ = join_as(code, "Amani", pins["Amani"])
    said = ask_by_recording(pupil, silent_wav())
    assert said.status_code == 400 and 'role="alert"' in said.text and 'id="tutor-form"' in said.text
    with Session(app_kit.db) as session:
        assert session.exec(select(TutorExchange)).first() is None
