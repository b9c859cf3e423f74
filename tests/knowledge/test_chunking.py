from __future__ import annotations

from itertools import pairwise

from edgekit.knowledge.chunking import MAX_WORDS, MIN_WORDS, OVERLAP_WORDS, chunk_markdown


def sentences(count: int, words: int = 10, tag: str = "s") -> str:
    return " ".join(" ".join(f"{tag}{i}w{j}" for j in range(words - 1)) + f" {tag}{i}end." for i in range(count))


def test_a_long_section_is_cut_into_overlapping_chunks_of_the_right_size():
    body = "# Maize\n\n## Storage\n\n" + sentences(60)  # 600 words
    chunks = chunk_markdown(body)
    assert len(chunks) >= 4
    for chunk in chunks[:-1]:
        assert MIN_WORDS <= chunk.words <= MAX_WORDS
    assert chunks[-1].words <= MAX_WORDS
    for before, after in pairwise(chunks):
        shared = set(before.text.split()) & set(after.text.split())
        assert OVERLAP_WORDS * 0.6 <= len(shared) <= OVERLAP_WORDS * 1.5
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


def test_chunks_end_on_sentence_boundaries():
    chunks = chunk_markdown(sentences(40))
    assert all(chunk.text.endswith(".") for chunk in chunks)


def test_every_word_is_in_some_chunk():
    body = sentences(45)
    covered = {word for chunk in chunk_markdown(body) for word in chunk.text.split()}
    assert set(body.split()) <= covered


def test_each_chunk_keeps_its_heading_trail():
    body = "# Goats\n\nIntro text.\n\n## Worms\n\nCheck the eyelid.\n\n### Dose\n\nBy weight.\n\n## Feed\n\nHay."
    chunks = chunk_markdown(body)
    assert [(c.heading, c.text) for c in chunks] == [
        ("Goats", "Intro text."),
        ("Goats > Worms", "Check the eyelid."),
        ("Goats > Worms > Dose", "By weight."),
        ("Goats > Feed", "Hay."),
    ]


def test_a_sentence_longer_than_a_chunk_is_cut_by_words():
    chunks = chunk_markdown(" ".join(f"w{i}" for i in range(500)))
    assert len(chunks) >= 3
    assert all(chunk.words <= MAX_WORDS for chunk in chunks)


def test_lines_of_a_paragraph_are_joined():
    assert chunk_markdown("one line\nand the next.")[0].text == "one line and the next."
