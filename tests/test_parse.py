"""Invariants of the parse on the real report (ids, spans, coverage) and the pure function's edge cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import ReportError
from assistant.report.parse import PARSER_VERSION, load_clauses, parse_report
from assistant.report.parse_generic import BULLET, FOOTNOTE_BODY, clean_text, non_content_spans
from assistant.records import Clause
from assistant.textnorm import count_tokens, fold_ws

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parent / "fixtures"
ITEM_MARKER = re.compile(r"^(?:\d{1,3}[.)]|\(?[a-z]{1,5}\)|\(\d{1,3}\)|[·•▪◦])\s*")


def test_ids_are_unique_and_parents_exist(clauses):
    ids = [c.id for c in clauses]
    assert len(ids) == len(set(ids))
    assert all(c.parent is None or c.parent in set(ids) for c in clauses)
    assert all(re.fullmatch(r"[a-z0-9./-]+", c.id) for c in clauses)


def test_spans_are_ordered_and_do_not_overlap(clauses, source):
    for a, b in zip(clauses, clauses[1:]):
        assert 0 <= a.start < a.end <= b.start <= len(source), (a.id, b.id)


def test_each_text_is_recoverable_from_its_span(clauses, source):
    for c in clauses:
        raw = source[c.start : c.end]
        if c.kind == "table-row":
            cells = [fold_ws(cell) for cell in raw.split("\n") if cell.strip()]
            assert c.text.startswith(cells[0] + ": ") and all(cell in c.text for cell in cells), c.id
            continue
        without_bodies = FOOTNOTE_BODY.sub(" ", raw)  # a body may span lines
        lines = [BULLET.sub("", clean_text(line)) for line in without_bodies.split("\n")]
        expected = fold_ws(" ".join(lines))
        if c.kind in ("clause", "sub-clause"):
            expected = ITEM_MARKER.sub("", expected, count=1)
        assert c.text == expected, c.id


def test_every_content_character_is_covered_exactly_once(clauses, source):
    """Content = every non-whitespace character except the listed non-content: `[image: ]` and `[bookmark: …]`
    markers, `____` rules and running page headers ("Geneva, 14-16 May 2013"). Footnote markers and bodies
    are content of the clause that references them."""
    covered = [0] * len(source)
    for c in clauses:
        for i in range(c.start, c.end):
            covered[i] += 1
    noise = [False] * len(source)
    for a, b in non_content_spans(source):
        for i in range(a, b):
            noise[i] = True
    missed = [i for i, ch in enumerate(source) if not ch.isspace() and not noise[i] and covered[i] != 1]
    assert not missed, source[missed[0] - 40 : missed[0] + 40] if missed else ""
    assert sum(noise) > 0  # the listed non-content exists in this report and was recognised


def test_non_content_is_what_the_guide_lists(source):
    spans = [source[a:b] for a, b in non_content_spans(source)]
    assert {s.strip() for s in spans} == {"[image: ]", "[bookmark: _GoBack]", "Geneva, 14-16 May 2013"} | {
        s.strip() for s in spans if set(s.strip()) == {"_"}
    }
    assert sum(1 for s in spans if "Geneva" in s) == 3


def test_fields_follow_the_contract(clauses):
    for c in clauses:
        assert c.text and c.label and c.tokens == count_tokens(c.text)
        assert c.label.split(" › ")[0] in ("Part I", "Part II", "Annex I") or c.label.startswith("Opinion ")
        assert c.part in ("Part I", "Part II", "Annex I")
        if c.part == "Annex I" and c.id != "annex-1":
            assert c.working_group in (1, 2, 3)
        assert Clause.from_dict(c.to_dict()) == c


def test_clause_count_by_kind(clauses):
    counts: dict[str, int] = {}
    for c in clauses:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    assert counts["table-row"] == 3 and counts["signature"] == 3
    assert counts["sub-clause"] == 18  # 5 + 4 + 4 + 5 nested items
    assert len(clauses) > 250


def test_parser_version_is_a_string():
    assert isinstance(PARSER_VERSION, str) and PARSER_VERSION


def test_parse_is_pure_and_deterministic(source, clauses):
    assert parse_report(source) == clauses


@pytest.mark.parametrize("text", ["", "   \n\t\n", "____\n\nGeneva, 14-16 May 2013\n", "12 34 56\n--- ---\n"])
def test_no_recognizable_structure(text):
    with pytest.raises(ReportError, match="no recognizable structure"):
        parse_report(text)


def test_crlf_offsets_are_true_offsets(source):
    crlf = source.replace("\n", "\r\n")
    clauses = parse_report(crlf)
    sample = next(c for c in clauses if c.id == "opinion-4/recognizing/g")
    assert crlf[sample.start : sample.end].startswith("g)\tthat because of incompatibility")
    assert len(clauses) == len(parse_report(source))


def test_load_clauses_names_the_file_on_errors(tmp_path):
    path = tmp_path / "numbers.txt"
    path.write_text("1 2 3\n4 5 6\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"numbers\.txt: no recognizable structure"):
        load_clauses(path)
    with pytest.raises(ReportError, match=r"missing\.txt: file not found"):
        load_clauses(tmp_path / "missing.txt")


def test_load_clauses_reads_the_real_report(report_path, clauses):
    assert load_clauses(report_path) == clauses


# --- another report of the same family --------------------------------------------------------------------


@pytest.fixture(scope="module")
def other():
    text = (FIXTURES / "other-report.txt").read_text(encoding="utf-8")
    return text, parse_report(text)


def test_other_report_resolution_structure(other):
    _, clauses = other
    ids = {c.id: c for c in clauses}
    assert ids["resolution-7"].kind == "heading" and ids["resolution-7"].opinion_title == (
        "Open data for development and transparency of network statistics"
    )
    assert [c.id for c in clauses if c.parent == "resolution-7/considering"] == [
        "resolution-7/considering/a", "resolution-7/considering/b", "resolution-7/considering/c",
    ]  # fmt: skip
    assert ids["resolution-7/considering/b/ii"].kind == "sub-clause"
    assert ids["resolution-7/resolves/b"].text.startswith("to publish")


def test_other_report_falls_back_to_paragraphs_under_unknown_headings(other):
    text, clauses = other
    paras = [c for c in clauses if c.kind == "paragraph" and c.part == "Report"]
    assert [c.id for c in paras][:3] == ["p1", "p2", "p3"]
    assert any(c.kind == "heading" and c.label == "Report › Summary of Discussions" for c in clauses)
    sig = next(c for c in clauses if c.kind == "signature")
    assert sig.text == "Ms A. Example Chairman of the Drafting Group"
    for a, b in zip(clauses, clauses[1:]):
        assert a.end <= b.start
    for c in clauses:
        if c.kind != "table-row":
            assert c.text.split()[-1] in clean_text(text[c.start : c.end])


def test_other_report_refs_use_the_same_resolver(other):
    _, clauses = other
    para = next(c for c in clauses if "considering (b)" in c.text)
    assert "resolution-7/considering/b" in para.refs or "resolution-7" in para.refs


def test_report_without_known_headings_is_paragraphs():
    text = (
        "Chairman's report of the informal consultation\n"
        "1. The consultation was opened by the Chairman, who welcomed the participants.\n"
        "2. Delegates discussed the draft text and agreed on the following:\n"
        "a) to keep the title;\n"
        "b) to shorten the preamble.\n"
        "3. The Chairman thanked the participants.\n"
        "Mr J. Doe\n"
        "Chairman\n"
    )
    clauses = parse_report(text)
    assert [c.kind for c in clauses] == ["paragraph"] * 4 + ["signature"]
    assert [c.id for c in clauses] == ["p1", "p2", "p3", "p4", "signature"]
    assert clauses[2].text.endswith("following: a) to keep the title; b) to shorten the preamble.")
    assert all(c.part == "Report" and c.label.startswith("Report › ") for c in clauses)


def test_empty_inputs_of_the_line_model():
    from assistant.report.parse_generic import scan_lines

    assert scan_lines("") == [] and non_content_spans("") == [] and clean_text("") == ""


def test_byte_order_mark_is_not_text(source):
    clauses = parse_report("\ufeff" + source)
    assert clauses[0].id == "part-1" and clauses[0].start == 2 and clauses[0].text == "PART I"


def test_resolution_title_on_the_line_after_its_dates():
    text = (
        "RESOLUTION 101 (REV. GUADALAJARA, 2010)\n"
        "Internet Protocol-based networks\n"
        "The Plenipotentiary Conference of the International Telecommunication Union (Guadalajara, 2010),\n"
        "recalling\n"
        "a) the provisions of Resolution 101;\n"
        "b) the outcomes of the World Summit on the Information Society,\n"
    )
    by_id = {c.id: c for c in parse_report(text)}
    assert by_id["resolution-101"].opinion_title == "(REV. GUADALAJARA, 2010) Internet Protocol-based networks"
    assert by_id["resolution-101/preamble"].text.startswith("The Plenipotentiary Conference")
    assert by_id["resolution-101/recalling/b"].label == "Resolution 101 › recalling (b)"
