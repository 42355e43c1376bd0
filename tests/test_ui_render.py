"""Render functions of the browser chat: escaping, exact highlights, anchors, structure."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from assistant.errors import InputError
from assistant.records import Answer, Citation, Clause, Filters, Footnote, Hit
from ui import render

pytestmark = pytest.mark.unit

XSS = "<img src=x onerror=alert(1)>"

SOURCE = (
    "PART I\n"
    "· The Forum met in Geneva.[footnoteRef:1] It adopted <six> opinions & a report. [1:  \tSee the\n"
    "website <b>here</b> ] \n"
    "PART II\n"
    "OPINION 4: In support of IPv6\n"
    "recognizing\n"
    "1. that IPv4 addresses are running out;\n"
    "1. that a transition to IPv6 is urgent, as recognizing (a) shows;\n"
)


def _span(text: str, start_at: int = 0) -> tuple[int, int]:
    start = SOURCE.index(text, start_at)
    return start, start + len(text)


def _clause(cid: str, text_in_source: str, **kw) -> Clause:
    start, end = _span(text_in_source)
    defaults = dict(
        id=cid, label=cid, text=" ".join(text_in_source.split()), start=start, end=end, kind="clause", part="Part II"
    )
    defaults.update(kw)
    return Clause(**defaults)


PART1 = _clause("part-1", "PART I", kind="heading", part="Part I", label="Part I")
P1 = _clause(
    "part-1/p1",
    SOURCE[SOURCE.index("· The Forum") : SOURCE.index("PART II")],
    part="Part I",
    label="Part I › ¶1",
    kind="paragraph",
    parent="part-1",
    heading="Part I",
    footnotes=(Footnote(1, "See the website <b>here</b>"),),
)
PART2 = _clause("part-2", "PART II", kind="heading", label="Part II")
OP4 = _clause(
    "opinion-4", "OPINION 4: In support of IPv6", kind="heading", opinion=4, opinion_title="In support of IPv6",
    label="Opinion 4", parent="part-2",
)
REC = _clause(
    "opinion-4/recognizing", "recognizing", kind="heading", opinion=4, parent="opinion-4", label="Opinion 4 › recognizing"
)
REC_A = _clause(
    "opinion-4/recognizing/a",
    "1. that IPv4 addresses are running out;",
    opinion=4,
    parent="opinion-4/recognizing",
    label="Opinion 4 › recognizing (a)",
    heading="Opinion 4: In support of IPv6 › recognizing",
    section="recognizing",
)
REC_B = _clause(
    "opinion-4/recognizing/b",
    "1. that a transition to IPv6 is urgent, as recognizing (a) shows;",
    opinion=4,
    parent="opinion-4/recognizing",
    label="Opinion 4 › recognizing (b)",
    heading="Opinion 4: In support of IPv6 › recognizing",
    section="recognizing",
    refs=("opinion-4/recognizing/a", "opinion-9/missing"),
)
CLAUSES = [PART1, P1, PART2, OP4, REC, REC_A, REC_B]
BY_ID = {c.id: c for c in CLAUSES}


def marked_texts(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", html, flags=re.S)]


def visible_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def citation(n: int, clause: Clause, quote: str) -> Citation:
    start = SOURCE.index(quote, clause.start)
    return Citation(n=n, clause_id=clause.id, label=clause.label, quote=quote, start=start, end=start + len(quote))


class TagCollector(HTMLParser):
    """Every start tag with its attributes, to check structure without a browser."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


# ---------------------------------------------------------------- spans and highlights


def test_span_marks_exactly_the_quote_and_escapes_corpus_text():
    quote = "It adopted <six> opinions & a report."
    start, end = _span(quote)
    html = render.render_span(SOURCE, P1.start, P1.end, [(start, end)])
    assert marked_texts(html) == [quote]
    assert "<six>" not in html and "&lt;six&gt;" in html
    assert "footnoteRef" not in html and "See the" not in html and "<b>" not in html
    assert visible_text(html) == "· The Forum met in Geneva. It adopted <six> opinions & a report."


def test_span_mark_across_a_footnote_marker_drops_only_the_marker():
    quote = "Geneva.[footnoteRef:1] It adopted"
    start, end = _span(quote)
    html = render.render_span(SOURCE, P1.start, P1.end, [(start, end)])
    assert marked_texts(html) == ["Geneva. It adopted"]


