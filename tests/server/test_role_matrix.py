"""The role matrix: every route of the server, called by nobody and by each role, against the table kept beside
this file (role_matrix.toml). A route added without its row fails here, so who may call it is decided on purpose.

One box for the module, with the real installed models; the few requests that would load one are kept from it."""

from __future__ import annotations

import dataclasses
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from edgekit.accounts.roles import ROLES
from edgekit.kit import Kit
from edgekit.server import create_app
from edgekit.settings import Settings
from tests.server.callers import ACCOUNTS, IDENTITIES, PIN, ROLE_COLUMNS, Box, furnish

TABLE = Path(__file__).with_name("role_matrix.toml")
CASES: list[dict] = tomllib.loads(TABLE.read_text())["case"]
PHONE = ("192.168.4.23", 50000)  # a phone on the box's Wi-Fi: not the box's own loopback
BROWSER = {"accept": "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8"}


def route_keys(app) -> set[str]:
    """'METHOD /path' for every route the app serves, the apps' included (HEAD is GET's shadow)."""
    keys = set()
    for route in iter_route_contexts(app.routes):
        for method in (route.methods or set()) - {"HEAD"}:
            keys.add(f"{method} {route.path_format}")
    return keys


def schema_keys(schema: dict) -> set[str]:
    return {f"{method.upper()} {path}" for path, operations in schema["paths"].items() for method in operations}


def case_id(case: dict) -> str:
    return f"{case['route']} {case.get('path', '')}".strip()


@pytest.fixture(scope="module")
def box(installed_models_dir, tmp_path_factory) -> Box:
    settings = Settings(
        home=tmp_path_factory.mktemp("matrix-home"),
        models_dir_override=installed_models_dir,
        threads=2,
        chat_enabled=False,  # answers from the documents alone: asking proves the way in without the chat model
        login_delay_s=0,
    )
    kit = Kit(settings)
    box = furnish(kit)
    box.ids.update(lmp=(date.today() - timedelta(weeks=12)).isoformat(), today=date.today().isoformat())
    box.ids.update(furnish_school(kit))
    yield box
    kit.close()


OTHER_TEACHER = "tabitha"  # a second teacher: the owner of the class the matrix's teacher may not see


def furnish_school(kit: Kit) -> dict[str, str]:
    """The edu app's records, made through its own functions: a class of the matrix's teacher ({own_class}) and one
    of another teacher ({other_class}), a pupil in each (with the PIN printed on their card) and a safeguarding flag
    raised by each pupil's message, the way the ask page raises it. The matrix's student account is a pupil of
    {own_class}: the pupils' pages are for pupils."""
    from edgekit_edu import _flag_for_teacher, school
    from edgekit_edu.tables import Flag, Pupil, TutorExchange
    from sqlmodel import select

    app = kit.app_contexts["edu"]
    kit.accounts.add_user(OTHER_TEACHER, "teacher", pin=PIN)
    ids: dict[str, str] = {}
    for key, teacher in (("own", ACCOUNTS["teacher"]), ("other", OTHER_TEACHER)):
        viewer = school.Viewer(teacher, "teacher")
        with app.session() as session:
            code = school.create_class(session, viewer, f"Matrix {key}").code
            session.commit()
        with app.session() as session:
            ((pupil, pin),) = school.add_pupils(kit, session, viewer, code, [f"Pupil {key}"])
            session.commit()
            pupil_id, account = pupil.id, pupil.account
        _flag_for_teacher(app, account, "abuse", "someone at home hurts me")
        with app.session() as session:
            flag = session.exec(select(Flag).where(Flag.pupil_id == pupil_id)).one()
            ids.update(
                {f"{key}_class": code, f"{key}_pupil": str(pupil_id), f"{key}_pin": pin, f"{key}_flag": str(flag.id)}
            )
    with app.session() as session:  # the student column's account, a pupil of the teacher's class
        own = school.class_by_code(session, school.Viewer("admin", "admin"), ids["own_class"])
        juma = Pupil(class_id=own.id, display_name="Juma", account=ACCOUNTS["student"])
        session.add(juma)
        session.flush()
        # A tutor's answer to Juma ({own_exchange}) and one to the other class's pupil ({other_exchange}), one word
        # each: reading one aloud proves who gets in without keeping Piper busy.
        for key, pupil_id in (("own", juma.id), ("other", int(ids["other_pupil"]))):
            exchange = TutorExchange(pupil_id=pupil_id, asked_by="matrix", question="Why?", answer="Yes.", kind="hint")
            session.add(exchange)
            session.flush()
            ids[f"{key}_exchange"] = str(exchange.id)
        session.commit()
    ids["other_teacher"] = OTHER_TEACHER
    ids["own_teacher"] = ACCOUNTS["teacher"]
    return ids


