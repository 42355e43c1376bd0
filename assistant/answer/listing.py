"""List answers: a lead-in brings all of its items; a section or clause with children lists them all; a
table lists its rows; otherwise the matching sentences are gathered and grouped by place."""

from __future__ import annotations

import re

from assistant.answer.mention import asks_mention, opinions_using
from assistant.answer.context import PlanContext, Places
from assistant.answer.decisions import decisions
from assistant.report.refs import about_opinions
from assistant.answer.draft import Draft, clean_sentence, section_phrase
from assistant.answer.overview import opinion_lines
from assistant.query.conversation import own_words
from assistant.query.question import tokenize
from assistant.records import Clause, Hit

CONTAINER_DEPTH = 5  # hits searched for a list
MAX_ITEMS = 14


LIST_SHARE = 0.9  # of the best sentence's closeness in the top hits a list must reach to be the answer
W_RANK = 0.25
W_HEADING = 0.1  # weight of the share of a section heading's words the question uses  # weight of the hit's rank against the list's closeness to the question


def _candidates(ctx: PlanContext, query: str, hits: list[Hit], places) -> list[tuple[int, Clause]]:
    """(rank, clause) that may hold the list: the top hits and the places above them, and every clause with
    children in the Opinion or Working Group report the question names."""
    view = ctx.view
    out: list[tuple[int, Clause]] = []
    for rank, hit in enumerate(hits[:CONTAINER_DEPTH]):
        out.append((rank, hit.clause))
        parent = view.by_id.get(hit.clause.parent or "")
        if parent is not None:
            out.append((rank, parent))
    for group in places.groups:
        head = view.group_heads.get(group)
        if head is not None:
            out += [(CONTAINER_DEPTH, c) for c in view.descendants(head.id) if c.kind != "heading"]
    return out


def _named_parts(ctx: PlanContext, query: str) -> list[tuple[int, Clause]]:
    """"list the opinions": a part whose children are the places the question names in the plural."""
    view = ctx.view
    out = []
    for head in view.part_heads.values():
        titles = [view.first_unit(c) for c in view.children.get(head.id, [])]
        kind = {t.text.split()[0].rstrip(":").lower() for t in titles if t is not None and t.text.split()}
        if len(kind) == 1 and re.search(rf"\b{re.escape(next(iter(kind)))}s\b", query, re.I):
            # the report's own list of the same places, told with what happened to them ("He invited the Forum
            # to adopt the following Opinions: Opinion 1: …"), says more than the headings
            told = _listed_elsewhere(view, next(iter(kind)), len(titles))
            out.append((0, told or head))
    return out


def _items_of_kind_asked(query: str, items) -> bool:
    """Items all labelled as the things the question asks for in the plural: "Draft Opinion 1: …" for "opinions"."""
    labelled = [re.match(r"(?:draft\s+)?([a-z]+)\s+\d+\s*:", u.text, re.I) for u in items]
    if not all(labelled):
        return False
    kinds = {m.group(1).lower() for m in labelled}
    return len(kinds) == 1 and re.search(rf"\b{re.escape(kinds.pop())}s\b", query, re.I) is not None


_PRONOUN_FIRST = re.compile(r"(?:he|she|they|it)\b", re.I)


def _listed_elsewhere(view, kind: str, count: int) -> Clause | None:
    """A prose clause whose items are the `count` places of `kind`, each opening with its label ("Opinion 3:")."""
    label = re.compile(rf"{re.escape(kind)}\s+\d+\s*:", re.I)
    for clause in view.clauses:
        if clause.kind == "heading" or clause.part == "Part II":
            continue
        items = view.items(clause)
        if len(items) == count and all(label.match(u.text) for u in items):
            return clause
    return None


def named_sections(query: str) -> set[str]:
    """The Opinion sections a question names, by their first word ("invites", "is", "recognizing"); the
    "recognizing further" section apart when the question says "further"."""
    keys = {section_key(m.group(0)) for m in _SECTION.finditer(asked_words(query))}
    if "recogni" in keys:
        keys.add(_FURTHER)
        if re.search(r"\bfurther\b", query, re.I):
            keys.discard("recogni")
    return keys