def test_span_clips_marks_to_the_clause_and_merges_overlaps():
    a_start, a_end = _span("IPv4 addresses")
    html = render.render_span(SOURCE, REC_A.start, REC_A.end, [(a_start - 50, a_start + 4), (a_start + 2, a_end)])
    assert marked_texts(html) == ["1. that IPv4 addresses"]
    outside = render.render_span(SOURCE, REC_A.start, REC_A.end, [(0, 5)])
    assert "<mark>" not in outside and visible_text(outside) == "1. that IPv4 addresses are running out;"


def test_span_of_nothing_is_empty():
    assert render.render_span(SOURCE, 10, 10) == ""
    assert render.render_span(SOURCE, 10, 5) == ""
    assert render.render_span("", 0, 3, [(0, 1)]) == ""
    assert render.span_pieces("   \n  ", 0, 6) == []


def test_merge_ranges():
    assert render.merge_ranges([]) == []
    assert render.merge_ranges([(5, 5), (3, 1)]) == []
    assert render.merge_ranges([(4, 8), (1, 3), (2, 5), (10, 12), (12, 13)]) == [(1, 8), (10, 13)]


def test_anchor_ids_keep_clause_paths_and_drop_unsafe_characters():
    assert render.anchor_id("opinion-4/recognizing/g") == "clause-opinion-4/recognizing/g"
    assert render.anchor_id('a b"<x>') == "clause-a-b--x-"
    assert render.clause_href("annex-1/wg-2/p4") == "?clause=annex-1/wg-2/p4#clause-annex-1/wg-2/p4"
    assert render.clause_href("a&b c") == "?clause=a%26b%20c#clause-a-b-c"


# ---------------------------------------------------------------- chat messages


def test_question_is_shown_as_text_never_as_markup():
    html = render.render_question(XSS)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert visible_text(html) == XSS


def test_huge_question_is_shortened_for_display():
    html = render.render_question("word " * 2000, max_chars=100)
    assert len(visible_text(html)) < 200 and "10,000 characters" in html


def test_answer_markers_link_to_their_clauses():
    quote_a = "that IPv4 addresses are running out;"
    quote_b = "that a transition to IPv6 is urgent"
    answer = Answer(
        question="What does Opinion 4 recognize?",
        answer="IPv4 is running out[footnoteRef:3] [1]. Transition is urgent <now> [2]. Unknown [7].",
        rewritten_query="What does Opinion 4 recognize?",
        citations=(citation(1, REC_A, quote_a), citation(2, REC_B, quote_b)),
    )
    html = render.render_answer(answer)
    links = [attrs for tag, attrs in tags(html) if tag == "a"]
    assert [a["data-clause"] for a in links] == ["opinion-4/recognizing/a", "opinion-4/recognizing/b"]
    assert all(a["class"] == "cite" and a["href"].startswith("?clause=") for a in links)
    assert "[7]" in visible_text(html) and "&lt;now&gt;" in html and "<now>" not in html
    assert "footnoteRef" not in html and "running out [1]" in visible_text(html)
    assert "rewritten" not in html  # same as the question
    assert "\n\n" not in html


def test_a_rewritten_follow_up_shows_its_reading_and_a_way_to_ask_it_alone():
    answer = Answer(question="And its vice-chair?", answer="x", read_as=f"vice-chair of Working Group 2 {XSS}")
    html = render.render_answer(answer)
    assert 'class="read-as"' in html and "Read as: “vice-chair of Working Group 2" in visible_text(html)
    assert "<img" not in html
    buttons = [a for t, a in tags(html) if t == "button"]
    assert [b["data-action"] for b in buttons] == ["standalone"]
    assert "Ask it on its own instead" in visible_text(html)
    # Nothing rewritten, nothing shown, even when the search query differs from the question.
    plain = render.render_answer(Answer(question="q", answer="x", rewritten_query="q expanded"))
    assert "read-as" not in plain and "Read as" not in plain and "standalone" not in plain


