"""The report as a tree the answer plans walk: places (Opinions, Working Group reports, parts), their
sections and items, inline lists, and the proper names of the actors it mentions."""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property

from assistant.records import Clause
from assistant.report.sentences import Unit, ends_in_abbreviation
from assistant.textnorm import demonym_of, fold_ws, initials, unaccented

_MARKER = re.compile(r"\[footnoteRef:\d+\]")
# Repeated labels that start inline items: "Opinion 1: … Opinion 2: …"
# "Opinion 3:", "Resolution 101:", "Draft Opinion 1:", and the unnumbered "New Draft Opinion:" listed after them
_INLINE_LABEL = re.compile(r"\b(?:New (?:Draft )?(?=[A-Z][a-z]+:)|(?:Draft )?(?=[A-Z][a-z]+ \d{1,3}:))([A-Z][a-z]+)(?: \d{1,3})?:")
_BULLET = re.compile(r"\s*(?:[·•▪-]|\(?[a-z]\)|\(?[ivx]{1,4}\)|\d{1,2}[.)])\s")
# a word that tells what an actor did, after its name ("what did daniel say"): no noun the name modifies
_SAYING = re.compile(r"(?:say|said|says|propos\w*|suggest\w*|want\w*|ask\w*|do|did|does|think|stress\w*|argu\w*|"
                     r"talk\w*|mean|meant|highlight\w*|emphasi[sz]\w*|present\w*)$", re.I)
_CAPITALIZED = re.compile(r"\b[A-Z][^\W\d_’'.-]*(?:[’'.-][^\W\d_]+)*[^\W\d_]")
# Words the report capitalizes as parts of its own structure, not as actors.
_STRUCTURE = frozenset(
    "opinion opinions draft working group groups part annex chairman chairmen chair vice report plenary forum "
    "policy member states sector members session secretary general secretariat resolution resolutions "
    "recognizing considering noting recalling invites requests mr ms mrs mme dr prof h.e h.e. he wg wgs "
    # roles, which many people hold: "the Swiss minister" is not everyone the report calls a Minister
    "minister ministers deputy counsellor president ceo director directors vice-chairman vice-chairmen vice-chair "
    "vice-chairs chairmanship moderator".split()
)
_TITLE = r"(?:Mr|Ms|Mrs|Mme|Dr|Prof|H\.E\.?)\.?\s+"
_NAME = r"[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){1,3}?"
_GROUP_ROLE = re.compile(
    rf"(?:\bchaired\s+by|\b(?P<vice>Vice-)?Chair(?:man)?)\s+{_TITLE}(?P<name>{_NAME})(?=\s*[(,;:]|\s+with\b|\s*$)|"
    rf"^{_TITLE}(?P<signed>{_NAME})(?:\s*\([^)]*\))?\s+(?P<signed_vice>Vice-)?Chairman\s+of\s+Working\s+Group",
)
# "the Chairman" of a Working Group's report is the one who chairs it; never the "Vice-Chairman"
_CHAIR_ALIAS = re.compile(r"\bthe\s+(?<!-)Chair(?:man)?\b", re.I)
_VICE_ALIAS = re.compile(r"\bthe\s+Vice-Chair(?:man)?\b", re.I)
# A name in more clauses than this is the report's vocabulary (ITU, IPv6, Internet), not an actor to trace.
ACTOR_MAX_CLAUSES = 20
# a person's title, whose initial with the name's is no one's abbreviation ("Ms Sally Wentworth" is not "MSW")
_HONORIFICS = frozenset("mr ms mrs mme miss dr prof sir he".split())
ACTORS_MEMO = 8192  # texts whose actors are remembered: the report's ~700 sentences and the latest questions
MIN_ITEM_CHARS = 8  # an inline "item" shorter than this is a fragment of prose ("Draft."), not a list item


