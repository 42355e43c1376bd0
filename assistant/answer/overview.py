"""Overview answers of a place: an Opinion (title, a line per preamble section, its operative clauses), a
Working Group report (what it met on, what happened to each Opinion it handled), a part of the report (its
most central sentences), or, for a topic, the closest sentences grouped by place."""

from __future__ import annotations

import re

import numpy as np

from assistant.answer.context import PlanContext
from assistant.answer.compose import numbered_labels, source_name
from assistant.answer.decisions import DECISION, OUTCOME, group_decisions
from assistant.report.refs import about_opinions
from assistant.answer.draft import Draft, clean_sentence, section_phrase
from assistant.answer.shape import OVERVIEW_WORDING
from assistant.records import Clause, Hit
from assistant.query.conversation import own_words
from assistant.query.question import STOPWORDS, tokenize
from assistant.report.sentences import Unit

OPERATIVE = re.compile(r"^(?:is of the view|invites?|requests?|resolves?|decides?|urges?|calls?)\b", re.I)
DEBATE_WORDS = re.compile(r"\b(?:debat\w*|discuss\w*|argu\w*|disagree\w*|controvers\w*|negotiat\w*|amend\w*)\b", re.I)
MAX_OPERATIVE = 8  # operative clauses shown in full; the rest are named
MIN_OPERATIVE_SHARE = 2  # clauses shown of each operative section, however many sections there are
TITLE_SHARE = 0.5  # of a subsection title's weight the question must carry to name it
PART_SENTENCES = 8
# sentences told of the paragraph saying when and where the event was held (WTPF-13's has five: when and where,
# attendance, special guests, ministers, the chairman elected); 20+1 user sets: test 1 better, tune 2, none worse
HELD_SENTENCES = 5
MAX_PART_ITEMS = 6  # items under a lead-in a part overview quotes: Part I's lists have 4 (speakers) and 6 (vice-chairs)
TOPIC_SENTENCES = 7
PARAGRAPH_SENTENCES = 5  # of the paragraph about the topic, told from its start
TOPIC_IDF = 3.0  # a word this rare names a topic: "dialogu" 4.6, "strateg" 4.3, "brazil" 3.2; not "broadband" 2.7


def place_for(ctx: PlanContext, places, hits: list[Hit], query: str) -> Clause | None:
    """The place the overview is of: one named by number, a part named by name, or the place most of the
    top hits sit in."""
    view = ctx.view
    if len(places.opinions) == 1 and not places.groups:
        return view.opinion_heads.get(places.opinions[0])
    if len(places.groups) == 1 and not places.opinions:
        head = view.group_heads.get(places.groups[0])
        # "Brazil's draft in wg3, start to finish": the subsection of that group's report it names
        titled = _titled(ctx, query)
        if head is not None and titled is not None and titled in view.descendants(head.id):
            return titled
        return head
    m = re.search(r"\b(part\s+(?:i|1|one)|part\s+(?:ii|2|two)|annex(?:\s+(?:i|1|one))?)\b", query, re.I)
    if m and not places.count:
        word = m.group(1).lower()
        part = "Annex I" if word.startswith("annex") else ("Part II" if re.search(r"ii|2|two", word) else "Part I")
        return view.part_heads.get(part)
    return _titled(ctx, query)


def _titled(ctx: PlanContext, query: str) -> Clause | None:
    """A subsection named by its subject ("Brazil's draft opinion" → "3.3 New Draft Opinion (contribution
    from Brazil)"): its rarest title word and at least one more are in the question."""
    words = set(tokenize(query))
    best, best_share = None, 0.0
    numbered = {c.id for c in ctx.view.group_heads.values()}  # named by number, not by "working groups"
    for clause in ctx.view.clauses:
        if clause.kind != "heading" or clause.part == "Part II" or clause.parent is None or clause.id in numbered:
            continue
        title = [t for t in dict.fromkeys(tokenize(clause.text)) if not t.isdigit()]
        if len(title) < 2:
            continue
        rarest = max(title, key=ctx.composer.idf)
        # "brazilian" names what the title's "Brazil" does
        shared = [t for t in title if t in words or (len(t) >= 5 and any(w.startswith(t) for w in words))]
        share = sum(ctx.composer.idf(t) for t in shared) / sum(ctx.composer.idf(t) for t in title)
        if rarest in shared and len(shared) >= 2 and share > best_share:
            best, best_share = clause, share
    return best if best_share >= TITLE_SHARE else None