def test_every_answer_names_its_scope():
    answer = Answer(question="q", answer="Yes [1].", citations=(citation(1, REC_A, "IPv4"),))
    assert "Searched in the whole report" in visible_text(render.render_answer(answer))
    assert "Searched in the whole report" in visible_text(render.render_answer(answer, "Whole report"))
    assert "Searched in Opinion 4" in visible_text(render.render_answer(answer, "Opinion 4"))
    assert "Searched in &lt;b&gt;" in render.render_answer(answer, "<b>")


def test_a_scoped_abstention_says_not_found_there_and_offers_the_whole_report():
    answer = Answer(
        question="Who chaired Working Group 2?", answer="The report does not address this question.",
        abstained=True, related=(Hit(REC_A, 0.2),),
    )
    html = render.render_answer(answer, "Opinion 3")
    text = visible_text(html)
    assert "Not found in Opinion 3." in text and "does not address" not in text
    assert "Closest clauses in Opinion 3:" in text
    assert [a["data-action"] for t, a in tags(html) if t == "button"] == ["widen"]
    assert "Search the whole report" in text
    whole = render.render_answer(answer, "Whole report")
    assert "does not address" in visible_text(whole) and "widen" not in whole


def test_a_question_in_another_language_gets_only_the_english_message():
    from assistant.query.language import NOT_ENGLISH, not_english_answer

    html = render.render_answer(not_english_answer("Qui a présidé ?"), "Opinion 3")
    assert visible_text(html) == NOT_ENGLISH and "widen" not in html and "scope" not in html


def test_a_turn_has_sources_under_the_answer_and_its_tools():
    answer = Answer(question="q", answer="Out [1]. Urgent [2].",
                    citations=(citation(1, REC_A, "IPv4"), citation(2, REC_B, "urgent")))
    html = render.render_turn(SOURCE, answer, BY_ID.get, "Opinion 4", "wtpf.txt")
    assert html.startswith(render.render_answer(answer, "Opinion 4"))
    assert "<summary>Sources (2)</summary>" in html and html.count('class="source-card"') == 2
    actions = [a["data-action"] for t, a in tags(html) if t == "button" and "data-action" in a]
    assert actions == ["copy", "save", "bad"]
    abstained = render.render_turn(SOURCE, Answer(question="q", answer="no", abstained=True,
                                                  related=(Hit(REC_A, 0.1),)), BY_ID.get)
    assert "turn-sources" not in abstained and "related" in abstained


def test_answer_markdown_has_the_question_scope_answer_and_each_citation_with_its_quote():
    quote = "that IPv4 addresses[footnoteRef:1] are\nrunning out"
    c = Citation(n=1, clause_id=REC_A.id, label=REC_A.label, quote=quote, start=0, end=len(quote))
    answer = Answer(question="What runs out?", answer="IPv4 addresses run out[footnoteRef:2] [1].",
                    citations=(c,), read_as="What runs out in Opinion 4?")
    md = render.answer_markdown(answer, "Opinion 4", "wtpf.txt")
    assert md.splitlines() == [
        "**Q:** What runs out?", "", "*Read as:* What runs out in Opinion 4?", "", "*Searched in Opinion 4*", "",
        "IPv4 addresses run out [1].", "",
        "[1] wtpf.txt, Opinion 4 › recognizing (a): “that IPv4 addresses are running out”",
    ]
    scoped = render.answer_markdown(Answer(question="q", answer="no", abstained=True, related=(Hit(REC_A, 0.1),)),
                                    "Opinion 3")
    assert "Not found in Opinion 3." in scoped and "- Opinion 4 › recognizing (a)" in scoped


def test_abstention_lists_related_clauses():
    answer = Answer(
        question="What is the capital of Australia?",
        answer="The report does not address this question.",
        abstained=True,
        related=(Hit(REC_A, 0.2), Hit(P1, 0.1)),
        notice=f"backend {XSS} unreachable",
    )
    html = render.render_answer(answer)
    assert "abstained" in html
    assert [a["data-clause"] for t, a in tags(html) if t == "a"] == ["opinion-4/recognizing/a", "part-1/p1"]
    assert "Opinion 4 › recognizing (a)" in visible_text(html)
    assert "<img" not in html


def test_error_message_is_escaped():
    html = render.render_message(f"bad {XSS}")
    assert "<img" not in html and XSS in visible_text(html)


# ---------------------------------------------------------------- sources panel


