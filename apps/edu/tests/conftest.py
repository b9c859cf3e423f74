"""The school app's tests share a class made through the teacher's pages, and phones that join it as pupils."""

from __future__ import annotations

import re
from contextlib import ExitStack

import pytest

from edgekit.testing import HTML, csrf_token, server

SKILL = "math.fractions.of_amount"


def _form(client, path):
    return {"csrf_token": csrf_token(client, path)}


@pytest.fixture
def school(signed_in):
    """A class of two pupils made through the teacher's pages, with one skill assigned."""
    teacher = signed_in("teacher")
    made = teacher.post(
        "/apps/edu/teach",
        data={"name": "Class 5 Blue", "rule": "3 in a row", "lang": "en", **_form(teacher, "/apps/edu/teach")},
        headers=HTML,
    )
    assert made.status_code == 200, made.text[:300]
    code = re.search(r'id="class-code">([A-Z0-9]+)<', made.text).group(1)
    cards = teacher.post(
        f"/apps/edu/teach/{code}/pupils",
        data={"names": "Amani\nBahati", "kind": "pin", **_form(teacher, f"/apps/edu/teach/{code}")},
        headers=HTML,
    )
    assert cards.status_code == 200
    pins = re.findall(r'class="code edu-pin">(\d{4})<', cards.text)
    assert len(pins) == 2
    assigned = teacher.post(
        f"/apps/edu/teach/{code}/assign",
        data={"skill_id": SKILL, "pupil_id": "", **_form(teacher, f"/apps/edu/teach/{code}")},
        headers=HTML,
    )
    assert assigned.status_code == 200
    return teacher, code, dict(zip(["Amani", "Bahati"], pins, strict=True))


@pytest.fixture
def join_as(new_client):
    """join_as(code, name, pin) -> (a phone of its own, the sign-in's response), through the join pages."""

    def join(code, name, pin):
        return _pupil_client(new_client, code, name, pin)

    return join


def _pupil_client(app_client_factory, code, name, pin):
    client = app_client_factory()
    names = client.get(f"/apps/edu/join?code={code}", headers=HTML)
    assert names.status_code == 200 and name in names.text
    pupil_id = re.search(rf'pupil=(\d+)">{name}<', names.text).group(1)
    page = client.get(f"/apps/edu/join?code={code}&pupil={pupil_id}", headers=HTML)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    signed = client.post(
        "/apps/edu/join", data={"code": code, "pupil": pupil_id, "pin": pin, "csrf_token": token}, headers=HTML
    )
    return client, signed


@pytest.fixture
def new_client(app_kit):
    """new_client() -> a phone of its own on the real server (no one signed in)."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(server(app_kit))