def compose_overview(ctx: PlanContext, query: str, hits: list[Hit], places) -> Draft | None:
    if places.opinions and (places.groups or DEBATE_WORDS.search(query)):
        debate = compose_debate(ctx, query, places)
        if debate is not None:
            debate.anchored = True
            return debate
    heads = [ctx.view.opinion_heads[n] for n in places.opinions if n in ctx.view.opinion_heads]
    if len(heads) >= 2 and not places.groups:
        draft = _opinions(ctx, heads)
        draft.anchored = True
        return draft
    place = place_for(ctx, places, hits, query)
    if place is None and not places.count and _WHOLE.search(query) and not _names_a_topic(ctx, query):
        report = _report(ctx, query)
        if report is not None:
            report.anchored = True
            return report
    if place is None:
        return _topic(ctx, query, hits)
    draft = _of_place(ctx, place, query)
    if draft is not None:
        draft.anchored = True
    return draft


def _of_place(ctx: PlanContext, place: Clause, query: str) -> Draft | None:
    if place.part == "Part II" and place.opinion is not None:
        return _opinion_on_topic(ctx, place, query) or _opinion(ctx, place)
    if place.part == "Annex I" and ctx.view.group_heads.get(place.working_group) is place:
        return _group(ctx, place, query)
    if place.parent is None and place.part == "Annex I":
        return _annex(ctx)
    if place.parent is None:
        return _part(ctx, place, query)
    return _subsection(ctx, place)


_ASKS_TO_DO = re.compile(r"\b(?:ask|asks|asking|asked|want|wants|wanting)\b.{0,40}\bto\s+do\b", re.I)


def _opinion_on_topic(ctx: PlanContext, head: Clause, query: str) -> Draft | None:
    """"sum up what op4 says about legacy space and the transfer market": the Opinion's clauses on that topic, in
    its order, under its title, rather than a line for each of its sections. The topic is what the question's own
    words add to the Opinion's title and to asking for a summary, where the Opinion uses them."""
    own = own_words(query)
    if _ASKS_OPERATIVE.search(own) or _ASKS_TO_DO.search(own):
        return None  # "what's opinion 2 basically asking countries to do" asks for all it asks
    view = ctx.view
    clauses = [c for c in view.descendants(head.id) if c.kind != "heading"]
    used = {t for c in clauses for t in tokenize(c.text)}
    title = view.first_unit(head)
    asked = set(tokenize(OVERVIEW_WORDING.sub(" ", own)))
    topic = {t for t in asked - set(tokenize(title.text if title else "")) - _ALL_ASKED if not t.isdigit() and t in used}
    if not topic:
        return None
    units = [u for u in ctx.top_units(query, clauses, TOPIC_SENTENCES) if topic & set(tokenize(u.text))]
    if len(units) < 2:
        return None
    draft = ctx.draft()
    draft.lead = _title_line(ctx, draft, head)
    framed: set[str] = set()
    for unit in units:
        if not draft.overlaps(unit):
            draft.bullets += ctx.lines(draft, unit, framed, nested=True)
    return draft