def asked_words(query: str) -> str:
    """The user's own words and the section phrases a reading added ("… (is of the view)"), without the earlier
    turn put after them as context: "its view on transfers (what does Opinion 3 recognize …)" asks for a view."""
    own = own_words(query)
    added = [m.group(1) for m in re.finditer(r"\(([^()]*)\)", query[len(own):])
             if all(_SECTION.fullmatch(part.strip()) for part in m.group(1).split(";"))]
    return " ".join([own, *added])


_SECTION = re.compile(
    r"\b(?:invit\w*|request\w*|is of the view|recogni\w*|consider\w*|noting|recall\w*|"
    r"taking into account)\b",
    re.I,
)
_FURTHER = "recogni+"


def section_key(section: str) -> str:
    if re.match(r"recogni[sz]ing further\b", section, re.I):
        return _FURTHER
    word = section.lower().split()[0] if section.split() else ""
    for stem in ("invit", "request", "recogni", "consider", "not", "recall", "taking", "is"):
        if word.startswith(stem):
            return stem
    return word


def find_list(ctx: PlanContext, query: str, hits: list[Hit], places) -> tuple[Clause, list] | None:
    """Of the candidate clauses listing at least two items, the one whose lead-in and items come closest
    to the question."""
    view = ctx.view
    best, best_score = None, float("-inf")
    seen: set[str] = set()
    asked = _asked_sections(ctx, query, places)
    # "what two opinions did working group 1 handle": the group's own list, not the report's six
    named = _named_parts(ctx, query) if not asked and not places.groups else []
    for rank, candidate in asked or named + _candidates(ctx, query, hits, places):
        if candidate.id in seen:
            continue
        seen.add(candidate.id)
        items = view.items(candidate)
        if asked and not items:
            items = [u for c in view.children.get(candidate.id, []) for u in view.units(c)[:1]]
        if len(items) < (1 if asked else 2):
            continue
        own = [u for u in view.units(candidate) if not any(u.start <= i.start < u.end for i in items)][:2]
        # the lead-in may match the question, but the items have to as well: "the six opinions" are not
        # six vice-chairs
        own_scores, item_scores = ctx.relevance(query, own), ctx.relevance(query, items)
        score = (max(own_scores + item_scores) + sum(item_scores) / len(item_scores)) / 2
        score += W_RANK / (1 + rank) ** 0.5
        # "what are member states invited to do": the section whose heading the question words best
        heading = set(tokenize(candidate.text)) if candidate.kind == "heading" else set()
        if heading:
            score += W_HEADING * len(heading & set(tokenize(query))) / len(heading)
        if (rank, candidate) in named or (places.groups and _items_of_kind_asked(query, items)):
            score += 1.0  # the question names what the part is made of, or what the group it names listed
            named.append((rank, candidate))
        if score > best_score:
            best, best_score = (candidate, items), score
    if best is None or asked or any(best[0] is c for _, c in named):
        return best
    # a list answers only if it holds what the question is closest to: not six vice-chairs for "the
    # points the Swiss minister made"
    top = [u for h in hits[:3] for u in view.units(h.clause)]
    if top and max(ctx.relevance(query, best[1] + view.units(best[0]))) < LIST_SHARE * max(ctx.relevance(query, top)):
        return None
    return best


# "who does opinion 5 invite", "who is it addressed to", "who is opinion 2 aimed at": those an Opinion addresses
_ADDRESSEES = re.compile(
    r"^\W*(?:and\s+|so\s+)?who(?:m)?\s+(?:does|do|is|are)\s+(?:(?:draft\s+)?opinion\s+\d+|it|this|that)\b.*"
    r"\b(?:invit\w*|ask\w*|request\w*|urg\w*|call\w*|address\w*|aim\w*|direct\w*|target\w*|for|to|at)\W*$",
    re.I,
)


