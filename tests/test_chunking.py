"""Token windows: exact character spans into the report, full coverage, the requested overlap."""

from __future__ import annotations

import pytest

from assistant.report.chunking import token_windows
from assistant.textnorm import count_tokens, decode_tokens, encode_tokens

pytestmark = pytest.mark.unit


def _check_spans(text, chunks):
    for i, chunk in enumerate(chunks):
        assert chunk.id == f"chunk-{i}"
        assert chunk.kind == "chunk"
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.text == chunk.text.strip() and chunk.text


def _uncovered(text, chunks):
    covered = bytearray(len(text))
    for chunk in chunks:
        covered[chunk.start : chunk.end] = b"\x01" * (chunk.end - chunk.start)
    return [i for i, ch in enumerate(text) if not covered[i] and not ch.isspace()]


@pytest.mark.parametrize("size", [256, 512])
def test_windows_over_the_report_are_exact_and_cover_it(source, size):
    chunks = token_windows(source, size)
    _check_spans(source, chunks)
    assert _uncovered(source, chunks) == []
    assert len(chunks) == pytest.approx(count_tokens(source) / (size - 64), abs=1.5)
    assert all(c.tokens <= size for c in chunks)
    # starts strictly advance and consecutive windows share text (the 64-token overlap)
    for prev, nxt in zip(chunks, chunks[1:]):
        assert prev.start < nxt.start < prev.end < nxt.end


def test_windows_match_the_tokens_they_come_from(source):
    size, overlap = 256, 64
    tokens = encode_tokens(source)
    chunks = token_windows(source, size, overlap)
    for i, chunk in enumerate(chunks):
        window = tokens[i * (size - overlap) : i * (size - overlap) + size]
        decoded = decode_tokens(window)
        if "\ufffd" not in decoded:  # window boundaries on whole characters decode to exactly the chunk
            assert decoded.strip() == chunk.text
    assert chunks[-1].end == len(source.rstrip())


def test_overlap_is_measured_in_tokens():
    text = " ".join(f"word{i}" for i in range(400))
    chunks = token_windows(text, 100, overlap=30)
    for prev, nxt in zip(chunks, chunks[1:]):
        shared = text[nxt.start : prev.end]
        assert abs(count_tokens(shared) - 30) <= 1


def test_multibyte_characters_split_by_tokens_stay_whole():
    # emoji and CJK characters span several tokens; windows must still cut on character boundaries
    text = "héllo “world” 日本語 🎉🎉 ok\n" * 30
    chunks = token_windows(text, 7, overlap=3)
    _check_spans(text, chunks)
    assert _uncovered(text, chunks) == []
    assert all("\ufffd" not in c.text for c in chunks)


def test_short_empty_and_blank_texts():
    assert token_windows("", 256) == []
    assert token_windows("  \n\t ", 256) == []
    (only,) = token_windows("  A short report.\n", 256)
    assert (only.text, only.start, only.end) == ("A short report.", 2, 17)


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (64, 64), (100, -1)])
def test_invalid_window_settings(size, overlap):
    with pytest.raises(ValueError):
        token_windows("text", size, overlap)
