from pathlib import Path

import pytest

from assistant.records import Clause
from assistant.report.sentences import clause_units

pytestmark = pytest.mark.unit

SOURCE = (Path(__file__).resolve().parent.parent / "corpus" / "wtpf-13-report.txt").read_text(encoding="utf-8")


def clause_for(first: str, last: str | None = None, kind: str = "paragraph") -> Clause:
    start = SOURCE.index(first)
    end = SOURCE.index(last, start) + len(last) if last else SOURCE.index("\n", start)
    return Clause(id="t", label="t", text="", start=start, end=end, kind=kind, part="Annex I")


def test_units_are_exact_spans_split_at_sentences():
    clause = clause_for("The delegate of Turkey presented their proposal to merge")
    units = clause_units(clause, SOURCE)
    assert [SOURCE[u.start : u.end] for u in units][:2] == [
        "The delegate of Turkey presented their proposal to merge draft Opinions 3 & 4.",
        units[1].text,
    ]
    assert len(units) == 5
    assert units[-1].text == "Thus WG2 agreed to keep Opinions 3 and 4 separate."
    for u in units:
        assert SOURCE[u.start : u.end].strip() == SOURCE[u.start : u.end]


def test_abbreviations_do_not_end_sentences():
    clause = clause_for("· The Policy Forum opened with addresses from:")
    texts = [u.text for u in clause_units(clause, SOURCE)]
    assert any(t.startswith("The Policy Forum opened with addresses from: Dr Hamadoun I. Touré") for t in texts)
    assert not any(t.endswith(" I.") or t.endswith(" E.") for t in texts)


def test_footnote_markers_and_bodies_are_never_quoted():
    clause = clause_for("· In accordance with Decision 562", " ] ")
    units = clause_units(clause, SOURCE)
    assert units
    for u in units:
        quote = SOURCE[u.start : u.end]
        assert "[footnoteRef" not in quote and "List of members of the IEG" not in quote
    assert units[0].text.startswith("In accordance with Decision 562")  # bullet left out


def test_list_markers_are_left_out():
    clause = clause_for("1. that Paragraph 27, c)i of the Tunis Agenda")
    (unit,) = clause_units(clause, SOURCE)
    assert unit.text.startswith("that Paragraph 27, c)i of the Tunis Agenda")


def test_table_row_is_quoted_whole():
    start = SOURCE.index("\tWorking Group 2\n")
    end = SOURCE.index("(CAPDA, Cameroon)") + len("(CAPDA, Cameroon)")
    clause = Clause(id="r", label="r", text="Working Group 2: Chair …", start=start, end=end, kind="table-row", part="Part I")
    (unit,) = clause_units(clause, SOURCE)
    assert SOURCE[unit.start : unit.end].startswith("Working Group 2")
    assert SOURCE[unit.start : unit.end].endswith("(CAPDA, Cameroon)")


def test_empty_span_has_no_units():
    assert clause_units(Clause(id="e", label="e", text="", start=5, end=5, kind="paragraph", part="Part I"), SOURCE) == []