class ReportView:
    def __init__(self, source: str, clauses: list[Clause], units, things: frozenset[str] = frozenset()):
        self.source = source
        self._phrases: dict[str, bool] = {}
        self._name_starts: dict[str, bool] = {}  # bounded by the report's names (`actor_words`)
        self._actors_memo: dict[str, tuple[str, ...]] = {}
        self.clauses = list(clauses)
        self.by_id = {c.id: c for c in clauses}
        self.units = units  # clause → its quotable sentences
        self.things = things  # lower-case acronyms of things, not actors ("ixp": Internet Exchange Points)
        self.children: dict[str, list[Clause]] = {}
        for clause in clauses:
            if clause.parent:
                self.children.setdefault(clause.parent, []).append(clause)
        self.opinion_heads = {c.opinion: c for c in clauses if c.kind == "heading" and c.opinion is not None
                              and c.part == "Part II" and self.by_id.get(c.parent or "", c).opinion is None}
        self.group_heads = {c.working_group: c for c in clauses if c.kind == "heading" and c.working_group is not None
                            and c.part == "Annex I" and self.by_id.get(c.parent or "", c).working_group is None}
        self.part_heads = {c.part: c for c in clauses if c.kind == "heading" and c.parent is None}

    # ---------------------------------------------------------------- tree

    def is_opening(self, clause: Clause) -> bool:
        """An Opinion's words before its first section ("The fifth … Policy Forum (Geneva, 2013),"): the start of
        its one long sentence, which alone states nothing."""
        return clause.part == "Part II" and clause.opinion is not None and clause.kind == "paragraph" and not clause.section

    def descendants(self, clause_id: str) -> list[Clause]:
        out: list[Clause] = []
        for child in self.children.get(clause_id, []):
            out.append(child)
            out += self.descendants(child.id)
        return out

    def place_of(self, clause: Clause) -> Clause | None:
        """The Opinion, Working Group report or part a clause belongs to."""
        if clause.part == "Part II" and clause.opinion is not None:
            return self.opinion_heads.get(clause.opinion)
        if clause.part == "Annex I" and clause.working_group is not None:
            return self.group_heads.get(clause.working_group)
        return self.part_heads.get(clause.part)

    def first_unit(self, clause: Clause) -> Unit | None:
        """A clause's first sentence; a heading's whole text (a title may run over lines)."""
        units = self.units(clause)
        if not units:
            return None
        if clause.kind == "heading" and len(units) > 1:
            return Unit(clause.id, units[0].start, units[-1].end, " ".join(u.text for u in units))
        return units[0]

    # ---------------------------------------------------------------- lists

    def items(self, clause: Clause) -> list[Unit]:
        """What a clause lists: its children's first sentences, or the items written inline after its colon."""
        children = self.children.get(clause.id, [])
        # paragraphs under a heading are prose, not the items of a list
        kids = [c for c in children if c.kind in ("clause", "sub-clause", "table-row")]
        if len(kids) >= 2:
            return [u for u in (self._item_unit(c) for c in kids) if u is not None]
        if clause.parent is None and len(children) >= 2 and all(c.kind == "heading" for c in children):
            # a part made of places (Part II's Opinions): their titles
            return [u for u in (self.first_unit(c) for c in children) if u is not None and len(u.text) > 20]
        return self.inline_items(clause)

    def _item_unit(self, clause: Clause) -> Unit | None:
        units = self.units(clause)
        if not units:
            return None
        if len(units) == 1 or len(clause.text) <= 320:
            return Unit(clause.id, units[0].start, units[-1].end, " ".join(u.text for u in units))
        return units[0]

    def inline_items(self, clause: Clause) -> list[Unit]:
        """"Six Vice-Chairs were elected for the Forum: Ms A (Poland); Mr B (Russia); …" → one unit per item."""
        raw = self.source[clause.start : clause.end]
        for colon in re.finditer(r":\s", raw):
            body_start = clause.start + colon.end()
            body = self.source[body_start : clause.end]
            spans = self._split_inline(body, body_start)
            if len(spans) >= 2:
                items = [Unit(clause.id, s, e, fold_ws(_MARKER.sub("", self.source[s:e]))) for s, e in spans]
                if all(len(u.text) >= MIN_ITEM_CHARS for u in items):
                    return items
        return []

    def _split_inline(self, body: str, offset: int) -> list[tuple[int, int]]:
        lines = [m for m in re.finditer(r"[^\n]+", body)]
        if len(lines) >= 2 and sum(1 for m in lines if _BULLET.match(m.group(0))) >= len(lines) - 1:
            return _trimmed([(offset + m.start(), offset + m.end()) for m in lines], self.source)
        labels = [m for m in _INLINE_LABEL.finditer(body)]
        words = Counter(m.group(1) for m in labels)
        if labels and words.most_common(1)[0][1] >= 2:
            word = words.most_common(1)[0][0]
            starts = [m.start() for m in labels if m.group(1) == word]
            bounds = starts + [_end_of_list(body, starts[-1])]
            return _trimmed([(offset + a, offset + b) for a, b in zip(bounds, bounds[1:])], self.source)
        end = _end_of_list(body, 0)
        parts, cursor = [], 0
        for m in re.finditer(r";", body[:end]):
            parts.append((cursor, m.start()))
            cursor = m.end()
        parts.append((cursor, end))
        if len(parts) < 2:
            return []
        return _trimmed([(offset + a, offset + b) for a, b in parts], self.source)

    # ---------------------------------------------------------------- actors

    @cached_property
    def actor_words(self) -> dict[str, int]:
        """Lower-cased proper names the report uses (never written in lower case), with how many clauses hold them."""
        lower_words = set(re.findall(r"\b[a-z][a-z’'-]*\b", self.source))
        self._lower_words = lower_words
        spread: Counter[str] = Counter()
        for clause in self.clauses:
            # a capital after a sentence end says nothing: "After a 45-minute adjournment"
            found = {
                m.group(0).lower() for m in _CAPITALIZED.finditer(clause.text)
                if m.start() > 0 and (clause.text[: m.start()].rstrip()[-1:] not in ".!?:;·•“\"("
                                      or ends_in_abbreviation(clause.text[: m.start()].rstrip()))  # "Robert E. Kahn"
            }
            spread.update(
                w for w in found
                if w not in lower_words and w not in _STRUCTURE and len(w) > 1 and w.rstrip("s") not in self.things
            )
        return dict(spread)

    @cached_property
    def group_roles(self) -> list[tuple[str, int, str]]:
        """Who chairs a Working Group, as its own report names them: (name, group, "Chair" or "Vice-Chair"). A
        report opening "chaired by Mr Daniel Calvacanti (Brazil) with Vice-Chair Ms Sally Wentworth" or signed
        "Mr Petko KANTCHEV Chairman of Working Group 3" goes on to speak of them as "the Chairman"."""
        roles: list[tuple[str, int, str]] = []
        for clause in self.clauses:
            if clause.part != "Annex I" or clause.working_group is None:
                continue
            for unit in self.units(clause):
                for m in _GROUP_ROLE.finditer(unit.text):
                    vice = bool(m.group("vice") or m.group("signed_vice"))
                    name = m.group("name") or m.group("signed")
                    roles.append((name, clause.working_group, "Vice-Chair" if vice else "Chair"))
        return list(dict.fromkeys(roles))

    def role_alias(self, actor: str, clause: Clause) -> re.Pattern | None:
        """How `clause` speaks of `actor` by role ("the Chairman" in the report of the group they chair), if it does."""
        for name, group, role in self.group_roles:
            if clause.working_group == group and clause.part == "Annex I" and any(
                re.search(rf"\b{re.escape(a)}\b", name, re.I) for a in (actor, *self.transposed(actor))
            ):
                return _VICE_ALIAS if role == "Vice-Chair" else _CHAIR_ALIAS
        return None

    @cached_property
    def _folded_actors(self) -> dict[str, str]:
        """Actor words by their unaccented form ("toure" → "touré"): people type names without accents."""
        return {unaccented(w): w for w in self.actor_words if unaccented(w) != w}

    def _spelled(self, word: str) -> str:
        """`word` as the report spells it: with its accents, if it is a name the report writes with them."""
        return word if word in self.actor_words else self._folded_actors.get(word, word)

    def transposed(self, word: str) -> list[str]:
        """Names the report also writes with two neighbouring letters swapped ("Kahn" and "Khan"): one name
        misspelt in one place, which the reader of the report takes for the same person."""
        if len(word) < 4:
            return []
        swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)}
        return sorted(w for w in swaps if w != word and w in self.actor_words)

    def actors_in(self, question: str) -> tuple[str, ...]:
        """Actors the question names ("ghana", "the united states", "russia's"), as report spellings; remembered
        per text, as the doers plan reads every sentence of a place for them (~0.15 s a question otherwise)."""
        found = self._actors_memo.get(question)
        if found is None:
            if len(self._actors_memo) >= ACTORS_MEMO:
                self._actors_memo.clear()  # bounded: a server is asked endless new questions
            found = self._actors_memo[question] = self._find_actors(question)
        return found

    def _find_actors(self, question: str) -> tuple[str, ...]:
        words = re.findall(r"[^\W\d_][^\W\d_’'.-]*(?:[’'.-][^\W\d_]*)*", question)
        out: list[str] = []
        i = 0
        while i < len(words):
            word = self._spelled(re.sub(r"['’]s$", "", words[i]).strip(".").lower())
            count = self.actor_words.get(word) or self._prefix_count(word)
            if not count and (people_of := demonym_of(word, self.actor_words)):
                word, count = people_of, self.actor_words[people_of]  # "the brazilians" are Brazil
            if not count and word in self._initials and (words[i].isupper() or (
                word in self._lower_words and re.search(rf"\bthe\s+{re.escape(words[i])}\b", question, re.I)
            )):
                # "the US", "what did the us say" (the word "us" never follows "the"): the "United States" the report
                # writes out; "the op" in lower case is left alone (chat shorthand for an Opinion)
                word = self._initials[word]
                count = self.actor_words.get(word.split()[0], 0)
            if count and count <= ACTOR_MAX_CLAUSES:
                phrase = [word]
                # "united states": keep the following capitalized word of the same name
                while i + 1 < len(words):
                    nxt = re.sub(r"['’]s$", "", words[i + 1]).lower()
                    titled = " ".join(w.capitalize() for w in phrase + [nxt])
                    if nxt and self._in_source(titled):
                        phrase.append(nxt)
                        i += 1
                    else:
                        break
                if len(phrase) == 1 and words[i].islower() and self._only_in_longer_names(word) and i + 1 < len(words) \
                        and words[i + 1].islower() and not _SAYING.match(words[i + 1]):
                    i += 1  # "the opening speakers": the report's "Opening" is only ever of its "Opening Plenary"
                    continue
                out.append(" ".join(phrase))
            i += 1
        return tuple(dict.fromkeys(out))

    def _only_in_longer_names(self, word: str) -> bool:
        """The report writes `word` only as the first of a longer name ("Opening" of "Opening Plenary");
        remembered per word, as each answer is a whole-report search (~1.6 ms, 90 of them over 414 questions)."""
        known = self._name_starts.get(word)
        if known is None:
            found = list(re.finditer(rf"\b{re.escape(word.capitalize())}\b", self.source))
            known = self._name_starts[word] = bool(found) and all(
                re.match(r"\s+[A-Z]", self.source[m.end():]) for m in found
            )
        return known

    @cached_property
    def _initials(self) -> dict[str, str]:
        """Names of two or more words the report writes out, by their initials ("us" → "united states"), where
        the initials stand for one name only."""
        names: dict[str, set[str]] = {}
        for m in re.finditer(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b", self.source):
            name = m.group(0).lower()
            first = name.split()[0]
            if first in self.actor_words and first not in _HONORIFICS:
                names.setdefault(initials(name), set()).add(name)
        return {key: next(iter(found)) for key, found in names.items() if len(found) == 1}

    def _in_source(self, phrase: str) -> bool:
        """Whether the report writes `phrase` as a whole phrase; remembered, as the doers plan asks it for every
        sentence it scans (a whole-report regex search each time took ~1 s on one question)."""
        found = self._phrases.get(phrase)
        if found is None:
            # a plain substring test first: most phrases asked about are not in the report at all, and compiling a
            # pattern for each made a doers answer's first ask take ~1 s
            found = phrase in self.source and re.search(rf"\b{re.escape(phrase)}\b", self.source) is not None
            self._phrases[phrase] = found
        return found

    def _prefix_count(self, word: str) -> int:
        """"russia" is the report's "Russian Federation": a name the word begins."""
        if len(word) < 4 or word in self._lower_words or not self.actor_words:
            return 0
        counts = [n for name, n in self.actor_words.items() if name.startswith(word) and len(name) - len(word) <= 3]
        return max(counts, default=0)

    def mentions(self, clause: Clause, actor: str) -> bool:
        return re.search(rf"\b{re.escape(actor)}", clause.text, re.I) is not None


def _end_of_list(body: str, start: int) -> int:
    """Where an inline list stops: the first sentence end after its last item starts."""
    for m in re.finditer(r"(?<=[a-z)\]”])\.(?:\s|$)", body[start:]):
        if not ends_in_abbreviation(body[: start + m.start() + 1]):  # "(Rev. Guadalajara, 2010)" goes on
            return start + m.start()
    return len(body)


def _trimmed(spans: list[tuple[int, int]], source: str) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        marker = _BULLET.match(source, s, e)
        if marker:
            s = marker.end()
        while s < e and source[s] in " \t\n;,\xa0":
            s += 1
        lead_word = re.match(r"(?:and|or)\s+", source[s:e])  # "…; and Dr Robert E. Kahn, …": the last item
        if lead_word:
            s += lead_word.end()
        while e > s and source[e - 1] in " \t\n;,\xa0":
            e -= 1
        if source[s:e].endswith(" and") or source[s:e].endswith(" or"):
            e = source.rindex(" ", s, e)
            while e > s and source[e - 1] in " ;,":
                e -= 1
        if e - s >= 3:
            out.append((s, e))
    return out