def asks_addressees(question: str) -> bool:
    return _ADDRESSEES.match(own_words(question)) is not None


def _asked_sections(ctx: PlanContext, query: str, places) -> list[tuple[int, Clause]]:
    """The sections of the named Opinion the question asks for ("what does Opinion 4 invite"); asked whom it
    addresses, its invites and requests."""
    view = ctx.view
    sections = named_sections(query) or ({"invit", "request"} if asks_addressees(query) else set())
    asked_of = addressee(ctx.source, query)
    name = re.sub(r"^ITU\s+", "", asked_of).lower() if asked_of else ""
    out, addressed = [], []
    for number in places.opinions:
        head = view.opinion_heads.get(number)
        if head is None:
            continue
        for clause in view.descendants(head.id):
            if clause.kind != "heading" or not clause.section:
                continue
            if name and name in clause.section.lower():
                addressed.append((0, clause))  # "ask the Secretary-General": the section addressed to it
            elif section_key(clause.section) in sections:
                out.append((0, clause))
    return addressed or out


# words that ask for a section as such, not about a topic in it: "what are the recognizing clauses of opinion 1"
_SECTION_ITSELF = frozenset(tokenize("opinion clause clauses section sections part parts bit bits list item items "
                                     "paragraph paragraphs say says anything everything all"))


def _absent_section(ctx: PlanContext, query: str, places) -> Draft | None:
    """"what does opinion 1 recognize": Opinion 1 has no recognizing section, which is the answer, with what each
    of the sections it has says first; None unless the question asks for a section as such, of one Opinion."""
    asked = _SECTION.search(asked_words(query))
    if len(places.opinions) != 1 or asked is None or _asked_sections(ctx, query, places):
        return None
    rest = set(tokenize(_SECTION.sub(" ", asked_words(query)))) - _SECTION_ITSELF
    head = ctx.view.opinion_heads.get(places.opinions[0])
    if head is None or {t for t in rest if not t.isdigit()}:
        return None  # "what does opinion 3 recall about ipv6": what it says on that, wherever it is
    key = section_key(asked.group(0))
    named = next((c.section.split()[0] for c in ctx.view.clauses
                  if c.kind == "heading" and c.section and section_key(c.section) == key), asked.group(0))
    draft = ctx.draft()
    draft.lead = f"Opinion {head.opinion} has no “{named}” section; what it says, section by section:"
    draft.bullets = opinion_lines(ctx, draft, head, room=0, preamble=True)
    draft.anchored = True
    return draft


