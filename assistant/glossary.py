"""Acronyms a report defines ("Informal Experts Group (IEG)"), so either form finds the other.

A question about "the informal group of experts" should reach "The IEG met three times…"; the
sentence embeddings and the query both get the other form appended.
"""

from __future__ import annotations

import re

_DEFINITION = re.compile(
    r"((?:[A-Z][\w’'/-]*|and|of|for|the|on|in)(?:\s+(?:[A-Z][\w’'/-]*|and|of|for|the|on|in)){1,8})\s+\(([A-Z]{2,8})s?\)"
)


def acronyms(source: str) -> dict[str, str]:
    """Acronym → its long form, from "Long Form (LF)" definitions; the first definition wins."""
    found: dict[str, str] = {}
    for match in _DEFINITION.finditer(source):
        acronym, words = match.group(2), match.group(1).split()
        capitals = [i for i, w in enumerate(words) if w[:1].isupper()]
        if len(capitals) < 2:
            continue
        start = capitals[-min(len(acronym), len(capitals))]
        found.setdefault(acronym, " ".join(words[start:]))
    return found


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
SHORTHAND_SHARE = 0.7


def shorthands(source: str, glossary: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Last words of defined terms that the report (almost) never uses outside them, with the acronyms
    they stand for: "registries" → (LIR, RIR) when it only ever appears in "Regional/Local Internet
    Registries". A question about "the registries" then also reaches text that only says "RIRs"."""
    by_head: dict[str, list[tuple[str, str]]] = {}
    for acronym, long_form in glossary.items():
        words = long_form.split()
        if len(words) >= 2:
            by_head.setdefault(words[-1].lower(), []).append((acronym, " ".join(words[:-1])))
    found: dict[str, tuple[str, ...]] = {}
    for head, terms in by_head.items():
        base = re.escape(head.rstrip("s"))
        total = len(re.findall(rf"\b{base}", source, re.I))
        inside = sum(len(re.findall(rf"{re.escape(lead)}\s+{base}", source, re.I)) for _, lead in terms)
        if total and inside / total >= SHORTHAND_SHARE:
            found[head] = tuple(sorted(acronym for acronym, _ in terms))
    return found
