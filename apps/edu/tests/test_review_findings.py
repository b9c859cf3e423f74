"""What the last review found, each pinned by a test that failed before its fix: a disclosure typed in the answer
box is kept in the pupil's words; staff trying the tutor raise no class-less flag; no link makes the tutor's worked
example the pupil's own item; guessing class codes is throttled like guessing PINs; a pupil list that fails
half-way leaves no account behind."""

from __future__ import annotations

import re
import sqlite3

import pytest
from argon2 import PasswordHasher
from edgekit_edu import school as school_module
from edgekit_edu.generate import SERVED_SEEDS, TEMPLATES, example_seed, make_item, parse_generated_id
from edgekit_edu.tables import Flag, Pupil, TutorExchange
from edgekit_edu.tutor import template_hint
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from edgekit.sdk import find_account
from edgekit.testing import HTML, bearer, create_app

DISCLOSURE = "my uncle beats me when I get home"


def test_a_disclosure_typed_as_an_answer_is_stored_in_the_pupils_words(school, join_as, app_kit):
    teacher, code, pins = school
    pupil, _ = join_as(code, "Bahati", pins["Bahati"])
    item = "math.fractions.of_amount~4242"
    page = pupil.get(f"/apps/edu/tutor?item={item}&attempt={DISCLOSURE}", headers=HTML)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    said = pupil.post(
        "/apps/edu/tutor",
        data={"question": "", "item": item, "attempt": DISCLOSURE, "csrf_token": token},
        headers=HTML,
    )
    assert 'data-kind="safeguarding"' in said.text
    with Session(app_kit.db) as session:
        flag = session.exec(select(Flag)).one()
        exchange = session.exec(select(TutorExchange)).one()
    assert DISCLOSURE in flag.message and DISCLOSURE in exchange.question
    assert make_item("math.fractions.of_amount", 4242).prompt not in flag.message
    assert DISCLOSURE in teacher.get(f"/apps/edu/teach/{code}", headers=HTML).text


def test_staff_trying_the_tutor_raise_no_flag_without_a_class(app_client, app_kit):
    said = app_client.post("/apps/edu/api/hint", json={"problem": DISCLOSURE}, headers=bearer(app_kit, "mwalimu"))
    assert said.status_code == 200 and said.json()["kind"] == "safeguarding"
    with Session(app_kit.db) as session:
        assert session.exec(select(Flag)).all() == []  # a flag no class's teacher would ever see
        assert session.exec(select(TutorExchange)).one().question == DISCLOSURE  # the exchange is still kept


@pytest.mark.parametrize("skill", sorted(TEMPLATES))
def test_no_link_makes_the_worked_example_a_pupils_own_item(skill):
    # The pupil's item has seed `mine`; a crafted link names the item whose first worked example was seed + 7919.
    mine = 5_000_000
    crafted = make_item(skill, mine - 7919)
    assert make_item(skill, mine).prompt not in template_hint(crafted, "en", []), skill
    assert all(example_seed(skill, crafted_seed, k) >= SERVED_SEEDS for crafted_seed in (0, mine) for k in (1, 11))
    # The examples' own items cannot be named by a link either: not served, not checked, not hinted.
    assert parse_generated_id(f"{skill}~{SERVED_SEEDS}") is None
    assert parse_generated_id(f"{skill}~{SERVED_SEEDS - 1}") == (skill, SERVED_SEEDS - 1)


def test_an_examples_item_cannot_be_answered_for_mastery(school, join_as):
    _teacher, code, pins = school
    pupil, _ = join_as(code, "Amani", pins["Amani"])
    page = pupil.get("/apps/edu/practice/math.fractions.of_amount", headers=HTML)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    example = make_item("math.fractions.of_amount", SERVED_SEEDS + 17)
    answered = pupil.post(
        "/apps/edu/practice/math.fractions.of_amount",
        data={"item_id": example.id, "answer": example.answer, "csrf_token": token},
        headers=HTML,
    )
    assert answered.status_code == 404