@pytest.fixture(scope="module")
def client(box):
    with TestClient(create_app(kit=box.kit), client=PHONE, follow_redirects=False) as client:
        yield client


def fill(value, ids: dict[str, str]):
    """The table's {placeholders} replaced by the ids made in the fixture, in paths, forms and JSON alike."""
    if isinstance(value, str):
        for key, real in ids.items():
            value = value.replace("{" + key + "}", real)
        return value
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    return value


def call(client: TestClient, box: Box, case: dict, identity: str):
    method, route = case["route"].split(" ", 1)
    options: dict = {"params": case.get("query")}
    if "json" in case:
        options["json"] = fill(case["json"], box.ids)
    if "form" in case:
        options["data"] = fill(case["form"], box.ids)
    if "file" in case:
        upload = case["file"]
        options["files"] = {upload["field"]: (upload["name"], upload["content"].encode(), "application/octet-stream")}
    client.cookies.clear()  # each call carries only its own identity's cookies
    # The matrix asks who may call what, not how often: each call meets a fresh sign-in throttle, or the class-code
    # guesses of one row (GET /apps/edu/join?code=XXXXXX, as every identity) would be 429 by the sixth identity.
    # tests/test_login_throttle.py tests the throttle itself.
    box.kit.accounts.throttle = dataclasses.replace(box.kit.accounts.throttle)
    response = client.request(
        method, fill(case.get("path", route), box.ids), headers={**BROWSER, **box.headers(identity)}, **options
    )
    client.cookies.clear()
    return response


def test_every_route_has_its_row_and_every_row_its_route(client):
    served = route_keys(client.app)
    listed = {case["route"] for case in CASES}
    schema = schema_keys(client.get("/openapi.json").json())
    assert served - listed == set(), "routes with no row in role_matrix.toml: decide who may call them"
    assert schema - listed == set(), "operations of the OpenAPI schema with no row in role_matrix.toml"
    assert listed - served == set(), "rows in role_matrix.toml for routes the server no longer has"
    assert len(served) >= 50, "the apps' routes are counted too"
    assert set(ROLE_COLUMNS) == set(ROLES), "a role was added or removed: give it its column in role_matrix.toml"
    for case in CASES:
        assert len(case["expect"].split()) == len(IDENTITIES), case_id(case)


@pytest.mark.parametrize("case", CASES, ids=[case_id(case) for case in CASES])
def test_who_may_call_what(client, box, case):
    expected = dict(zip(IDENTITIES, (int(status) for status in case["expect"].split()), strict=True))
    seen, wrong = {}, []
    for identity in IDENTITIES:
        response = call(client, box, case, identity)
        seen[identity] = response.status_code
        if response.status_code >= 500:
            wrong.append(f"{identity}: {response.status_code} {response.text[:300]}")
        is_json = response.headers.get("content-type", "").startswith("application/json")
        if response.status_code in (401, 403) and is_json and "/v1/" not in case["route"]:
            # a refusal for who is asking, never a CSRF failure or anything else in disguise
            code = response.json()["error"]["code"]
            assert code == ("not_authenticated" if response.status_code == 401 else "forbidden"), (identity, code)
        if identity == "anonymous" and response.status_code == 303 and expected["admin"] != 303:
            # a pupils' page sends a signed-out phone to the class's name list (case's `signin`), others to /login
            signin = case.get("signin", "/login?next=")
            assert response.headers["location"].startswith(signin), "a page sends a visitor to sign in"
    assert seen == expected, f"{case_id(case)}: expected {expected}, got {seen}\n" + "\n".join(wrong)