def test_sources_show_label_copy_string_heading_highlight_footnotes_and_refs():
    quote = "that a transition to IPv6 is urgent"
    answer = Answer(question="q", answer="Urgent [1].", citations=(citation(1, REC_B, quote),))
    html = render.render_sources(SOURCE, answer, BY_ID.get, doc_title="report.txt")
    assert marked_texts(html) == [quote]
    assert "Opinion 4 › recognizing (b)" in html
    copy = [a["data-copy"] for t, a in tags(html) if "data-copy" in a]
    assert copy == ["report.txt, Opinion 4 › recognizing (b)"]
    assert "Opinion 4: In support of IPv6 › recognizing" in html  # heading path
    refs = re.search(r'<div class="refs">.*?</div>', html, flags=re.S).group(0)
    assert 'data-clause="opinion-4/recognizing/a"' in refs and "IPv4 addresses are running out" in refs
    assert "opinion-9/missing" in refs  # unresolved refs stay visible as text


def test_sources_show_each_cited_clause_once_with_all_its_quotes():
    a = citation(1, REC_A, "IPv4 addresses")
    b = citation(2, REC_B, "transition to IPv6")
    c = citation(3, REC_A, "running out")
    html = render.render_sources(SOURCE, Answer(question="q", answer="x [1] [2] [3]", citations=(a, b, c)), BY_ID.get)
    cards = [attrs for tag, attrs in tags(html) if attrs.get("class") == "source-card"]
    assert [(card["id"], card["data-clause"]) for card in cards] == [("source-1", REC_A.id), ("source-2", REC_B.id)]
    assert "[1] [3]" in visible_text(html)
    assert marked_texts(html) == ["IPv4 addresses", "running out", "transition to IPv6"]


def test_sources_show_escaped_footnotes():
    quote = "The Forum met in Geneva."
    answer = Answer(question="q", answer="It met [1].", citations=(citation(1, P1, quote),))
    html = render.render_sources(SOURCE, answer, BY_ID.get)
    assert 'class="footnotes"' in html and "See the website &lt;b&gt;here&lt;/b&gt;" in html
    assert marked_texts(html) == [quote]


def test_sources_of_an_abstention_are_its_related_clauses_without_marks():
    answer = Answer(question="q", answer="no", abstained=True, related=(Hit(REC_A, 0.3),))
    html = render.render_sources(SOURCE, answer, BY_ID.get)
    assert "does not address" in html and "IPv4 addresses are running out" in html and "<mark>" not in html


def test_sources_placeholder_and_unknown_clause():
    assert "appear here" in render.render_sources(SOURCE, None, BY_ID.get)
    ghost = Citation(n=1, clause_id="nope", label="Nope", quote="PART", start=0, end=4)
    html = render.render_sources(SOURCE, Answer(question="q", answer="x [1]", citations=(ghost,)), BY_ID.get)
    assert "No clauses to show" in html


# ---------------------------------------------------------------- report view


def test_report_has_one_anchor_per_clause_in_document_order():
    html = render.render_report(SOURCE, CLAUSES)
    ids = [a["id"] for t, a in tags(html) if a.get("class", "").startswith("clause ")]
    assert ids == [render.anchor_id(c.id) for c in CLAUSES]
    assert len(set(ids)) == len(ids)
    assert html.count('class="report-part"') == 2
    headings = [t for t, a in tags(html) if t in ("h2", "h3", "h4")]
    assert headings == ["h2", "h2", "h3", "h4"]  # PART I, PART II, OPINION 4, recognizing
    toc = re.search(r"<nav.*?</nav>", html, flags=re.S).group(0)
    assert [a["data-clause"] for t, a in tags(toc) if t == "a"] == ["part-1", "part-2", "opinion-4"]
    assert "Opinion 4: In support of IPv6" in visible_text(toc)
    assert "<six>" not in html and "&lt;six&gt;" in html and "footnoteRef" not in html


def test_report_marks_citations_and_targets_a_clause():
    quote = "IPv4 addresses are running out"
    start, end = _span(quote)
    html = render.render_report(SOURCE, CLAUSES, marks={REC_A.id: [(start, end)]}, target=REC_A.id)
    element = re.search(r'<div class="([^"]*)" id="clause-opinion-4/recognizing/a".*?</div>', html, flags=re.S)
    assert element and "targeted" in element.group(1) and "cited" in element.group(1)
    assert marked_texts(html) == [quote]
    assert html.count("targeted") == 1