def test_guessing_class_codes_is_throttled_like_pins(school, app_kit):
    _teacher, code, _pins = school
    guesser = TestClient(create_app(app_kit), client=("10.0.0.7", 40000))
    tries = app_kit.settings.login_max_failures
    for n in range(tries):
        assert guesser.get(f"/apps/edu/join?code=ZZZZ{n:02d}", headers=HTML).status_code == 404
    refused = guesser.get(f"/apps/edu/join?code={code}", headers=HTML)  # even the right code, now
    assert refused.status_code == 429 and 'role="alert"' in refused.text
    assert refused.headers.get("content-type", "").startswith("text/html")
    # Another phone on the Wi-Fi is not held back by this one's guesses.
    other = TestClient(create_app(app_kit), client=("10.0.0.8", 40000))
    assert other.get(f"/apps/edu/join?code={code}", headers=HTML).status_code == 200


def test_a_pupil_list_that_fails_half_way_leaves_no_account_behind(app_kit, monkeypatch):
    app = app_kit.app_contexts["edu"]
    viewer = school_module.Viewer("mwalimu", "teacher")
    with app.session() as session:
        code = school_module.create_class(session, viewer, "Class 4 Red").code
        session.commit()
    sent = []

    def failing_send(session, pupil, school_class):  # the disk fills up after the first pupil's record
        sent.append(pupil.display_name)
        if len(sent) == 2:
            raise OSError("No space left on device")

    monkeypatch.setattr(school_module, "send_pupil", failing_send)
    with app.session() as session, pytest.raises(OSError):
        school_module.add_pupils(app_kit, session, viewer, code, ["Neema", "Baraka", "Zawadi"])
    with app.session() as session:
        assert find_account(session, f"edu-{code.lower()}-01") is None
        assert session.exec(select(Pupil)).all() == []
    monkeypatch.undo()
    with app.session() as session:  # the same list again: numbered from 01, as if nothing had happened
        made = school_module.add_pupils(app_kit, session, viewer, code, ["Neema", "Baraka", "Zawadi"])
        session.commit()
        assert [p.account for p, _pin in made] == [f"edu-{code.lower()}-{n:02d}" for n in (1, 2, 3)]


def test_importing_pupils_hashes_no_pin_while_holding_the_write_lock(app_kit, monkeypatch):
    """Each argon2 PIN hash takes 0.1-0.3 s on a Pi: held through 80 of them, the write lock would make a class's
    answers and sign-ins give up ("database is locked"). At every hash of an import of 20 pupils another writer
    takes the lock within 0.1 s."""
    app = app_kit.app_contexts["edu"]
    viewer = school_module.Viewer("mwalimu", "teacher")
    with app.session() as session:
        code = school_module.create_class(session, viewer, "Class 6 Green").code
        session.commit()
    hash_pin, blocked = PasswordHasher.hash, []

    def hash_while_another_writes(hasher, secret, **kwargs):
        writer = sqlite3.connect(app.db.url.database, timeout=0.1)
        try:
            writer.execute("BEGIN IMMEDIATE")  # what any writer does first: take the write lock
            writer.execute(
                "INSERT INTO audit_entry (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                ("2026-01-01 00:00:00", "test", "concurrent.write", "", ""),
            )
            writer.commit()
        except sqlite3.OperationalError as locked:
            blocked.append(str(locked))
        finally:
            writer.close()
        return hash_pin(hasher, secret, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", hash_while_another_writes)
    names = [f"Pupil {n:02d}" for n in range(1, 21)]
    with app.session() as session:
        made = school_module.add_pupils(app_kit, session, viewer, code, names)
        session.commit()
    assert len(made) == 20 and blocked == []
    with app.session() as session:  # the accounts and pupils were all stored
        assert find_account(session, f"edu-{code.lower()}-20") is not None
        assert len(session.exec(select(Pupil)).all()) == 20