def compose_list(ctx: PlanContext, query: str, hits: list[Hit], places) -> Draft | None:
    absent = _absent_section(ctx, query, places)
    if absent is not None:
        return absent
    if len(places.opinions) >= 2:
        each = _each_opinion(ctx, query, hits, places)
        if each is not None:
            return each
    inline = _inline_list(ctx, query, hits, places)
    if inline is not None:
        return inline
    found = find_list(ctx, query, hits, places)
    draft = ctx.draft()
    framed: set[str] = set()
    if found is not None:
        container, items = found
        lead_unit = ctx.lead_in(container, items) if container.kind != "heading" else None
        missing = _absent_addressee(ctx, query, container)
        if missing:
            # "What does Opinion 4 ask the Secretary-General to do?": nothing — and that is the answer
            draft.lead = (f"Opinion {container.opinion} asks nothing of the {missing}; what it "
                          f"{section_phrase(container.section).split()[0]}:")
        elif lead_unit is not None:
            # the lead-in introduces what follows: "… adopt the following Opinions: [1]"
            draft.lead = re.sub(r"[.:]? (\[\d+\])$", r": \1", ctx.line(draft, lead_unit, framed))
            before = [u for u in ctx.view.units(container) if u.end <= lead_unit.start]
            if before and _PRONOUN_FIRST.match(lead_unit.text):
                # "He invited the Forum to adopt …": who "he" is, from the sentence before
                framed.clear()
                first = re.sub(r" \[\d+\]$", "", ctx.line(draft, before[-1], framed))
                draft.lead = f"{first} {lead_unit.text.rstrip(' .:')}: {draft.cite(lead_unit)}"
        elif container.part == "Part II" and container.section:
            draft.lead = f"Opinion {container.opinion} {section_phrase(container.section)}:"
        elif container.parent is None:
            kind = items[0].text.split()[0].rstrip(":").lower() if items[0].text.split() else "item"
            draft.lead = f"{container.part} holds {len(items)} {kind}s:"
        else:
            draft.lead = f"{container.label.split(' › ')[-1]} ({ctx.name(container)}):"
        nest = ""
        for unit in items[:MAX_ITEMS]:
            if draft.overlaps(unit):
                continue  # an item told already under the lead-in it belongs to
            listed = ctx.introduced(unit) if not nest else None
            if listed is not None:
                # "that the Directors of the TSB and BDT have," runs on into items of its own
                lead, own_items = listed
                draft.bullets.append(f"{clean_sentence(lead.text).rstrip('.:')}: {draft.cite(lead)}")
                draft.bullets += [f"  - {clean_sentence(item.text)} {draft.cite(item)}" for item in own_items]
                continue
            text = clean_sentence(unit.text)
            draft.bullets.append(f"{nest}{text} {draft.cite(unit)}")
            if text.endswith(":"):
                # "Member States and Sector Members to work in a collaborative manner to:" then its bullets
                nest = "  - "
        if len(items) > MAX_ITEMS:
            draft.bullets.append(f"… and {len(items) - MAX_ITEMS} more in {container.label}.")
        return draft
    return None  # no list in the report fits: the fact plan answers


# "which internet orgs does opinion 5 name": the things asked for in the plural ...
_ASKED_PLURAL = re.compile(r"\b(?:which|what|name|list)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?([a-z-]{4,}s)\b", re.I)
# ... listed inside a sentence after that word: "organizations (including, but not limited, to ICANN, IETF, RIRs)",
# "other forums such as CSTD, ECOSOC and the IGF"
_INLINE = re.compile(
    r"\b([A-Za-z-]{4,})\s*(?:\(\s*(?:including(?:,?\s*but\s+not\s+limited,?\s*to)?|e\.g\.|such\s+as|namely|i\.e\.,?)\s+"
    r"([^()]+)\)|,?\s+(?:such\s+as|including)\s+((?:[^.;:()]|\([^()]*\))+?)(?=\s+(?:as|have|has|had|are|is|was|were|"
    r"will|would|could|can|may|should|to|that|which|for|with|in order)\b|[.;:]|$))"
)
_ITEM_BREAK = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+")
MAX_INLINE_ITEM = 60  # characters: longer pieces are clauses of a sentence, not names in a list


def _named_otherwise(before: str, modifiers: set[str]) -> bool:
    """The sentence names its things by another name than the question does: "ITU Resolutions (i.e., …)" are
    not the "UN resolutions" asked for; "relevant organizations" may be the "internet orgs"."""
    last = re.findall(r"[\w-]+", before)[-1:]
    return bool(last and modifiers and last[0][0].isupper() and last[0].lower() not in modifiers)


