"""Query routing: when a question names a place in the report, favour the clauses that live there.

Recognized places: opinions ("Opinion 4", "Opinions 3 and 4", "the fourth opinion"), working groups
("Working Group 2", "WG2"), parts ("Part I", "Annex I"), and an opinion's sections ("recognizing",
"invites Member States") when an opinion or working group is also named. Clause-level references
("Opinion 4 recognizing (g)") go through `assistant.report.refs.resolve_references` when it is available.
Everything else (countries, organizations, topics) is left to BM25 and the dense index.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.records import Clause

log = logging.getLogger("assistant.search.route")

_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
_NUM = r"(?:\d{1,2}|[ivx]{1,4}|one|two|three|four|five|six|seven|eight|nine|ten)"
_ORD = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
_LIST = rf"{_NUM}(?:\s*(?:,|&|and|or|to|-|–)\s*{_NUM})*"

_OPINION = re.compile(rf"\b(?:draft\s+)?opinions?\s+(?:no\.?\s*)?({_LIST})\b", re.I)
_OPINION_ORD = re.compile(rf"\b(?:the\s+)?({_ORD})\s+(?:draft\s+)?opinion\b", re.I)
_WG = re.compile(rf"\b(?:working\s+groups?|wgs?)\s*-?\s*({_LIST})\b", re.I)
_WG_ORD = re.compile(rf"\b({_ORD})\s+working\s+group\b", re.I)
_PART = re.compile(rf"\b(part|annex|appendix|chapter|section)\s+({_NUM}|[a-z])\b", re.I)
_SPLIT = re.compile(r"\s*(?:,|&|\band\b|\bor\b)\s*", re.I)
_RANGE = re.compile(r"\s*(?:\bto\b|-|–)\s*", re.I)


def to_int(token: str) -> int | None:
    """'4', 'iv', 'four', 'fourth' → 4; anything else → None."""
    token = token.strip().lower().rstrip(".")
    if token.isdigit():
        return int(token)
    if token in _WORDS:
        return _WORDS[token]
    if token and all(ch in _ROMAN for ch in token):
        total, prev = 0, 0
        for ch in reversed(token):
            value = _ROMAN[ch]
            total = total - value if value < prev else total + value
            prev = max(prev, value)
        return total
    return None


def to_roman(n: int) -> str:
    out = []
    for value, sym in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _numbers(listing: str) -> set[int]:
    found: set[int] = set()
    for item in _SPLIT.split(listing):
        # lowercase roman numerals are ordinary words ("in my opinion i think"), so only "IV" counts
        tokens = [x for x in _RANGE.split(item) if x.strip() and not (x.islower() and set(x) <= set("ivx"))]
        ends = [to_int(x) for x in tokens]
        ends = [e for e in ends if e is not None]
        if len(ends) == 2 and 0 < ends[1] - ends[0] <= 10:
            found.update(range(ends[0], ends[1] + 1))
        else:
            found.update(ends)
    return found


@dataclass(frozen=True)
class Route:
    """The places a query names; empty when it names none."""

    opinions: frozenset[int] = frozenset()
    working_groups: frozenset[int] = frozenset()
    parts: frozenset[str] = frozenset()
    sections: frozenset[str] = frozenset()
    clause_ids: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()  # heading clause ids named by their title ("the broadband opinion")

    @property
    def empty(self) -> bool:
        return not (self.opinions or self.working_groups or self.parts or self.clause_ids or self.titles)

    def describe(self) -> str:
        bits = []
        if self.opinions:
            bits.append("opinion " + ",".join(map(str, sorted(self.opinions))))
        if self.working_groups:
            bits.append("working group " + ",".join(map(str, sorted(self.working_groups))))
        if self.parts:
            bits.append(", ".join(sorted(self.parts)))
        if self.sections:
            bits.append("section " + ", ".join(sorted(self.sections)))
        if self.clause_ids:
            bits.append("clauses " + ", ".join(self.clause_ids))
        if self.titles:
            bits.append("titled " + ", ".join(self.titles))
        return "; ".join(bits)


@dataclass(frozen=True)
class Places:
    """What can be named in one corpus, gathered once from its clauses."""

    opinions: frozenset[int]
    working_groups: frozenset[int]
    parts: dict[str, str]  # "part 2" / "annex 1" → the clause's part name
    sections: dict[str, tuple[str, ...]]  # section name → its stemmed words
    descendants: dict[str, frozenset[str]]  # clause id → ids below it (containers only)
    titles: dict[str, frozenset[str]]  # heading clause id → the words of its title
    title_weight: dict[str, float]  # title word → how rarely titles share it (idf)
    # Gathered once so a query's routing reads them instead of walking every clause per named place (that
    # walk was half of a search's ~0.6 ms past embedding the query, profiled over dev.jsonl).
    size: int = 0  # clauses these positions index
    position: dict[str, int] = field(default_factory=dict)  # clause id → position
    members: dict[tuple, frozenset[int]] = field(default_factory=dict)  # ("opinion"|"group"|"part", key) → positions
    referrers: dict[str, frozenset[int]] = field(default_factory=dict)  # clause id → positions of clauses referring to it

    @classmethod
    def of(cls, clauses: list[Clause]) -> "Places":
        from assistant.search.index_store import bm25_tokens

        parts: dict[str, str] = {}
        for name in {c.part for c in clauses if c.part}:
            m = re.fullmatch(rf"\s*(\w+)\s+({_NUM}|[a-z])\s*", name, re.I)
            if m:
                n = to_int(m.group(2))
                key = f"{m.group(1).lower()} {n if n is not None else m.group(2).lower()}"
                parts[key] = name
        sections = {}
        for name in {c.section for c in clauses if c.section}:
            if re.match(r"\s*\d", name):  # numbered annex subsections are reached through opinion/WG routing
                continue
            words = tuple(bm25_tokens(name))
            if words:
                sections[name] = words
        return cls(
            opinions=frozenset(c.opinion for c in clauses if c.opinion is not None),
            working_groups=frozenset(c.working_group for c in clauses if c.working_group is not None),
            parts=parts,
            sections=sections,
            descendants=_descendants(clauses),
            **_titles(clauses),
            **_positions(clauses),
        )


def title_words(text: str) -> frozenset[str]:
    """Stemmed words of a title or query, hyphenated compounds also joined ("multi-stakeholderism")."""
    from assistant.search.index_store import bm25_tokens

    joined = re.sub(r"(?<=\w)-(?=\w)", "", text)
    return frozenset(t for t in bm25_tokens(text) + bm25_tokens(joined) if len(t) > 1 and not t.isdigit())


def _titles(clauses: list[Clause]) -> dict:
    titles = {c.id: title_words(c.text) for c in clauses if c.kind == "heading"}
    titles = {cid: words for cid, words in titles.items() if words}
    counts: dict[str, int] = {}
    for words in titles.values():
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    total = len(titles)
    weight = {w: math.log((total + 1) / n) for w, n in counts.items()}
    return {"titles": titles, "title_weight": weight}


def _positions(clauses: list[Clause]) -> dict:
    members: dict[tuple, set[int]] = {}
    referrers: dict[str, set[int]] = {}
    for i, c in enumerate(clauses):
        opinion = _opinion_of(c)
        if opinion is not None:
            members.setdefault(("opinion", opinion), set()).add(i)
        if c.working_group is not None:
            members.setdefault(("group", c.working_group), set()).add(i)
        if c.part:
            members.setdefault(("part", c.part), set()).add(i)
        for ref in set(c.refs or ()):
            referrers.setdefault(ref, set()).add(i)
    return {
        "size": len(clauses),
        "position": {c.id: i for i, c in enumerate(clauses)},
        "members": {key: frozenset(v) for key, v in members.items()},
        "referrers": {key: frozenset(v) for key, v in referrers.items()},
    }


def _descendants(clauses: list[Clause]) -> dict[str, frozenset[str]]:
    children: dict[str, list[str]] = {}
    for c in clauses:
        if c.parent:
            children.setdefault(c.parent, []).append(c.id)
    out: dict[str, frozenset[str]] = {}
    for root in children:
        seen, stack = set(), list(children[root])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(children.get(node, ()))
        out[root] = frozenset(seen)
    return out


def numbered_places(query: str) -> tuple[set[int], set[int]]:
    """The opinions and working groups `query` names by number or ordinal ("Opinion 4", "the third working group")."""
    opinions: set[int] = set()
    for m in _OPINION.finditer(query):
        opinions |= _numbers(m.group(1))
    for m in _OPINION_ORD.finditer(query):
        opinions.add(_WORDS[m.group(1).lower()])
    groups: set[int] = set()
    for m in _WG.finditer(query):
        groups |= _numbers(m.group(1))
    for m in _WG_ORD.finditer(query):
        groups.add(_WORDS[m.group(1).lower()])
    return opinions, groups


def parse_route(query: str, places: Places, clause_ids: tuple[str, ...] = ()) -> Route:
    """The places named in `query` that exist in this corpus."""
    from assistant.search.index_store import bm25_tokens

    opinions, groups = numbered_places(query)
    parts = set()
    for m in _PART.finditer(query):
        n = to_int(m.group(2))
        key = f"{m.group(1).lower()} {n if n is not None else m.group(2).lower()}"
        if key in places.parts:
            parts.add(places.parts[key])
    sections = set()
    if opinions or groups:
        words = set(bm25_tokens(query))
        sections = {name for name, stems in places.sections.items() if set(stems) <= words}
        # "invites Member States" also matches a bare "invites"; keep only the most specific
        sections = {s for s in sections if not any(s != o and set(places.sections[s]) < set(places.sections[o])
                                                    for o in sections)}
    return Route(
        opinions=frozenset(opinions & places.opinions),
        working_groups=frozenset(groups & places.working_groups),
        parts=frozenset(parts),
        sections=frozenset(sections),
        clause_ids=tuple(clause_ids),
        titles=named_titles(query, places) if not opinions else (),
    )


_TITLE_NOUN = re.compile(r"\b(?:opinions?|drafts?|proposals?|contributions?|reports?|resolutions?)\b", re.I)
_NOUN_WORDS = title_words("opinion opinions draft drafts proposal contribution report resolution")
# Headings matching at least this share of the best match's score are named too ("Opinions 5 and 6" by title).
TITLE_MATCH_SHARE = 0.5
# A clause that refers to a named place counts for this share of one in it: the report's account of what
# happened to "recognizing (g)" is about it, the clause itself is it.
REFERRER_SHARE = 0.9
# A place named by its title is a guess at what the question means, so it counts for less than a number.
TITLE_CONFIDENCE = 0.7
# A title word shared by at most this many headings can name a place on its own.
_DISTINCTIVE = 2


def named_titles(query: str, places: Places) -> tuple[str, ...]:
    """Headings a query names by title rather than number ("the broadband opinion", "Brazil's draft").

    Needs a noun like "opinion" or "draft" in the query, and a title word few headings share; when
    several headings match, those close to the best match (by summed word rarity) count.
    """
    if not places.titles or not _TITLE_NOUN.search(query):
        return ()
    words = title_words(query) - _NOUN_WORDS
    counts = {}
    for title in places.titles.values():
        for w in title:
            counts[w] = counts.get(w, 0) + 1
    scored = []
    for cid, title in places.titles.items():
        if not title & _NOUN_WORDS:
            continue  # a table's header ("Group Chairs Vice-Chair(s)") or a section word names no Opinion or draft
        shared = title & words
        if any(counts[w] <= _DISTINCTIVE for w in shared):
            scored.append((sum(places.title_weight[w] for w in shared), cid))
    if not scored:
        return ()
    best = max(score for score, _ in scored)
    return tuple(sorted(cid for score, cid in scored if score >= TITLE_MATCH_SHARE * best))


def _opinion_of(clause: Clause) -> int | None:
    if clause.opinion is not None:
        return clause.opinion
    m = re.search(r"\bopinion\s+(\d+)\b", clause.section or "", re.I)
    return int(m.group(1)) if m else None


def named_scopes(route: Route, clauses: list[Clause], places: Places | None = None) -> list[set[int]]:
    """Each named place as the set of clause positions it covers."""
    if route.empty:
        return []
    if places is None or places.size != len(clauses):
        places = Places.of(clauses)
    scopes: list[set[int]] = []
    position = places.position
    sections = {s.lower() for s in route.sections}
    for kind, numbers in (("opinion", route.opinions), ("group", route.working_groups)):
        for n in numbers:
            members = places.members.get((kind, n), frozenset())
            scopes.append(members)
            if sections:
                scopes.append({i for i in members if (clauses[i].section or "").lower() in sections})
    for part in route.parts:
        scopes.append(places.members.get(("part", part), frozenset()))
    for cid in route.clause_ids:
        if cid in position:
            below = places.descendants.get(cid, frozenset())
            scopes.append({position[cid]} | {position[d] for d in below if d in position})
    for cid in route.titles:
        if cid not in position:
            continue
        heading = clauses[position[cid]]
        if heading.opinion is not None:  # an opinion's title names its text and the debate about it
            scopes.append(places.members.get(("opinion", heading.opinion), frozenset()))
        else:
            below = places.descendants.get(cid, frozenset())
            scopes.append({position[cid]} | {position[d] for d in below if d in position})
    return [s for s in scopes if s]


def referring_to(scope: set[int], clauses: list[Clause], places: Places | None = None) -> set[int]:
    """Clauses outside `scope` that cross-refer into it ("WG2 endorsed Opinion 3 …"): about the place, not in it."""
    if places is None or places.size != len(clauses):
        places = Places.of(clauses)
    out: set[int] = set()
    for i in scope:
        out |= places.referrers.get(clauses[i].id, frozenset())
    return out - set(scope)


def specificity(size: int, total: int) -> float:
    """1.0 for a single clause, falling with the log of the scope's size to ~0 for the whole corpus."""
    if size <= 0 or total <= 1:
        return 0.0
    return max(0.0, 1.0 - math.log(size) / math.log(total + 1))


