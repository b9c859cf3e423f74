"""An app's own words for the box's messages: the asker's language, then English, then the manifest's text."""

from edgekit.words import app_word


def write(folder, lang, text):
    (folder / "i18n").mkdir(exist_ok=True)
    (folder / "i18n" / f"{lang}.json").write_text(text, encoding="utf-8")


def test_the_askers_language_then_english_then_the_manifest(tmp_path):
    write(tmp_path, "en", '{"referral": "the head teacher", "name": "Notes"}')
    write(tmp_path, "sw", '{"referral": "mwalimu mkuu"}')
    assert app_word(tmp_path, "referral", "sw", "someone") == "mwalimu mkuu"
    assert app_word(tmp_path, "name", "sw", "notes") == "Notes"  # not in Swahili: the English word
    assert app_word(tmp_path, "referral", "fr", "someone") == "the head teacher"  # no French file
    assert app_word(tmp_path, "subject", "en", "someone") == "someone"


def test_a_broken_word_file_never_breaks_the_message(tmp_path):
    write(tmp_path, "fr", "{not json")
    write(tmp_path, "en", '["a list", "not an object"]')
    assert app_word(tmp_path, "referral", "fr", "a local expert") == "a local expert"
    assert app_word(tmp_path / "missing", "referral", "sw", "a local expert") == "a local expert"