def _inline_list(ctx: PlanContext, query: str, hits: list[Hit], places) -> Draft | None:
    """The things a question asks for in the plural, where a sentence lists them after that very word; the
    sentence closest to the question when several do."""
    asked = _ASKED_PLURAL.search(asked_words(query))
    if asked is None:
        return None
    noun = tokenize(asked.group(1))
    if not noun:
        return None
    modifiers = {w.lower() for w in re.findall(r"[\w-]+", asked.group(0))[1:-1]} - {"the"}
    view = ctx.view
    clauses = [h.clause for h in hits[:CONTAINER_DEPTH]]
    clauses += [c for c in view.clauses if places.opinions and c.part == "Part II" and c.opinion in places.opinions]
    found = []
    for clause in dict.fromkeys(clauses):
        for unit in view.units(clause):
            for m in _INLINE.finditer(unit.text):
                if tokenize(m.group(1)) != noun or _named_otherwise(unit.text[: m.start(1)], modifiers):
                    continue
                items = [i.strip(" ,") for i in _ITEM_BREAK.split(m.group(2) or m.group(3)) if i.strip(" ,")]
                items = [re.sub(r"^(?:to|the)\s+", "", i) for i in items]
                if len(items) >= 2 and all(len(i) <= MAX_INLINE_ITEM for i in items):
                    found.append((unit, items))
    if not found:
        return None
    scores = ctx.relevance(query, [u for u, _ in found])
    unit, items = found[max(range(len(found)), key=lambda i: scores[i])]
    draft = ctx.draft()
    draft.lead = ctx.line(draft, unit, set())
    draft.bullets = [f"{item} {draft.cite(unit)}" for item in items[:MAX_ITEMS]]
    draft.anchored = True
    return draft


# "Which opinion deals with IPv6?": the places the answer sits in, not one sentence of one of them.
WHICH_PLACE = re.compile(r"\b(?:which|what)\s+(opinions?|working groups?|wgs?)\b", re.I)
PLACE_HITS = 2  # hits a place needs among the pool to be named beside the best one


def compose_places(ctx: PlanContext, query: str, hits: list[Hit]) -> Draft | None:
    """Each place the top hits sit in, with its title and its sentence closest to the question."""
    m = WHICH_PLACE.search(query)
    if m is None:
        return None
    want_opinion = m.group(1).lower().startswith("opinion")
    view = ctx.view
    counts: dict[str, int] = {}
    order: list[Clause] = []
    for hit in hits:
        place = view.place_of(hit.clause)
        if place is None or place.parent is None or (place.opinion is not None) != want_opinion:
            continue
        if place.id not in counts:
            order.append(place)
        counts[place.id] = counts.get(place.id, 0) + 1
    named = Places.of(query).opinions
    if not want_opinion and named:
        # "which group handled the internet governance opinion (Opinion 5)": the group whose report debates it

        debated = [c.working_group for c in view.clauses
                   if c.part == "Annex I" and c.working_group is not None and about_opinions(c, named, view)]
        order = [view.group_heads[g] for g in dict.fromkeys(debated) if g in view.group_heads] or order
        counts = {p.id: PLACE_HITS for p in order}
    using = dict(opinions_using(ctx, query)) if want_opinion and asks_mention(query) else {}
    if using:
        # "which opinions mention unesco": every Opinion that uses the words, not only those the search reached
        order = [view.opinion_heads[n] for n in using]
        counts = {p.id: PLACE_HITS for p in order}
    if not order:
        return None
    chosen = [order[0]] + [p for p in order[1:] if counts[p.id] >= PLACE_HITS]
    draft = ctx.draft()
    names = [f"Opinion {p.opinion}" if want_opinion else f"Working Group {p.working_group}" for p in chosen]
    draft.lead = (f"{names[0]}:" if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}:")
    for place, name in zip(chosen, names):
        title = view.first_unit(place)
        body = [c for c in view.descendants(place.id) if c.kind != "heading"]
        best = [u for u in decisions(ctx, named) if u.clause_id in {c.id for c in body}][:1] if named and not want_opinion else []
        best = best or ([using[place.opinion]] if place.opinion in using else ctx.top_units(query, body, 1))
        # "OPINION 4: In support of IPv6 adoption…" already names itself: the name is not said twice
        titled = re.sub(rf"^\s*{re.escape(name)}\s*[:.–-]\s*", "", title.text, flags=re.I) if title else ""
        line = f"**{name}**: {clean_sentence(titled)} {draft.cite(title)}" if title else f"**{name}**"
        if best:
            line += f" {ctx.line(draft, best[0], {ctx.name(place)})}"
        draft.bullets.append(line)
    if len(draft.bullets) == 1:
        # one place: it is the answer, not a list under a lead that only repeats its name ("Opinion 1:")
        draft.lead, draft.bullets = draft.bullets[0], []
    return draft


