"""Roles, languages, escaping, the technician's pages, screenshots of each page and what each weighs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edgekit.server.i18n import CORE_CATALOGS
from tests.e2e.conftest import ARTIFACTS, sign_in
from tests.e2e.conftest import screenshot as save_screenshot
from tests.e2e.staffroom import STRINGS

PAGE_BUDGET = 200 * 1024


def catalog(lang: str) -> dict[str, str]:
    return json.loads((CORE_CATALOGS / f"{lang}.json").read_text(encoding="utf-8"))


def agri_catalog(lang: str) -> dict[str, str]:
    import edgekit_agri

    return json.loads((Path(edgekit_agri.__file__).parent / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


def visible_texts(page) -> list[str]:
    """Every piece of text a person sees (text nodes of visible elements) and every accessible name given."""
    return page.evaluate(
        """() => {
        const texts = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, text = node.textContent.trim();
            const parent = node.parentElement;
            if (!text || !parent || parent.closest('script, style, [hidden]')) continue;
            if (parent.offsetParent === null && getComputedStyle(parent).position !== 'fixed') continue;
            texts.push(text);
        }
        document.querySelectorAll('[aria-label], [placeholder], [title]').forEach(el => {
            ['aria-label', 'placeholder', 'title'].forEach(a => el.hasAttribute(a) && texts.push(el.getAttribute(a)));
        });
        texts.push(...document.title.split(' · '));
        return texts;
    }"""
    )


def test_switching_to_swahili_changes_every_visible_string(open_page, server):
    english, swahili = catalog("en"), catalog("sw")
    only_english = {text for key, text in english.items() if text != swahili[key]}
    swahili_texts = set(swahili.values())
    page = open_page("/")
    page.click("footer button[value=sw]")
    page.wait_for_selector("html[lang=sw]")
    for path in ("/", "/apps/agri", "/login"):
        page.goto(server + path)
        texts = visible_texts(page)
        assert texts
        leftovers = [text for text in texts if text in only_english]
        assert leftovers == [], f"{path}: English left on the Swahili page: {leftovers}"
        # And each is a Swahili string of the core or of the app (filled-in strings: a part of one).
        known = swahili_texts | set(agri_catalog("sw").values())
        unknown = [text for text in texts if text not in known and not any(text in s for s in known)]
        assert unknown == [], f"{path}: text not from the Swahili catalogs: {unknown}"
        save_screenshot(page, "home-sw" if path == "/" else f"{path.strip('/').replace('/', '-')}-sw")
    page.goto(server + "/")
    assert page.get_attribute("html", "lang") == "sw", "the choice is remembered (cookie)"


def test_a_student_is_refused_an_app_for_teachers_and_a_teacher_gets_its_own_pages(open_page, server):
    page = open_page("/")
    sign_in(page, server, "pupil")
    page.goto(server + "/")
    tiles = page.locator("a.tile").all_inner_texts()
    assert any("Farm advice" in tile for tile in tiles) and not any("Staff room" in tile for tile in tiles)
    response = page.goto(server + "/apps/staffroom")
    assert response.status == 403
    assert catalog("en")["errors.forbidden"] in page.inner_text("main")
    save_screenshot(page, "refused")
    assert page.goto(server + "/apps/staffroom/notes").status == 403

    teacher = open_page("/")
    sign_in(teacher, server, "mwalimu")
    teacher.click("a.tile[href='/apps/staffroom']")
    teacher.click(f"text={STRINGS['en']['notes']}")  # the app's own page, linked through register_pages
    assert teacher.inner_text("h1") == STRINGS["en"]["notes"] and teacher.inner_text("#count") == "3"


def test_a_script_in_knowledge_or_answers_shows_as_text(open_page, server):
    for js in (True, False):
        page = open_page("/", js=js)
        sign_in(page, server, "mwalimu")
        page.goto(server + "/apps/staffroom")
        page.fill("#question", "When is the mathematics exam for form two?")
        page.click("#send")
        page.wait_for_selector("#sources li")
        sources = page.inner_text("#sources")
        assert "<script>window.__pwned = 1</script>" in sources
        assert "onerror" in sources  # the source field's <img> tag, shown as text too
        assert page.evaluate("window.__pwned") is None
        page.click("#sources li a")
        page.wait_for_selector("article.document h1")
        assert "<script>" in page.inner_text("article.document h1")
        assert "<script>window.__pwned = 3</script>" in page.inner_text("article.document")
        assert page.evaluate("window.__pwned") is None


def test_past_questions_are_shown_to_the_person_who_asked_and_guests_to_no_one(open_page, server):
    guest = open_page("/apps/agri")
    guest.fill("#question", "What is the guest asking about goats?")
    guest.click("#send")
    guest.wait_for_selector("#read-form:not([hidden])")
    teacher = open_page("/")
    sign_in(teacher, server, "mwalimu")
    teacher.goto(server + "/apps/agri")
    teacher.fill("#question", "How do I make compost from crop waste?")
    teacher.click("#send")
    teacher.wait_for_selector("#read-form:not([hidden])")
    teacher.goto(server + "/history")
    history = teacher.inner_text("main")
    assert "How do I make compost from crop waste?" in history and "guest asking" not in history
    save_screenshot(teacher, "history")
    tech = open_page("/")
    sign_in(tech, server, "tech")
    tech.goto(server + "/history")
    assert "guest asking" not in tech.inner_text("main") and "compost" not in tech.inner_text("main")


def test_the_technician_sees_the_device_and_switches_an_app_off_and_on(open_page, server):
    page = open_page("/")
    sign_in(page, server, "tech")
    page.goto(server + "/admin")
    text = page.inner_text("main")
    english = catalog("en")
    for key in ("status.uptime", "status.memory", "status.disk", "status.loaded", "status.queues"):
        assert english[key] in text
    save_screenshot(page, "admin-status")
    page.goto(server + "/admin/apps")
    page.click("form[action='/admin/apps/agri'] button")
    assert english["apps.changed_now"] in page.inner_text("main")
    save_screenshot(page, "admin-apps")
    guest = open_page("/")
    assert guest.locator("a.tile[href='/apps/agri']").count() == 0
    assert guest.goto(server + "/apps/agri").status == 404
    page.click("form[action='/admin/apps/agri'] button")
    guest.goto(server + "/")
    assert guest.locator("a.tile[href='/apps/agri']").count() == 1
    page.goto(server + "/admin/users")
    page.fill("#new-name", "juma")
    page.select_option("#new-role", "student")
    page.fill("#new-pin", "5555")
    page.click("form[action='/admin/users'] button")
    page.click("form[action='/admin/users/juma/lock'] button")
    assert page.locator("form[action='/admin/users/juma/unlock']").count() == 1
    save_screenshot(page, "admin-users")
    page.click("form[action='/admin/users/juma/unlock'] button")


PAGES = [
    ("home", "/", None),
    ("app", "/apps/agri", None),
    ("login", "/login", None),
    ("source", "/apps/agri/source?title=Fall%20armyworm%20in%20maize", None),
    ("history", "/history", "mwalimu"),
    ("admin-status", "/admin", "tech"),
    ("admin-users", "/admin/users", "tech"),
    ("health-triage", "/apps/health/triage", "amina"),
    ("health-mothers", "/apps/health/mothers", "amina"),
    ("health-referrals", "/apps/health/referrals", "amina"),
]


@pytest.mark.parametrize("name, path, person", PAGES, ids=[p[0] for p in PAGES])
def test_first_load_of_each_page_is_under_200_kb(open_page, server, name, path, person):
    page = open_page("/login")
    if person:
        sign_in(page, server, person)
    weight = first_load_bytes(page, server + path)
    assert weight < PAGE_BUDGET, f"{path}: {weight} bytes"
    record_weight(name, path, weight)
    save_screenshot(page, f"page-{name}")


def first_load_bytes(page, url: str) -> int:
    """Bytes over the wire (headers and bodies) for the page and everything it loads, with an empty cache."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return int(sum(sizes.values()))


def record_weight(name: str, path: str, weight: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / "page-weights.json"
    weights = json.loads(target.read_text()) if target.exists() else {}
    weights[name] = {"path": path, "bytes": weight}
    target.write_text(json.dumps(weights, indent=1))
