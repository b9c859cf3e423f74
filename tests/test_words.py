"""An app's own words for the box's messages: the asker's language, then English; the caller's default after."""

from edgekit.words import app_words


def write(folder, lang, text):
    (folder / "i18n").mkdir(exist_ok=True)
    (folder / "i18n" / f"{lang}.json").write_text(text, encoding="utf-8")


def test_the_askers_language_then_english(tmp_path):
    write(tmp_path, "en", '{"referral": "the head teacher", "name": "Notes"}')
    write(tmp_path, "sw", '{"referral": "mwalimu mkuu", "name": ""}')
    swahili = app_words(tmp_path, "sw")
    assert swahili["referral"] == "mwalimu mkuu"
    assert swahili["name"] == "Notes"  # empty in Swahili: the English word
    assert app_words(tmp_path, "fr")["referral"] == "the head teacher"  # no French file
    assert "subject" not in app_words(tmp_path, "en")


def test_a_broken_word_file_never_breaks_the_message(tmp_path):
    write(tmp_path, "fr", "{not json")
    write(tmp_path, "en", '["a list", "not an object"]')
    assert app_words(tmp_path, "fr") == {}
    assert app_words(tmp_path / "missing", "sw") == {}