def route_scores(route: Route, clauses: list[Clause], places: Places | None = None) -> np.ndarray:
    """Per clause, the specificity of the narrowest named place that holds it (0 outside all of them).

    A named clause scores 1.0, its section less, its whole opinion or part less again: the more
    precisely a question points, the more the place counts against the ranked lists.
    """
    scores = np.zeros(len(clauses), dtype=np.float32)
    by_title = Route(titles=route.titles)
    by_name = replace(route, titles=())
    for named, confidence in ((by_name, 1.0), (by_title, TITLE_CONFIDENCE)):
        if named.empty:
            continue
        for scope in named_scopes(named, clauses, places):
            about = referring_to(scope, clauses, places)
            value = confidence * specificity(len(scope), len(clauses))
            for members, share in ((scope, 1.0), (about, REFERRER_SHARE)):
                if members:
                    idx = np.fromiter(members, dtype=np.int64)
                    scores[idx] = np.maximum(scores[idx], share * value)
    return scores


def resolve_clause_refs(query: str, clauses: list[Clause]) -> tuple[str, ...]:
    """Clause ids the query points at ("Opinion 4 recognizing (g)"), via the parser's reference resolver."""
    try:
        from assistant.report.refs import resolve_references
    except ImportError:
        return ()
    try:
        return tuple(resolve_references(query, clauses, context_opinion=None))
    except Exception as exc:  # a resolver bug must not take search down with it
        log.warning("reference resolution failed for query (%s); routing without it", exc)
        return ()


def route_query(query: str, clauses: list[Clause], places: Places | None = None) -> Route:
    places = places or Places.of(clauses)
    return parse_route(query, places, resolve_clause_refs(query, clauses))