def test_report_notice_is_escaped_and_empty_report_renders():
    html = render.render_report(SOURCE, CLAUSES, notice=f"No clause {XSS}")
    assert "<img" not in html and "No clause" in html
    assert "<section" not in render.render_report("", [])
    # A part that does not open with a heading clause still gets a heading and a contents entry.
    html = render.render_report(SOURCE, [P1, REC_A])
    assert [t for t, a in tags(html) if t == "h2"] == ["h2", "h2"]
    assert "Part I" in visible_text(html) and "Part II" in visible_text(html)


def test_table_rows_show_the_printed_row_and_its_reading():
    row = Clause(
        id="part-1/wg/wg-2", label="Part I › Working Group 2", text="Working Group 2: Chair Mr A (B)",
        start=0, end=6, kind="table-row", part="Part I",
    )
    html = render.render_clause_body("WG 2\tMr A (B)", row, [(0, 4)])
    assert marked_texts(html) == ["WG 2"] and 'class="row-reading"' in html and "Chair Mr A (B)" in html
    assert "row-reading" not in render.render_clause_body(SOURCE, REC_A)


def test_citation_marks_groups_by_clause():
    a = citation(1, REC_A, "IPv4")
    b = citation(2, REC_A, "running out")
    c = citation(3, REC_B, "urgent")
    marks = render.citation_marks([a, b, c])
    assert marks == {REC_A.id: [(a.start, a.end), (b.start, b.end)], REC_B.id: [(c.start, c.end)]}
    assert render.citation_marks([]) == {}


# ---------------------------------------------------------------- the real report


@pytest.fixture(scope="module")
def real_report():
    from assistant.report.parse import parse_report
    from assistant.report.read_report import read_report
    from assistant.settings import Settings

    source = read_report(Settings.from_env().corpus_path)
    return source, parse_report(source)


def test_real_report_renders_every_clause_once_without_footnote_text(real_report):
    source, clauses = real_report
    html = render.render_report(source, clauses)
    ids = [a["id"] for t, a in tags(html) if "data-clause-id" in a]
    assert ids == [render.anchor_id(c.id) for c in clauses] and len(set(ids)) == len(ids)
    assert "footnoteRef" not in html and not re.search(r"\[\d+:", html)
    for clause in clauses:
        if clause.kind != "table-row":  # rows print their cells; the clean text reads them as a sentence
            shown = " ".join(visible_text(render.render_span(source, clause.start, clause.end)).split())
            assert clause.text.split()[-1] in shown, clause.id


def test_real_quotes_are_marked_exactly_even_across_footnote_markers(real_report):
    source, clauses = real_report
    checked = 0
    for clause in clauses:
        raw = source[clause.start : clause.end]
        # Characters of footnote markers and bodies ([N: …], possibly over lines) are never shown.
        hidden = {
            clause.start + i
            for m in re.finditer(r"\[footnoteRef:\d+\]|\[\d+:[^\]]*\]", raw)
            for i in range(m.start(), m.end())
        }
        for match in re.finditer(r"\[footnoteRef:\d+\]", raw):
            start = max(clause.start, clause.start + match.start() - 25)
            end = min(clause.end, clause.start + match.end() + 25)
            html = render.render_span(source, clause.start, clause.end, [(start, end)])
            expected = "".join(source[i] for i in range(start, end) if i not in hidden)
            assert "".join(marked_texts(html)) == expected, clause.id
            assert "footnoteRef" not in expected
            checked += 1
        words = clause.text.split()
        quote = " ".join(words[: min(6, len(words))])
        at = source.find(quote, clause.start, clause.end)
        if at >= 0:
            html = render.render_span(source, clause.start, clause.end, [(at, at + len(quote))])
            assert marked_texts(html) == [quote], clause.id
            checked += 1
    assert checked > len(clauses) // 2


# ---------------------------------------------------------------- filters


def test_filter_choices_of_the_real_report(real_report):
    from ui.app import WHOLE_REPORT, filter_choices

    _, clauses = real_report
    expected = [WHOLE_REPORT, "Part I", *(f"Opinion {n}" for n in range(1, 7)), "Annex I"]
    assert filter_choices(clauses) == expected


