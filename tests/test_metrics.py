"""Metric functions: evidence matching, recall, MRR, percentiles, answer checks — including empty inputs."""

from __future__ import annotations

import pytest

from assistant.evaluation import metrics
from assistant.evaluation.questions import Question
from assistant.records import Answer, Citation, Clause, Footnote, Hit

pytestmark = pytest.mark.unit


def _clause(text: str, footnotes: tuple[str, ...] = ()) -> Clause:
    return Clause(
        id="c",
        label="C",
        text=text,
        start=0,
        end=len(text),
        kind="paragraph",
        part="Part I",
        footnotes=tuple(Footnote(i + 1, t) for i, t in enumerate(footnotes)),
    )


def test_normalize_ignores_case_and_whitespace_runs():
    assert metrics.normalize("  The\n\tForum  MET ") == "the forum met"
    assert metrics.normalize("") == ""
    assert metrics.normalize("the group.[footnoteRef:1] Around 75") == "the group. around 75"


def test_passage_text_includes_footnotes():
    text = metrics.passage_text(_clause("Main text.", ("See the annex.", "Second note.")))
    assert text == "Main text. See the annex. Second note."
    assert metrics.passage_text(_clause("Alone.")) == "Alone."


def test_evidence_ranks_use_first_passage_with_any_alternative():
    passages = ["nothing here", "The Forum met in\nGENEVA in May", "chaired by Mr Kantchev"]
    evidence = [["met in Geneva"], ["Mr Petko Kantchev", "by mr kantchev"], ["not in any passage"]]
    assert metrics.evidence_ranks(passages, evidence) == [2, 3, None]


def test_raw_passages_with_footnote_markers_still_match():
    raw = "More than 180 experts took part in the group.[footnoteRef:1] Around 75 contributions"
    assert metrics.evidence_ranks([raw], [["the group. Around 75"]]) == [1]


def test_evidence_ranks_empty_inputs():
    assert metrics.evidence_ranks([], [["x"]]) == [None]
    assert metrics.evidence_ranks(["x"], []) == []
    # a blank alternative must not count as found everywhere
    assert metrics.evidence_ranks(["abc"], [["  "]]) == [None]


def test_recall_at_counts_pieces_within_k():
    ranks = [1, 4, None, 10]
    assert metrics.recall_at(ranks, 1) == 0.25
    assert metrics.recall_at(ranks, 3) == 0.25
    assert metrics.recall_at(ranks, 5) == 0.5
    assert metrics.recall_at(ranks, 10) == 0.75
    assert metrics.recall_at([], 5) is None


def test_reciprocal_rank_of_first_evidence_passage():
    assert metrics.reciprocal_rank([3, 2, None]) == 0.5
    assert metrics.reciprocal_rank([None, None]) == 0.0
    assert metrics.reciprocal_rank([]) is None


def test_context_chars_counts_top_k_only():
    assert metrics.context_chars(["abc", "de", "fghij"], 2) == 5
    assert metrics.context_chars([], 5) == 0


def test_mean_skips_undefined_values():
    assert metrics.mean([1.0, None, 0.0]) == 0.5
    assert metrics.mean([]) is None
    assert metrics.mean([None]) is None


def test_percentile_interpolates_like_numpy():
    values = [10.0, 1.0, 4.0, 7.0]
    assert metrics.percentile(values, 50) == pytest.approx(5.5)
    assert metrics.percentile(values, 95) == pytest.approx(9.55)
    assert metrics.percentile(values, 0) == 1.0
    assert metrics.percentile(values, 100) == 10.0
    assert metrics.percentile([3.0], 95) == 3.0
    assert metrics.percentile([], 50) is None


def test_facts_found_any_alternative_case_insensitive():
    answer = "The IEG was chaired by MR PETKO Kantchev [1]. It met three times."
    facts = [["Petko Kantchev"], ["twice", "three times"], ["Bulgaria"]]
    assert metrics.facts_found(answer, facts) == [True, True, False]
    assert metrics.fact_recall(answer, facts) == pytest.approx(2 / 3)
    assert metrics.fact_recall(answer, []) is None
    assert metrics.facts_found("", [["x"]]) == [False]


def test_valid_citations_checks_quote_against_offsets():
    source = "Alpha beta gamma. Delta epsilon."
    good = Citation(1, "c", "C", "beta gamma", 6, 16)
    shifted = Citation(2, "c", "C", "beta gamma", 5, 15)
    empty = Citation(3, "c", "C", "", 0, 0)
    assert metrics.valid_citations(source, [good, shifted, empty]) == 1
    assert metrics.valid_citations(source, []) == 0


