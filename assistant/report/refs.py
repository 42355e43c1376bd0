"""Resolve mentions of places in a report to clause ids.

Understands "Draft Opinion 3", "Opinions 3 and 4", "recognizing (a) was revised", "noting a) above",
"(iv) of sub-section (c) of the recognizing section", "paragraph a) under recalling section",
"the second bullet of the invites section", "Opinion 4 recognizing (g)", "recognizing (c)(iv)",
"the Working Group 2 report", "Annex I", "Part II". A section mention without an item resolves to the section;
an item that does not exist (a proposed new paragraph) also resolves to its section.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from assistant.records import Clause

UNIT_WORDS = ("opinion", "resolution", "decision", "recommendation", "declaration")
_UNIT = re.compile(
    r"\b(?:draft\s+|new\s+)?(opinion|resolution|decision|recommendation|declaration)s?\s+(\d+)"
    r"((?:\s*(?:,|&|and|or)\s*(?:(?:draft\s+)?\1\s+)?\d+\b)*)",
    re.I,
)
_EXTERNAL = re.compile(r"\s*\([^()]*\b(?:19|20)\d\d\)")  # "Opinion 5 (Lisbon, 2009)" is another forum's text
_THIS_OPINION = re.compile(r"\b(?:this|the)\s+(?:draft\s+)?opinion\b(?!\s*\d)", re.I)
_WG = re.compile(r"\b(?:working\s+group|WG)\s*-?\s*(\d+)\b", re.I)
_PART = re.compile(r"\b(part|annex|appendix)\s+([IVX]+|\d+)\b(?!\.\d)", re.I)
_WINDOW = 600  # characters around a section mention searched for its item and Opinion
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10}  # fmt: skip
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}
_TOKEN = r"\(?([a-z]{1,4}|\d{1,2})\)"
_ITEMS_AFTER = re.compile(
    r"\s*(?:section\s*,?\s*)?(?:(?:paragraph|sub-?section|item|bullet|point)s?\s*)?"
    + _TOKEN
    + r"(?:\s*\(([a-z]{1,4}|\d{1,2})\))?((?:\s*(?:,|&|and|or)\s*\(?[a-z]{1,4}\))*)",
    re.I,
)
_NESTED_BEFORE = re.compile(
    r"(?:\(([ivx]+|\d{1,2})\)\s+of\s+(?:the\s+)?)?(?:paragraph|sub-?section|item|bullet|point)s?\s*"
    r"\(?([a-z]{1,4})\)?\s+(?:of|under|in)\s+(?:the\s+)?$",
    re.I,
)
_BULLET_BEFORE = re.compile(
    r"\b(" + "|".join(_ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))\s+(?:bullet|point|item|paragraph|clause)\s+"
    r"(?:point\s+)?(?:of|in|under)\s+(?:the\s+)?(?:(?:draft\s+)?opinion\s+\d+['’]s\s+)?['‘\"“]?$",
    re.I,
)
_QUOTED_ITEM_BEFORE = re.compile(  # "“c) to focus …” under the invites … section"
    r"[“\"]\(?([a-z])\)\s[^”\"]{0,400}[”\"][^.;“”\"]{0,60}?\b(?:under|in|of)\s+(?:the\s+)?$"
)
_UNIT_BEFORE = re.compile(
    r"\b(?:draft\s+)?(opinion|resolution|decision|recommendation|declaration)\s+(\d+)(?:['’]s)?\s*[,:›>]?\s*(?:the\s+)?$",
    re.I,
)
_UNIT_AFTER = re.compile(
    r"(?:\s*section)?\s*(?:\(?[a-z0-9]{1,4}\)\s*)*(?:of|in|under)\s+(?:the\s+)?(?:draft\s+)?"
    r"(opinion|resolution|decision|recommendation|declaration)\s+(\d+)",
    re.I,
)
# "recognizing g of Opinion 4", "Opinion 4 recognizing paragraph g": a bare letter, only where it ends the phrase
_BARE_ITEM_AFTER = re.compile(
    r"\s+(?:(?:paragraph|item|point|clause|sub-?section)\s+)?([a-z]|[ivx]{2,4})(?=\s*(?:[?!.,;:]|$)|\s+(?:of|in)\b)"
)
_QUALIFIER_AFTER = re.compile(r"\s*(?:section|paragraph|part)\b", re.I)
_END_AFTER = re.compile(r"\s*(?:[?!.,;:]|$)")
_PLACE_WORD_BEFORE = re.compile(r"\b(?:in|under|the|its)\s+$", re.I)  # "… say in recognizing?"
_PARA_AFTER = re.compile(r"[\s›>,:-]*(?:report\s*)?[\s›>,:-]*(?:¶|paragraph\s*|para\.?\s*|p)(\d{1,3})\b", re.I)
_PARA_BEFORE = re.compile(r"(?:¶|paragraph\s*|para\.?\s*)(\d{1,3})\s+(?:of|in)\s+(?:the\s+)?$", re.I)


@dataclass
class _Places:
    ids: set[str] = field(default_factory=set)
    units: dict[tuple[str, int], str] = field(default_factory=dict)
    sections: dict[str, list[tuple[re.Pattern, str]]] = field(default_factory=dict)  # unit id → phrase, id
    working_groups: dict[int, str] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)
    any_section: re.Pattern | None = None
    children: dict[str, list[str]] = field(default_factory=dict)  # section id → its items, in order
    order: dict[str, int] = field(default_factory=dict)  # section id → its place in the report


def about_opinions(clause, opinions, view=None) -> bool:
    """A clause of a named Opinion, or a debate paragraph about it (it, or the subsection it sits in,
    refers to the Opinion)."""
    if clause.opinion in opinions:
        return True
    refs = list(clause.refs)
    parent = view.by_id.get(clause.parent or "") if view is not None else None
    if parent is not None and parent.kind == "heading":
        refs += parent.refs
    return any(ref == f"opinion-{n}" or ref.startswith(f"opinion-{n}/") for ref in refs for n in opinions)


def resolve_references(text: str, clauses: list[Clause], context_opinion: int | None = None) -> list[str]:
    """Ids of the clauses `text` refers to, in order of mention, without duplicates."""
    if not text or not clauses:
        return []
    places = _places(clauses)
    found: list[tuple[int, str]] = []
    units_named = _unit_mentions(text, places, found)
    if context_opinion is not None and ("opinion", context_opinion) in places.units:
        for m in _THIS_OPINION.finditer(text):  # "this Draft Opinion" in a subsection about Opinion N
            found.append((m.start(), places.units[("opinion", context_opinion)]))
    for m in _WG.finditer(text):
        if int(m.group(1)) in places.working_groups:
            found.append((m.start(), _paragraph(text, m, places.working_groups[int(m.group(1))], places)))
    for m in _PART.finditer(text):
        key = f"{m.group(1).lower()} {_part_number(m.group(2))}"
        if key in places.parts:
            found.append((m.start(), _paragraph(text, m, places.parts[key], places)))
    if places.any_section is not None:
        for m in places.any_section.finditer(text):
            for ref in _section_refs(text, m, places, context_opinion, units_named):
                found.append((m.start(), ref))
    out: list[str] = []
    for _, ref in sorted(found, key=lambda item: item[0]):
        if ref not in out:
            out.append(ref)
    return out


def _paragraph(text: str, m: re.Match, place: str, places: _Places) -> str:
    """'Part I ¶11', 'paragraph 4 of the Working Group 2 report' → that paragraph; else the place itself."""
    number = _PARA_AFTER.match(text, m.end()) or _PARA_BEFORE.search(text[max(0, m.start() - 40) : m.start()])
    if number and f"{place}/p{number.group(1)}" in places.ids:
        return f"{place}/p{number.group(1)}"
    return place


def _part_number(numeral: str) -> str:
    return numeral if numeral.isdigit() else str(_ROMAN.get(numeral.lower(), numeral.lower()))


def _unit_mentions(text: str, places: _Places, found: list[tuple[int, str]]) -> list[int]:
    named: list[int] = []
    for m in _UNIT.finditer(text):
        if _EXTERNAL.match(text, m.end()):
            continue
        word = m.group(1).lower()
        for number in re.findall(r"\d+", m.group(2) + " " + m.group(3)):
            unit = places.units.get((word, int(number)))
            if unit:
                found.append((m.start(), unit))
                if word == "opinion" and int(number) not in named:
                    named.append(int(number))
    return named


def _section_refs(text: str, m: re.Match, places: _Places, context: int | None, named: list[int]) -> list[str]:
    before, after = text[max(0, m.start() - _WINDOW) : m.start()], text[m.end() : m.end() + _WINDOW]
    explicit = _UNIT_BEFORE.search(before) or _UNIT_AFTER.match(after)
    if explicit:
        units = [places.units.get((explicit.group(1).lower(), int(explicit.group(2))))]
    elif context is not None:
        units = [places.units.get(("opinion", context))]
    elif named:  # "Opinions 3 and 4 … recognizing (g)": the place in each Opinion named
        units = [places.units.get(("opinion", n)) for n in named]
    else:  # a report with a single Opinion or Resolution needs no number
        units = list(places.units.values()) if len(places.units) == 1 else []
    key, sub = _item_after(after)
    if key is None:
        key, sub = _item_before(before)
    if key is None and (explicit or context is not None or named) and (bare := _BARE_ITEM_AFTER.match(after)):
        key = bare.group(1)
    qualified = _QUALIFIER_AFTER.match(after) or (_END_AFTER.match(after) and _PLACE_WORD_BEFORE.search(before))
    if key is None and not (explicit or qualified):
        return []  # a bare verb in running prose ("considering the number…") is not a reference
    out = []
    for unit in units:
        section = _pick_section(text, m.start(), places.sections.get(unit, []), places.order) if unit else None
        if section is None:
            continue
        ref = section
        if key is not None:
            for candidate in (f"{section}/{key}/{sub}" if sub else None, f"{section}/{key}", _nth(places, section, key)):
                if candidate and candidate in places.ids:
                    ref = candidate
                    break
        out.append(ref)
    return out


def _pick_section(text: str, pos: int, sections: list[tuple[re.Pattern, str]], order: dict[str, int]) -> str | None:
    for pattern, sid in sections:  # longest phrase first
        if pattern.match(text, pos):
            return sid
    verb = re.match(r"[a-z]+", text[pos:].lower())
    if not verb:
        return None
    # "the invites section" of an Opinion with two ("invites Member States", "invites Member States, Sector
    # Members…"): the first of them
    led = [sid for pattern, sid in sections if pattern.pattern.lower().removeprefix(r"\b").startswith(_verb_pattern(verb.group()))]
    return min(led, key=lambda sid: order.get(sid, 0)) if led else None


def _item_after(after: str) -> tuple[str | None, str | None]:
    m = _ITEMS_AFTER.match(after)
    if not m:
        return None, None
    return m.group(1).lower(), (m.group(2) or "").lower() or None


def _item_before(before: str) -> tuple[str | None, str | None]:
    if m := _BULLET_BEFORE.search(before):
        word = m.group(1).lower()
        n = _ORDINALS.get(word) or int(re.match(r"\d+", word).group())
        return f"b{n}", None
    if m := _NESTED_BEFORE.search(before):
        return m.group(2).lower(), (m.group(1) or "").lower() or None
    if m := _QUOTED_ITEM_BEFORE.search(before):
        return m.group(1).lower(), None
    return None, None


def _nth(places: _Places, section: str, key: str) -> str | None:
    """"the second point of … section" where items are lettered: the section's second item."""
    position = re.fullmatch(r"b(\d+)", key)
    items = places.children.get(section, [])
    if position and 1 <= int(position.group(1)) <= len(items):
        return items[int(position.group(1)) - 1]
    return None