def _subsection(ctx: PlanContext, head: Clause) -> Draft | None:
    """A subsection from start to finish: each paragraph's opening, and every decision stated."""
    view = ctx.view
    paragraphs = [c for c in view.descendants(head.id) if c.kind == "paragraph"]
    picked: list[Unit] = []
    for clause in paragraphs:
        units = view.units(clause)
        picked += [u for i, u in enumerate(units) if i == 0 or DECISION.search(u.text)]
    if not picked:
        return None
    # the story's end (what was decided) is told whatever its length; the openings fill the rest of the room
    decided = [u for u in picked if DECISION.search(u.text)][-MAX_OPERATIVE // 2 :]
    openings = [u for u in picked if u not in decided][: max(0, MAX_OPERATIVE - len(decided))]
    draft = ctx.draft()
    framed: set[str] = set()
    lines = [ctx.line(draft, u, framed) for u in picked if u in decided or u in openings]
    draft.lead, draft.bullets = lines[0], lines[1:]
    return draft


def _opinions(ctx: PlanContext, heads: list[Clause]) -> Draft:
    """Several Opinions named together ("what are opinions 5 and 6 about"): each one's title, and under it what
    it concludes and asks, in a share of the room one Opinion alone has."""
    draft = ctx.draft()
    draft.lead = f"Opinions {', '.join(str(h.opinion) for h in heads[:-1])} and {heads[-1].opinion}, each in brief:"
    for head in heads:
        draft.bullets.append(_title_line(ctx, draft, head))
        room = max(MIN_OPERATIVE_SHARE, MAX_OPERATIVE // len(heads))
        lines = opinion_lines(ctx, draft, head, room, preamble=False)
        draft.bullets += [f"  - {line.removeprefix('  - ')}" for line in lines]
    return draft


def _title_line(ctx: PlanContext, draft: Draft, head: Clause) -> str:
    """An Opinion's title, quoted, as a line of its own."""
    title = ctx.view.first_unit(head)
    return f"{clean_sentence(title.text)} {draft.cite(title)}" if title else f"Opinion {head.opinion}:"


# "what is opinion 3 called", "the title of opinion 5", "opinion 2 title?": the title alone; but "the title of the
# report that op2 takes note of" is another text's
_ASKS_TITLE = re.compile(r"\b(?:titles?|titled|entitled|called|named)\b|\bname\s+of\b", re.I)
_ANOTHER_TEXT = re.compile(r"\b(?:reports?|resolutions?|stud(?:y|ies)|documents?|declarations?|agenda|guidelines?)\b", re.I)


def asks_title(question: str) -> bool:
    own = own_words(question)
    return _ASKS_TITLE.search(own) is not None and _ANOTHER_TEXT.search(own) is None


def compose_titles(ctx: PlanContext, numbers: tuple[int, ...]) -> Draft | None:
    """Each Opinion named, by its title."""
    heads = [ctx.view.opinion_heads[n] for n in numbers if n in ctx.view.opinion_heads]
    if not heads:
        return None
    draft = ctx.draft()
    lines = [_title_line(ctx, draft, head) for head in heads]
    draft.lead, draft.bullets = lines[0], lines[1:]
    return draft


def _opinion(ctx: PlanContext, head: Clause, preamble: bool = True) -> Draft:
    """What the Opinion concludes and asks (its operative sections, each given a share of the room) first,
    then (with `preamble`) one line per preamble section: the gist of an Opinion is what it says, not what it
    recalls."""
    draft = ctx.draft()
    draft.lead = _title_line(ctx, draft, head)
    draft.bullets += opinion_lines(ctx, draft, head, MAX_OPERATIVE, preamble=preamble)
    return draft


# "what does opinion 4 recommend", "what does it want", "what does opinion 3 say should happen": what an Opinion
# concludes and asks is in its operative sections, which never use these words ("recommended" is the Working Group 2
# report's word for not reopening a debate)
_ASKS_OPERATIVE = re.compile(
    r"\b(?:recommend\w*|wants?|wanted|advocat\w*|calls?\s+for|called\s+for|says?\s+should|thinks?\s+should|"
    r"should\s+(?:happen|be\s+done))\b",
    re.I,
)
# "what are the main recommendations of opinion 3" asks for them all; "what does opinion 4 want done about old
# address space", or "… about them", for the clause on that topic, which the fact plan finds
_ABOUT_SOMETHING = re.compile(r"\b(?:about|on|regarding|concerning|with)\s+(?:it|them|this|that|these|those)\b", re.I)
_ALL_ASKED = frozenset(tokenize("opinion op draft recommend recommendations advocate call calls main key overall all"))


def compose_operative(ctx: PlanContext, number: int, question: str) -> Draft | None:
    """An Opinion's title, then what it concludes and asks (its operative sections), when the question asks what
    it recommends or wants, and all of it rather than about a topic."""
    if not _ASKS_OPERATIVE.search(question) or _ABOUT_SOMETHING.search(question):
        return None
    head = ctx.view.opinion_heads.get(number)
    title = ctx.view.first_unit(head) if head is not None else None
    if title is None or set(tokenize(question)) - set(tokenize(title.text)) - _ALL_ASKED:
        return None
    draft = _opinion(ctx, head, preamble=False)
    return draft if draft.bullets else None


def opinion_lines(ctx: PlanContext, draft: Draft, head: Clause, room: int, preamble: bool) -> list[str]:
    """An Opinion's operative clauses, each operative section given a share of `room`, then (with `preamble`) one
    line per preamble section."""
    view = ctx.view
    lines: list[str] = []
    sections = []
    for section in (c for c in view.children.get(head.id, []) if c.kind == "heading"):
        items = view.items(section) or [u for c in view.children.get(section.id, []) for u in view.units(c)[:1]]
        if items:
            sections.append((section, items))
    operative = [(s, items) for s, items in sections if OPERATIVE.match(s.section or "")]
    share = max(MIN_OPERATIVE_SHARE, room // max(1, len(operative)))
    for section, items in operative:
        nested = False  # the items after a lead-in ("… to work in a collaborative manner to:") are its sub-bullets
        for unit in items[:share]:
            if nested:
                lines.append(f"  - {clean_sentence(unit.text)} {draft.cite(unit)}")
                continue
            lines.append(f"It {section_phrase(section.section)} {clean_sentence(unit.text)} {draft.cite(unit)}")
            nested = unit.text.rstrip().endswith(":")
        if len(items) > share:
            lines[-1] = lines[-1].replace(" [", f" (and {len(items) - share} more) [", 1)
    for section, items in sections if preamble else ():
        if OPERATIVE.match(section.section or ""):
            continue  # told above
        first = items[0]
        more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
        lines.append(f"It {section_phrase(section.section)} {clean_sentence(first.text)}{more} {draft.cite(first)}")
    return lines


_THANKS = re.compile(r"^\W*(?:the\s+)?(?:chair\w*|working group|delegates?)\b[^.]{0,40}\bthank", re.I)


def _proposed(units: list[Unit], decision: Unit) -> list[Unit]:
    """The sentence telling who proposed the change a decision adopts: "… endorsed Draft Opinion 2 with the
    addition of the word “relevant”" was "Turkey’s contribution proposed the addition of the word “relevant” …"."""
    for quoted in re.findall(r"“([^”]{2,60})”", decision.text):
        for unit in units:
            if unit.start < decision.start and f"“{quoted}”" in unit.text and _PROPOSED.search(unit.text):
                return [unit]
    return []


_PROPOSED = re.compile(r"\b(?:propos\w*|suggest\w*|amendment)\b", re.I)


def _closing(ctx: PlanContext, paragraphs: list[Clause], draft: Draft) -> list[Unit]:
    """The first sentence the group's report tells after the last one quoted, unless it only gives thanks, with the
    next when that one draws its consequence."""
    if not draft.used:
        return []
    last = max(u.end for u in draft.used)
    after = [u for c in paragraphs for u in ctx.view.units(c) if u.start >= last]
    if not after or _THANKS.match(after[0].text):
        return []
    # "… concluded in one Session …" and what it drew from that: "Working Group 1 therefore allocated its second
    # scheduled working session … to the use of Working Group 2"
    drawn = after[1:2] if len(after) > 1 and after[1].clause_id == after[0].clause_id and _DRAWN.search(after[1].text) else []
    return [after[0], *drawn]


# a sentence that draws its consequence from the one before it, its connective among its first words
_DRAWN = re.compile(r"^\W*(?:[\w’'-]+\s+){0,5}?(?:thus|therefore|consequently|hence|accordingly)\b", re.I)


def _group(ctx: PlanContext, head: Clause, query: str) -> Draft:
    view = ctx.view
    draft = ctx.draft()
    below = view.descendants(head.id)
    paragraphs = [c for c in below if c.kind == "paragraph"]
    if paragraphs:
        opening = view.first_unit(paragraphs[0])
        if opening is not None:
            draft.lead = f"According to {ctx.name(head)}, {_lower_first(clean_sentence(opening.text))} {draft.cite(opening)}"
    subsections = [c for c in view.children.get(head.id, []) if c.kind == "heading"]
    for sub in subsections:
        units = [u for c in view.descendants(sub.id) if c.kind != "heading" for u in view.units(c)]
        outcome = [u for u in units if DECISION.search(u.text)] or [u for u in units if OUTCOME.search(u.text)]
        # the decision about an Opinion ("… endorsed Draft Opinion 2 with …"), not one about the meeting
        named = [u for u in outcome if re.search(r"\bopinions?\s+\d", u.text, re.I)]
        pick = (named or outcome)[-1] if outcome else (units[0] if units else None)
        if pick is not None:
            # the change it adopts comes with who proposed it
            said = _proposed(units, pick) + _with_what_it_settles(view, pick)
            told = " ".join(f"{clean_sentence(u.text)} {draft.cite(u)}" for u in said)
            draft.bullets.append(f"{sub.text.strip()}: {told}")
    if not subsections:
        units = [u for c in paragraphs[1:] for u in view.units(c)]
        decided = [u for u in units if DECISION.search(u.text)] or [u for u in units if OUTCOME.search(u.text)]
        for unit in decided[:4]:
            draft.bullets.append(" ".join(f"{clean_sentence(u.text)} {draft.cite(u)}" for u in _with_what_it_settles(view, unit)))
    closing = _closing(ctx, paragraphs, draft)
    if closing:
        # "… the discussions were concluded in one Session …", "After the approval of these two opinions, APNIC
        # …": what the report tells after its last decision, before the thanks and the signature
        cited = "".join(dict.fromkeys(draft.cite(u) for u in closing))  # one clause, one citation
        draft.bullets.append(f"Then: {' '.join(clean_sentence(u.text) for u in closing)} {cited}")
    signature = next((c for c in below if c.kind == "signature"), None)
    if signature is not None and view.first_unit(signature) is not None:
        unit = view.first_unit(signature)
        draft.bullets.append(f"Signed: {clean_sentence(unit.text)} {draft.cite(unit)}")
    if not draft.lead:
        draft.lead = f"{ctx.name(head)[:1].upper()}{ctx.name(head)[1:]}:"
    return draft


_CONSEQUENCE = re.compile(r"^\W*(?:thus|therefore|consequently|as a result|accordingly|hence)\b", re.I)


def _with_what_it_settles(view, decision: Unit) -> list[Unit]:
    """A decision, after the sentence its paragraph opened with when it opens on a consequence: "Thus WG2 agreed to
    keep Opinions 3 and 4 separate" settles "The delegate of Turkey presented their proposal to merge …"."""
    units = view.units(view.by_id[decision.clause_id])
    if _CONSEQUENCE.match(decision.text) and units and units[0] != decision:
        return [units[0], decision]
    return [decision]


def compose_debate(ctx: PlanContext, query: str, places) -> Draft | None:
    """How an Opinion was debated: the Working Group report's sentences about it, closest first kept, told
    in order."""
    view = ctx.view
    clauses = [
        c for c in view.clauses
        if c.part == "Annex I" and c.kind == "paragraph" and about_opinions(c, places.opinions, view)
        and (not places.groups or c.working_group in places.groups)
    ]
    # the subsection about the Opinion, when the report has one, rather than paragraphs naming it in passing
    inside = [c for c in clauses if view.by_id.get(c.parent or "") is not None
              and view.by_id[c.parent].kind == "heading" and about_opinions(view.by_id[c.parent], places.opinions)]
    told = inside or clauses
    # what was decided always ends the story ("Thus WG2 agreed to keep Opinions 3 and 4 separate", "WG2 endorsed
    # Opinion 3 in its unaltered form"); the sentences closest to the question fill the rest of the room
    decided = list(dict.fromkeys(s for c in told for u in view.units(c) if DECISION.search(u.text)
                                 for s in _with_what_it_settles(view, u)))[-MAX_OPERATIVE // 2:]
    closest = ctx.top_units(query, told, MAX_OPERATIVE)
    units = decided + [u for u in closest if u not in decided][: max(0, MAX_OPERATIVE - len(decided))]
    return ctx.tell(sorted(units, key=lambda u: u.start)) if units else None


# "the main takeaways of the whole report", "summarize the forum": the document as a whole
_WHOLE = re.compile(
    r"\b(?:whole|entire|full|overall)\s+(?:report|document|thing|forum|event)\b|"
    r"\b(?:the|this)\s+(?:report|forum|wtpf(?:[\s-]*(?:13|2013))?|policy forum|document|event)\s*[?.!]*$|"
    r"^\W*(?:summari[sz]e|overview|gist|recap)\W*$",
    re.I,
)
REPORT_PART_SENTENCES = 3
_NOT_ADOPTED = re.compile(r"\bnot (?:be )?(?:endorsed|adopted)\b", re.I)  # Part I's most central sentences in a whole-report overview


def _report(ctx: PlanContext, query: str) -> Draft | None:
    """The whole report, part by part: the narrative's main points, what was adopted, what each group decided."""
    view = ctx.view
    draft = ctx.draft()
    draft.lead = "The report, part by part:"
    for name, head in view.part_heads.items():
        children = view.children.get(head.id, [])
        if head.part == "Annex I":
            draft.bullets.append(f"**{name}**: what each Working Group decided")

            for number in sorted(view.group_heads):
                group = view.group_heads[number]
                rejected = [u for c in view.descendants(group.id) if c.kind == "paragraph"
                            for u in view.units(c) if _NOT_ADOPTED.search(u.text)]
                for unit in sorted(group_decisions(ctx, group) + rejected[:1], key=lambda u: u.start):
                    draft.bullets.append(f"  - {clean_sentence(unit.text)} {draft.cite(unit)}")
        elif children and all(c.kind == "heading" and c.opinion is not None for c in children):
            draft.bullets.append(f"**{name}**: the {len(children)} Opinions adopted")
            for child in children:
                title = view.first_unit(child)
                if title is not None:
                    draft.bullets.append(f"  - {clean_sentence(title.text)} {draft.cite(title)}")
        else:
            part = _part(ctx, head, query, sentences=REPORT_PART_SENTENCES)
            if part is None:
                continue
            draft.bullets.append(f"**{name}**: its main points")
            for unit in part.used:
                if not draft.overlaps(unit):
                    draft.bullets.append(f"  - {clean_sentence(unit.text)} {draft.cite(unit)}")
    return draft if draft.bullets else None


def _annex(ctx: PlanContext) -> Draft:
    view = ctx.view
    draft = ctx.draft()
    draft.lead = "Annex I holds one report per Working Group:"
    for number in sorted(view.group_heads):
        head = view.group_heads[number]
        title = view.first_unit(head)
        paragraphs = [c for c in view.descendants(head.id) if c.kind == "paragraph"]
        unit = view.first_unit(paragraphs[0]) if paragraphs else None
        line = f"{clean_sentence(title.text)} {draft.cite(title)}" if title is not None else f"Working Group {number}:"
        if unit is None:
            draft.bullets.append(line)
            continue
        # "Working Group 2 met on 15 May … to discuss two draft opinions:" comes with the opinions it lists
        first, *items = ctx.lines(draft, unit, {source_name(paragraphs[0])}, nested=True)
        draft.bullets += [f"{line} {first}", *items]
    return draft


_HELD = re.compile(r"\b(?:was|were)\s+held\b|\btook\s+place\b", re.I)
_DAYS = re.compile(
    r"\b\d{1,2}\s*[-–]\s*\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+(?:19|20)\d\d\b"
)


def _part(ctx: PlanContext, head: Clause, query: str, sentences: int = 0) -> Draft | None:
    """A narrative part: its most central sentences (closest to the part as a whole), in order."""
    view = ctx.view
    clauses = [c for c in view.descendants(head.id) if c.kind == "paragraph"]
    units = [u for c in clauses for u in view.units(c)[:1] if len(u.text) >= 40]
    vectors = [ctx.composer.vectors.unit_vector(u) if ctx.composer.vectors is not None else None for u in units]
    if not units or any(v is None for v in vectors):
        return _topic(ctx, query, hits=[])
    matrix = np.stack(vectors)
    centrality = matrix @ matrix.mean(axis=0)
    # cover the whole part: its paragraphs in PART_SENTENCES runs, the most central opening of each
    runs = np.array_split(np.arange(len(units)), min(sentences or PART_SENTENCES, len(units)))
    # the sentence that says when and where the event was held ("… was held at the CICG in Geneva, Switzerland,
    # from 14-16 May 2013") is the one an overview cannot leave out, however little it shares with the rest
    held = next((i for i, u in enumerate(units) if _HELD.search(u.text) and _DAYS.search(u.text)), None)
    order = [held if held in run else int(run[np.argmax(centrality[run])]) for run in runs if len(run)]
    draft = ctx.draft()
    draft.lead = f"The main points of {head.part}:"
    framed = {source_name(head)}  # the lead names the part; its sentences speak for themselves
    for i in sorted(order):
        draft.bullets += ctx.lines(draft, units[i], framed, nested=True, max_items=MAX_PART_ITEMS)
        if i == held:
            # the paragraph saying when and where it was held goes on to who came and who chaired: an event's
            # overview tells it whole
            rest = view.units(view.by_id[units[i].clause_id])[1:HELD_SENTENCES]
            draft.bullets += [line for u in rest for line in ctx.lines(draft, u, framed, nested=True)]
    return draft


def _topic(ctx: PlanContext, query: str, hits: list[Hit]) -> Draft | None:
    """No place named: the paragraph that speaks of the topic, read from its start, then the closest
    sentences elsewhere."""
    # "what was session 2 about": the paragraph with the sentence naming the numbered thing asked about
    labels = numbered_labels(own_words(query))
    best = [u for h in hits[:8] for u in ctx.view.units(h.clause) if any(label.search(u.text) for label in labels)][:1]
    best = best or _introducing(ctx, own_words(query)) or ctx.top_units(query, [h.clause for h in hits[:8]], 1)
    if not best:
        return None
    home = ctx.view.by_id[best[0].clause_id]
    units = [u for u in ctx.view.units(home) if len(u.text) >= 25][:PARAGRAPH_SENTENCES]
    # a topic told over two paragraphs ("… preceded by a Strategic Dialogue …" / "… presented the outcomes of the
    # Strategic Dialogue …"): the neighbour that names the question's rarest word is read too, in order
    topic = _rarest_shared(ctx, query, home)
    siblings = ctx.view.children.get(home.parent or "", [])
    if topic and home in siblings:
        at = siblings.index(home)
        for neighbour in (siblings[at - 1] if at > 0 else None, siblings[at + 1] if at + 1 < len(siblings) else None):
            if neighbour is not None and neighbour.kind == "paragraph" and topic in tokenize(neighbour.text):
                more = [u for u in ctx.view.units(neighbour) if len(u.text) >= 25][:PARAGRAPH_SENTENCES]
                units = sorted(set(units) | set(more), key=lambda u: u.start)[: PARAGRAPH_SENTENCES + 3]
    if _AFTERWARDS.search(own_words(query)) and home in siblings:
        # "what happened in plenary once the working groups reported back": what the report tells next
        at = siblings.index(home)
        for later in siblings[at + 1:]:
            if later.kind == "heading" or len(units) >= TOPIC_SENTENCES:
                break
            if later.kind == "paragraph":
                told = [u for u in ctx.view.units(later) if len(u.text) >= 25]
                # a list's items come with the lead-in that introduces them, and take no room of their own
                ends = next((i for i, u in enumerate(told) if u.text.rstrip().endswith(":")), len(told))
                units += told[: ends + 1][: TOPIC_SENTENCES - len(units)]
    others = [h.clause for h in hits[:8] if h.clause.id != home.id and not ctx.view.is_opening(h.clause)]
    elsewhere = ctx.top_units(query, others, TOPIC_SENTENCES - len(units), min_share=0.6)
    return ctx.tell(units + [u for u in elsewhere if u not in units])


_AFTERWARDS = re.compile(r"\b(?:after|afterwards|once|following|then|next|final|closing|concluding|wrap(?:ped)? up)\b", re.I)


# a short name the question uses, maybe numbered: "ieg", "wtpf-13", "WTPF13"
_AFTER_THE_NAME = frozenset("report forum event meeting pls please plz thanks thx".split())
_SHORT_NAME = re.compile(r"\b([A-Za-z]{2,8})(?:-?(\d{1,4}))?\b")


def _introducing(ctx: PlanContext, question: str) -> list[Unit]:
    """The sentence where the report introduces a short name the question asks about, its long form followed by
    the name in brackets: "summarize the ieg" is about what "… convened an Informal Experts Group (IEG) …" tells,
    "what wtpf-13 was" about "The Fifth World Telecommunication/ICT Policy Forum (WTPF-13) was held …"."""
    for match in _SHORT_NAME.finditer(question):
        name = match.group(1) + (f"-{match.group(2)}" if match.group(2) else "")
        if match.group(1).lower() in STOPWORDS:
            continue
        # the name is what the question is about, not a word qualifying it: not "the prep process for wtpf-13 …
        # work", "the information documents from IEG members"
        after = re.findall(r"[a-z]+", question[match.end():].lower())
        if any(w not in STOPWORDS and w not in _AFTER_THE_NAME for w in after):
            continue
        # nor the place or time of what is asked about: "the strategic dialogue before wtpf13"
        if re.search(r"\b(?:before|after|ahead of|prior to|during|at|for|from)\s+(?:the\s+)?$", question[: match.start()], re.I):
            continue
        bracketed = re.compile(rf"\(\s*{re.escape(name)}\s*\)", re.I)
        for clause in ctx.view.clauses:
            if clause.kind != "heading" and bracketed.search(clause.text):
                return [u for u in ctx.view.units(clause) if bracketed.search(u.text)][:1]
    return []


def _names_a_topic(ctx: PlanContext, query: str) -> bool:
    """"summarise the strategic dialogue that happened before the forum": a word rare enough to name a topic,
    besides those that name the whole report, makes the question about that topic."""
    words = _WHOLE.sub(" ", OVERVIEW_WORDING.sub(" ", query))
    whole = set(tokenize("report document forum event wtpf policy world telecommunication ict"))
    return any(ctx.composer.idf(t) >= TOPIC_IDF for t in set(tokenize(words)) - whole
               if t in ctx.composer.vocabulary and not t.isdigit())


def _rarest_shared(ctx: PlanContext, query: str, clause: Clause) -> str | None:
    """The question's rarest word that the clause also uses, when it is rare enough to name a topic."""
    in_clause = set(tokenize(clause.text))
    # in the question's order, so that of words equally rare the first asked wins whatever the hash seed ("strategic
    # dialogue": both words are in the same clauses)
    rare = [t for t in dict.fromkeys(tokenize(query)) if t in in_clause and ctx.composer.idf(t) >= TOPIC_IDF]
    return max(rare, key=ctx.composer.idf) if rare else None


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first[1:].islower() and first.lower() in ("the", "a", "an", "in") else text