_ADDRESSEE = re.compile(
    r"\b(?:ask|asks|asked|invite|invites|invited|request|requests|requested|urge|urges|call(?:s)? (?:on|upon))\s+"
    r"(?:the\s+)?((?:ITU\s+)?[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*)"
)
_ADDRESSEE_TYPED = re.compile(
    r"\b(?:ask|asks|asked|invite|invites|invited|request|requests|requested|urge|urges|call(?:s)? (?:on|upon))\s+"
    r"(?:the\s+)?((?:itu\s+)?[a-z][\w-]+(?:\s+[a-z][\w-]+){0,2})",
    re.I,
)


def addressee(source: str, query: str) -> str | None:
    """The body a question says something is asked of: written with capitals ("ask the Secretary-General"), or
    typed in lower case as a name the report writes with capitals ("ask the secretary-general")."""
    m = _ADDRESSEE.search(query)
    if m is not None:
        return m.group(1)
    m = _ADDRESSEE_TYPED.search(query)
    if m is None:
        return None
    words = m.group(1).split()
    for n in range(len(words), 0, -1):
        titled = " ".join(w.upper() if w.lower() == "itu" else w.title() for w in words[:n])
        # a name: the report writes it with capitals and never in lower case ("to", "all" are words, not bodies)
        lower = " ".join(words[:n]).lower()
        if re.search(rf"\b{re.escape(titled)}\b", source) and not re.search(rf"\b{re.escape(lower)}\b", source):
            return titled
    return None


EACH_ITEMS = 3  # items quoted per Opinion when several are listed side by side; the rest are counted


def _each_opinion(ctx: PlanContext, query: str, hits: list[Hit], places) -> Draft | None:
    """"What do Opinions 3 and 4 invite?": the section asked for, of each Opinion in turn. "What do they ask the
    Secretary-General to do?" when neither does: that is the answer, and what each does ask follows."""
    found = {n: find_list(ctx, query, hits, Places((n,), ())) for n in places.opinions}
    if not all(f is not None and f[0].part == "Part II" and f[0].section for f in found.values()):
        return None
    numbers = list(found)
    missing = [_absent_addressee(ctx, query, found[n][0]) for n in numbers]
    if any(missing) and not all(missing):
        return None  # one of them does address it: the plain list of that one answers
    verb = section_phrase(found[numbers[0]][0].section).split()[0]
    draft = ctx.draft()
    if all(missing):
        names = " nor ".join(f"Opinion {n}" for n in numbers)
        draft.lead = f"Neither {names} asks anything of the {missing[0]}; what each {verb}:"
    else:
        draft.lead = f"What each {verb}:"
    for n in numbers:
        container, items = found[n]
        draft.bullets.append(f"**Opinion {n}** {section_phrase(container.section)}:")
        draft.bullets += [f"  - {clean_sentence(u.text)} {draft.cite(u)}" for u in items[:EACH_ITEMS]]
        if len(items) > EACH_ITEMS:
            draft.bullets.append(f"  - … and {len(items) - EACH_ITEMS} more in {container.label}.")
    return draft


def _absent_addressee(ctx: PlanContext, query: str, container: Clause) -> str | None:
    """The body the question says an Opinion asks something of, when nothing in that Opinion's operative
    sections is addressed to it."""
    if container.opinion is None or container.part != "Part II":
        return None
    asked_of = addressee(ctx.source, query)
    if asked_of is None or re.match(r"(?:Opinion|Working|Member)\b", asked_of):
        return None
    name = re.sub(r"^ITU\s+", "", asked_of)
    head = ctx.view.opinion_heads.get(container.opinion)
    operative = [c for c in ctx.view.descendants(head.id) if re.match(r"(?:invit|request|urg|call)", c.section or "", re.I)]
    text = " ".join(c.text for c in operative).lower()
    return None if name.lower() in text else name