def _verb_pattern(word: str) -> str:
    stem = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    return stem + "s?"


def _phrase_pattern(phrase: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", phrase)
    return r"\W+".join([_verb_pattern(words[0].lower())] + [re.escape(w) for w in words[1:]])


# One entry per clause list: a question reads three (the clause index, the sentence index's units and the
# composer's list), and a single shared entry rebuilt for each cost ~2 ms a time, three times a question.
_CACHE: dict[int, tuple[list[Clause], _Places]] = {}
_CACHE_SIZE = 8
_CACHE_LOCK = threading.Lock()


def _places(clauses: list[Clause]) -> _Places:
    cached = _CACHE.get(id(clauses))
    if cached is not None and cached[0] is clauses and len(cached[0]) == len(clauses):
        return cached[1]
    places = _Places(ids={c.id for c in clauses})
    phrases: set[str] = set()
    for c in clauses:
        if c.kind != "heading":
            continue
        unit = re.fullmatch(r"(" + "|".join(UNIT_WORDS) + r")-(\d+)", c.id)
        if unit:
            places.units[(unit.group(1), int(unit.group(2)))] = c.id
        elif c.section and c.parent and re.fullmatch(r"(?:" + "|".join(UNIT_WORDS) + r")-\d+", c.parent):
            phrases.add(_phrase_pattern(c.section))
            places.order[c.id] = len(places.order)
            places.sections.setdefault(c.parent, []).append(
                (re.compile(r"\b" + _phrase_pattern(c.section) + r"\b", re.I), c.id)
            )
        if c.working_group is not None and c.id.endswith(f"wg-{c.working_group}") and c.kind == "heading":
            places.working_groups.setdefault(c.working_group, c.id)
        part = re.fullmatch(r"(part|annex|appendix)-(\w+)", c.id)
        if part:
            places.parts[f"{part.group(1)} {part.group(2)}"] = c.id
    for c in clauses:
        if c.parent and c.kind != "heading":
            places.children.setdefault(c.parent, []).append(c.id)
    for c in clauses:  # a group with no report of its own still has its table row
        if c.kind == "table-row" and c.working_group is not None:
            places.working_groups.setdefault(c.working_group, c.id)
    for unit_sections in places.sections.values():
        unit_sections.sort(key=lambda item: -len(item[0].pattern))
    if phrases:
        alternation = "|".join(sorted(phrases, key=len, reverse=True))
        places.any_section = re.compile(r"\b(?:" + alternation + r")\b", re.I)
    with _CACHE_LOCK:
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[id(clauses)] = (clauses, places)  # the entry holds the list, so its id is not reused meanwhile
    return places
