"""Acronyms a report defines ("Informal Experts Group (IEG)"), so either form finds the other.

A question about "the informal group of experts" should reach "The IEG met three times…"; the
sentence embeddings and the query both get the other form appended.
"""

from __future__ import annotations

import re

_DEFINITION = re.compile(
    r"((?:[A-Z][\w’'/-]*|and|of|for|the|on|in)(?:\s+(?:[A-Z][\w’'/-]*|and|of|for|the|on|in)){1,8})\s+\(([A-Z]{2,8})s?\)"
)


# "the Global VSAT Forum or GVF": the same, written with "or", taken only where the initials spell the acronym
_OR_DEFINITION = re.compile(r"((?:[A-Z][\w’'/-]*\s+){1,7}[A-Z][\w’'/-]*)\s+or\s+([A-Z]{2,8})\b")


def acronyms(source: str) -> dict[str, str]:
    """Acronym → its long form, from "Long Form (LF)" definitions (or "Long Form or LF" where the initials spell
    it); the first definition wins."""
    found: dict[str, str] = {}
    for match in _DEFINITION.finditer(source):
        acronym, words = match.group(2), match.group(1).split()
        capitals = [i for i, w in enumerate(words) if w[:1].isupper()]
        if len(capitals) < 2:
            continue
        start = capitals[-min(len(acronym), len(capitals))]
        found.setdefault(acronym, " ".join(words[start:]))
    for match in _OR_DEFINITION.finditer(source):
        acronym, words = match.group(2), match.group(1).split()
        for start in range(len(words)):
            if "".join(w[0] for w in words[start:]) == acronym:
                found.setdefault(acronym, " ".join(words[start:]))
                break
    return found


def defining(acronym: str, long_form: str) -> re.Pattern:
    """Where the report defines `acronym`: "Long Form (LF)" or "Long Form or LF"."""
    return re.compile(rf"{re.escape(long_form)}\s*(?:\({acronym}s?\)|or\s+{acronym}\b)", re.I)


def expand(text: str, glossary: dict[str, str]) -> str:
    """`text` plus the other form of each acronym or long form it uses, in parentheses."""
    extra = []
    lowered = text.lower()
    for acronym, long_form in glossary.items():
        has_acronym = re.search(rf"\b{acronym}s?\b", text) is not None
        has_long = long_form.lower() in lowered
        if has_acronym and not has_long:
            extra.append(long_form)
        elif has_long and not has_acronym:
            extra.append(acronym)
    return f"{text} ({'; '.join(extra)})" if extra else text


# A word used this often (or more) inside defined terms stands for them when it appears alone.