def test_filter_choices_follow_the_report_structure():
    from ui.app import WHOLE_REPORT, filter_choices, parse_filter

    # Annex I discusses Opinion 4 but also has its own paragraphs: it stays one choice.
    annex = [
        _clause("annex-1", "PART II", part="Annex I", kind="heading"),
        _clause("annex-1/p1", "PART II", part="Annex I", kind="paragraph"),
        _clause("annex-1/wg-2/p1", "PART II", part="Annex I", kind="paragraph", opinion=4),
    ]
    choices = filter_choices(CLAUSES + annex)
    assert choices == [WHOLE_REPORT, "Part I", "Opinion 4", "Annex I"]
    assert filter_choices([]) == [WHOLE_REPORT]
    assert parse_filter(None, choices) is None
    assert parse_filter(" whole   REPORT ", choices) is None
    assert parse_filter("opinion 4", choices) == Filters(opinion=4)
    assert parse_filter("Annex I", choices) == Filters(part="Annex I")
    with pytest.raises(InputError, match="Opinion 9"):
        parse_filter("Opinion 9", choices)


# ---------------------------------------------------------------- list labels, the page


def test_list_items_show_their_reconstructed_label_instead_of_the_printed_marker():
    html = render.render_clause_body(SOURCE, REC_A)
    assert visible_text(html) == "(a) that IPv4 addresses are running out;"
    quote = "IPv4 addresses"
    start, end = _span(quote)
    assert marked_texts(render.render_clause_body(SOURCE, REC_A, [(start, end)])) == [quote]
    assert render.item_label(REC_B) == "(b)" and render.item_label(P1) == ""
    assert visible_text(render.render_clause_body(SOURCE, P1)).startswith("· The Forum")


def test_real_report_shows_lettered_labels_in_opinions_5_and_6(real_report):
    source, clauses = real_report
    items = [c for c in clauses if c.opinion in (5, 6) and render.item_label(c)]
    assert len(items) >= 20
    for clause in items:
        text = visible_text(render.render_clause_body(source, clause))
        assert text.startswith(render.item_label(clause) + " "), (clause.label, text[:30])
        assert not text.startswith("1.")


def test_marked_clauses_are_report_blocks_of_just_the_cited_clauses():
    quote = "IPv4 addresses"
    start, end = _span(quote)
    blocks = render.render_marked_clauses(SOURCE, CLAUSES, {REC_A.id: [(start, end)]})
    assert list(blocks) == [REC_A.id]
    assert f'id="{render.anchor_id(REC_A.id)}"' in blocks[REC_A.id] and "cited" in blocks[REC_A.id]
    assert marked_texts(blocks[REC_A.id]) == [quote]


def test_the_page_shell_has_labelled_controls_escaped_examples_and_the_report():
    report = render.render_report(SOURCE, CLAUSES)
    html = render.render_shell("<doc>.txt", ["Whole report", "Opinion 4"], [XSS, "Who?"], report)
    assert "<img" not in html.replace(report, "") and "&lt;doc&gt;.txt" in html
    found = tags(html)
    ids = {a.get("id") for _, a in found}
    for needed in ("transcript", "question-input", "scope", "ask", "notice", "report-pane", "report-view",
                   "export-md", "export-json", "clear", "save-dialog", "close-pane"):
        assert needed in ids, needed
    labels = {a["for"] for t, a in found if t == "label"}
    assert {"question-input", "scope", "save-note", "save-facts"} <= labels
    assert [a["value"] for t, a in found if t == "option"] == ["Whole report", "Opinion 4"]
    assert [a["data-question"] for t, a in found if t == "button" and "data-question" in a] == [XSS, "Who?"]
    assert all(a.get("type") in ("button", "submit") for t, a in found if t == "button")
    assert report in html


def test_answer_markdown_becomes_paragraphs_and_nested_lists_and_stays_escaped():
    from ui.render import markdown_blocks

    html = markdown_blocks("Lead [1]\n\n- **Opinion 3**: x\n  - y &lt;script&gt;\n- b\n\nafter")
    assert html == (
        "<p>Lead [1]</p><ul><li><strong>Opinion 3</strong>: x<ul><li>y &lt;script&gt;</li></ul></li>"
        "<li>b</li></ul><p>after</p>"
    )
    assert markdown_blocks("") == ""