def test_locate_evidence_across_line_breaks_case_and_footnote_markers():
    source = (
        "More than 180 experts took part in the work of the expert group.[footnoteRef:1] Around 75\n"
        "contributions were RECEIVED.  [1:  List of members ]\nOther text, Forum,[footnoteRef:2] summarizing it.\n"
        "A study by ISOC[footnoteRef:5], OECD and UNESCO."
    )
    spans = metrics.locate_evidence(source, [["the expert group. Around 75 contributions were received"]])
    assert len(spans) == 1
    start, end = spans[0]
    assert source[start:end].startswith("the expert group.[footnoteRef:1] Around 75\ncontributions")
    assert source[start:end].endswith("RECEIVED")
    assert len(metrics.locate_evidence(source, [["text, Forum, summarizing"]])) == 1
    assert len(metrics.locate_evidence(source, [["by ISOC, OECD"]])) == 1
    assert metrics.locate_evidence(source, [["absent sentence"]]) == []
    assert metrics.locate_evidence(source, []) == []
    assert metrics.locate_evidence("", [["x"]]) == []


def test_locate_evidence_finds_every_occurrence_of_every_alternative():
    source = "Ghana proposed it. Later, ghana  proposed it again. Kenya agreed."
    spans = metrics.locate_evidence(source, [["Ghana proposed"], ["Kenya agreed", "nobody"]])
    assert [source[s:e] for s, e in spans] == ["Ghana proposed", "ghana  proposed", "Kenya agreed"]


def test_quotes_evidence_needs_real_overlap():
    cite = Citation(1, "c", "C", "q", 10, 20)
    assert metrics.quotes_evidence([cite], [(19, 30)])
    assert metrics.quotes_evidence([cite], [(0, 11)])
    assert not metrics.quotes_evidence([cite], [(20, 30)])  # touching at the end is not overlapping
    assert not metrics.quotes_evidence([cite], [(0, 10)])
    assert not metrics.quotes_evidence([], [(0, 10)])
    assert not metrics.quotes_evidence([cite], [])


def test_share():
    assert metrics.share([True, False, True, True]) == 0.75
    assert metrics.share([]) is None


def _question(qid: str, evidence, facts=(), answerable=True) -> Question:
    return Question(
        id=qid,
        question="q",
        evidence=tuple(tuple(g) for g in evidence),
        facts=tuple(tuple(g) for g in facts),
        answerable=answerable,
    )


def test_score_retrieval_averages_over_answerable_questions():
    questions = [
        _question("a", [["alpha"]]),
        _question("b", [["beta"], ["gamma"]]),
        _question("u", [], answerable=False),
    ]
    hits = [
        [Hit(_clause("alpha text"), 1.0)],
        [Hit(_clause("beta"), 1.0), Hit(_clause("x"), 0.5)],
        [Hit(_clause("0123456789"), 1.0)],
    ]
    scores = metrics.score_retrieval("clauses", questions, hits, [1.0, 2.0, 3.0], k=1, passages=3)
    assert scores.recall[1] == pytest.approx((1 + 0.5) / 2)
    assert scores.recall[10] == pytest.approx(0.75)
    assert scores.mrr == 1.0
    assert scores.scored == 2
    assert scores.context_chars == pytest.approx((10 + 4 + 10) / 3)
    assert scores.p50_ms == 2.0


def test_score_retrieval_and_answers_on_empty_sets():
    empty = metrics.score_retrieval("clauses", [], [], [], k=5)
    assert empty.recall[5] is None and empty.mrr is None and empty.p50_ms is None and empty.scored == 0
    none = metrics.score_answers("", [], [], [])
    assert none.fact_recall is None and none.citations_total == 0 and none.answerable == 0


def test_score_answers_counts_each_metric():
    source = "The chair was Ms Example. Nothing else is said."
    q_answer = _question("a", [["chair was Ms Example"]], facts=[["Ms Example"], ["Ruritania"]])
    q_missed = _question("b", [["Nothing else"]], facts=[["said"]])
    q_none = _question("u", [], answerable=False)
    answers = [
        Answer("a", "The chair was Ms Example [1].", citations=(Citation(1, "c", "C", "Ms Example", 14, 24),)),
        Answer("b", "The report does not say.", abstained=True),
        Answer("u", "No.", abstained=True, citations=(Citation(1, "c", "C", "forged", 0, 6),)),
    ]
    scores = metrics.score_answers(source, [q_answer, q_missed, q_none], answers, [5.0, 7.0, 9.0])
    assert scores.fact_recall == pytest.approx((0.5 + 0.0) / 2)
    assert (scores.citations_valid, scores.citations_total) == (1, 2)
    assert (scores.evidence_quoted, scores.answerable) == (1, 2)
    assert (scores.abstained_unanswerable, scores.unanswerable) == (1, 1)
    assert scores.abstained_answerable == 1
    assert scores.p95_ms == pytest.approx(8.8)
