"""The eval runner over a scripted fake assistant: scores, follow-up queries, baselines, output, results file."""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import pytest

from assistant.evaluation import evaluate
from assistant.errors import AssistantError
from assistant.evaluation.questions import Question
from assistant.records import Answer, Citation, Clause, Hit
from assistant.settings import Settings

pytestmark = pytest.mark.unit

PARAGRAPHS = [
    "The Forum met in Geneva from 14 to 16 May 2013.",
    "The expert group was chaired by Mr Petko Kantchev of Bulgaria.",
    "Ghana proposed a new paragraph on broadband for landlocked countries.",
    "Turkey proposed merging Opinions 3 and 4 but did not insist.",
]
SOURCE = "\n".join(PARAGRAPHS) + "\n"


def _clauses() -> list[Clause]:
    clauses, offset = [], 0
    for i, text in enumerate(PARAGRAPHS):
        clauses.append(Clause(f"p{i}", f"Paragraph {i}", text, offset, offset + len(text), "paragraph", "Part I"))
        offset += len(text) + 1
    return clauses


def _keyword_hits(passages: list[Clause], query: str, k: int) -> list[Hit]:
    """Rank by shared longer words, ties in document order: deterministic and easy to reason about."""

    def words(text: str) -> set[str]:
        return {w for w in text.lower().replace("?", " ").replace(".", " ").split() if len(w) > 3} - {"what"}

    scored = [(len(words(query) & words(c.text)), -i, c) for i, c in enumerate(passages)]
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [Hit(c, float(s)) for s, _, c in scored[:k]]


class FakeAssistant:
    """Scripted facade: keyword search; answers quote the top clause; follow-ups prepend the last history item."""

    def __init__(self):
        self.settings = Settings()
        self.source = SOURCE
        self.clauses = _clauses()
        self.searched: list[str] = []
        self.asked: list[tuple[str, tuple[str, ...]]] = []

    def search(self, query, k=None, filters=None):
        self.searched.append(query)
        return _keyword_hits(self.clauses, query, k or 5)

    def ask(self, question, history=(), filters=None, use_llm=None):
        self.asked.append((question, tuple(history)))
        previous = history[-1]["question"] if history and isinstance(history[-1], dict) else (history[-1] if history else "")
        query = f"{previous} {question}" if previous else question
        hits = _keyword_hits(self.clauses, query, 8)
        if not hits or hits[0].score < 1:
            return Answer(question, "The report does not address this question.", query, abstained=True)
        top = hits[0].clause
        quote = top.text.split(" ", 3)[-1]
        start = SOURCE.index(quote, top.start)
        citation = Citation(1, top.id, top.label, quote, start, start + len(quote))
        return Answer(question, f"{top.text} [1]", query, citations=(citation,), retrieved=tuple(hits[:5]))


REAL_FACTORY = evaluate._default_factory


class KeywordRetriever:
    """What the fake factory opens: keyword search over the passages it was given, recording queries."""

    def __init__(self, passages: list[Clause], log: list[str]):
        self.passages = passages
        self.log = log

    def search(self, query, k=5, filters=None):
        self.log.append(query)
        return _keyword_hits(self.passages, query, k)


@pytest.fixture(autouse=True)
def opened(monkeypatch):
    """Retrievers the harness opens are keyword fakes here (never a real index over fake passages)."""
    log: list[tuple[str, list[str]]] = []

    def factory(settings, passages, source, *, variant):
        queries: list[str] = []
        log.append((variant, queries))
        return KeywordRetriever(list(passages), queries)

    monkeypatch.setattr(evaluate, "_default_factory", factory)
    return log


def _q(qid, question, evidence, facts=(), answerable=True, history=()) -> Question:
    return Question(
        qid,
        question,
        tuple(tuple(g) for g in evidence),
        tuple(tuple(g) for g in facts),
        answerable,
        tuple(history),
        line=1,
    )


QUESTIONS = [
    _q("chair", "Who chaired the expert group?", [["chaired by Mr Petko Kantchev"]], [["Kantchev"], ["Bulgaria"]]),
    _q("ghana", "What did Ghana propose?", [["Ghana proposed"], ["Opinions 3 and 4"]], [["landlocked"]]),
    _q("follow", "Did it insist?", [["did not insist"]], [["not insist"]], history=["Turkey merging Opinions"]),
    _q("none", "What is the capital of Australia?", [], answerable=False),
]


def test_run_eval_scores_retrieval_and_answers():
    fake = FakeAssistant()
    report = evaluate.run_eval(fake, QUESTIONS, k=1)
    assert [s.system for s in report.systems] == ["answer", "clauses"]
    clauses = report.systems[1]
    assert clauses.system == "clauses" and clauses.passages == 4
    # chair: found at 1; ghana: piece 1 at rank 1, piece 2 (Turkey paragraph) lower; follow-up: Turkey at rank 1
    assert clauses.recall[1] == pytest.approx((1 + 0.5 + 1) / 3)
    assert clauses.recall[10] == pytest.approx(1.0)
    assert clauses.mrr == pytest.approx(1.0)
    queries = [q.question for q in QUESTIONS]
    queries[2] = "Turkey merging Opinions Did it insist?"  # the follow-up as the fake rewrites it
    tops = [_keyword_hits(fake.clauses, query, 1)[0].clause for query in queries]
    assert clauses.context_chars == pytest.approx(sum(len(c.text) for c in tops) / 4)
    answers = report.answers
    assert answers is not None
    assert (answers.citations_valid, answers.citations_total) == (3, 3)
    assert (answers.abstained_unanswerable, answers.unanswerable) == (1, 1)
    assert answers.abstained_answerable == 0
    # Ghana's answer quotes the end of its paragraph, which overlaps neither evidence string
    assert answers.evidence_quoted == 2
    assert [r["checks"].get("evidence_quoted") for r in report.rows] == [True, False, True, False]
    assert answers.fact_recall == pytest.approx((1 + 1 + 1) / 3)
    assert answers.p50_ms is not None and answers.p50_ms >= 0
    assert report.questions == 4 and report.answerable == 3


def test_follow_ups_are_retrieved_with_the_rewritten_query(opened):
    fake = FakeAssistant()
    report = evaluate.run_eval(fake, QUESTIONS)
    # the earlier turn is asked first, and its answer's cited clauses travel with it, as in the chat
    assert fake.asked.index(("Turkey merging Opinions", ())) < next(
        i for i, (q, h) in enumerate(fake.asked) if q == "Did it insist?"
    )
    ((_, (turn,)),) = [(q, h) for q, h in fake.asked if q == "Did it insist?"]
    assert turn["question"] == "Turkey merging Opinions" and turn["cited"]
    # clause retrieval is timed on a second retriever over the same clauses, so the facade's query cache
    # (filled by asking) does not make it look instant
    ((variant, searched),) = opened
    assert variant == "clauses"
    assert "Turkey merging Opinions Did it insist?" in searched
    assert fake.searched == []
    row = next(r for r in report.rows if r["id"] == "follow")
    assert row["rewritten_query"] == "Turkey merging Opinions Did it insist?"
    assert row["history"] == ["Turkey merging Opinions"]
    assert row["retrieved"][0]["id"] == "p3"


def test_retrieval_only_searches_the_question_and_notes_ignored_history():
    fake = FakeAssistant()
    report = evaluate.run_eval(fake, QUESTIONS, ask=False)
    assert fake.asked == []
    assert "Did it insist?" in fake.searched
    assert evaluate.WARM_UP in fake.searched and fake.searched.count("Did it insist?") == 1
    assert report.answers is None
    assert any("without their history" in note for note in report.notes)
    assert all("answer" not in row for row in report.rows)


def test_results_rows_carry_the_documented_fields():
    report = evaluate.run_eval(FakeAssistant(), QUESTIONS, k=2)
    row = report.rows[0]
    assert {"id", "question", "retrieved", "latency_ms", "answer", "citations", "abstained", "rewritten_query"} <= set(
        row
    )
    assert len(row["retrieved"]) == 2
    assert {"id", "label", "text", "start", "end", "score"} <= set(row["retrieved"][0])
    assert row["citations"][0]["quote"] == SOURCE[row["citations"][0]["start"] : row["citations"][0]["end"]]
    assert row["checks"]["evidence_ranks"] == [1]
    json.dumps(report.rows)  # plain JSON data


def test_token_baselines_go_through_the_retriever_factory():
    calls = []

    def factory(settings, chunks, source, *, variant):
        calls.append((variant, len(chunks)))
        assert source == SOURCE
        assert all(source[c.start : c.end] == c.text for c in chunks)
        return types.SimpleNamespace(search=lambda query, k=5, filters=None: _keyword_hits(chunks, query, k))

    report = evaluate.run_eval(
        FakeAssistant(), QUESTIONS, chunker=["tokens:256", "tokens:512"], retriever_factory=factory
    )
    assert [v for v, _ in calls] == ["clauses", "tokens-256", "tokens-512"]
    assert [s.system for s in report.systems] == ["answer", "clauses", "tokens:256", "tokens:512"]
    # the whole fake report fits in one window, so every piece is found at rank 1
    assert report.systems[2].recall[1] == 1.0
    assert report.systems[2].context_chars == pytest.approx(len(SOURCE.strip()))
    table = evaluate.format_table(report)
    assert "tokens:256" in table and "tokens:512" in table


@pytest.mark.parametrize("spec", ["tokens", "tokens:abc", "words:256", "tokens:10", "tokens:100000"])
def test_bad_chunker_lists_valid_forms(spec):
    with pytest.raises(AssistantError, match="tokens:256, tokens:512"):
        evaluate.parse_chunkers(spec)


def test_parse_chunkers_accepts_lists_and_commas():
    assert evaluate.parse_chunkers(None) == []
    assert evaluate.parse_chunkers("tokens:256,tokens:512") == [256, 512]
    assert evaluate.parse_chunkers(["tokens:512", "TOKENS:512"]) == [512]


def test_table_and_json_show_citation_validity():
    report = evaluate.run_eval(FakeAssistant(), QUESTIONS)
    table = evaluate.format_table(report)
    assert "100% (3/3)" in table
    assert "R@5" in table and "MRR" in table
    data = evaluate.report_to_json(report)
    json.dumps(data)
    assert data["answers"]["citation_validity"] == 1.0
    assert data["retrieval"]["clauses"]["recall@10"] == 1.0


def test_broken_citation_never_prints_as_100_percent():
    class Forging(FakeAssistant):
        def ask(self, question, history=(), filters=None, use_llm=None):
            answer = super().ask(question, history)
            forged = Citation(9, "p0", "P", "not in the report", 0, 17)
            return Answer(answer.question, answer.answer, answer.rewritten_query, answer.abstained,
                          answer.citations + (forged,) * 300)

    table = evaluate.format_table(evaluate.run_eval(Forging(), QUESTIONS))
    assert "100%" not in table
    assert "0.2% (3/1203)" in table


def test_empty_question_list_and_bad_k():
    with pytest.raises(AssistantError):
        evaluate.run_eval(FakeAssistant(), [])
    with pytest.raises(AssistantError, match="k=0"):
        evaluate.run_eval(FakeAssistant(), QUESTIONS, k=0)


def test_errors_name_the_question():
    class Refusing(FakeAssistant):
        def ask(self, question, history=(), filters=None, use_llm=None):
            if question == "What did Ghana propose?":
                raise AssistantError("The question is too long")
            return super().ask(question, history)

    with pytest.raises(AssistantError, match=r"^question ghana \(line 1\): The question is too long$"):
        evaluate.run_eval(Refusing(), QUESTIONS)


def test_write_results_is_atomic(tmp_path):
    path = tmp_path / "out.jsonl"
    evaluate.write_results(path, [{"id": "a"}, {"id": "b", "text": "é"}])
    assert [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] == [
        {"id": "a"},
        {"id": "b", "text": "é"},
    ]
    with pytest.raises(TypeError):
        evaluate.write_results(path, [{"id": "c"}, {"id": "d", "bad": object()}])
    # the earlier file is untouched and no temp file is left behind
    assert path.read_text(encoding="utf-8").count("\n") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]
    with pytest.raises(AssistantError, match="does not exist"):
        evaluate.write_results(tmp_path / "missing" / "out.jsonl", [])


@pytest.fixture
def fake_service(monkeypatch):
    """Stand in for assistant.service so the command runs without the real index."""
    module = types.ModuleType("assistant.service")
    loads = []

    class Assistant:
        @classmethod
        def load(cls, settings=None, *, progress=False):
            loads.append(settings)
            return FakeAssistant()

    module.Assistant = Assistant
    monkeypatch.setitem(sys.modules, "assistant.service", module)
    return loads


def _question_file(tmp_path, lines):
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD_LINES = [
    json.dumps({"id": q.id, "question": q.question, "history": list(q.history),
                "evidence": [list(g) for g in q.evidence], "facts": [list(g) for g in q.facts],
                "answerable": q.answerable})
    for q in QUESTIONS
]


def test_command_prints_table_and_writes_results(tmp_path, capsys, fake_service):
    results = tmp_path / "results.jsonl"
    code = evaluate.run_eval_command(_question_file(tmp_path, GOOD_LINES), results=results)
    out = capsys.readouterr().out
    assert code == 0
    assert "clauses" in out and "fact recall" in out
    lines = [json.loads(line) for line in results.read_text(encoding="utf-8").splitlines()]
    assert [row["id"] for row in lines] == [q.id for q in QUESTIONS]


def test_command_json_output(tmp_path, capsys, fake_service):
    code = evaluate.run_eval_command(_question_file(tmp_path, GOOD_LINES), as_json=True, ask=False)
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["answers"] is None and data["questions"] == 4


def test_malformed_question_file_leaves_no_results(tmp_path, capsys, fake_service):
    results = tmp_path / "results.jsonl"
    path = _question_file(tmp_path, [GOOD_LINES[0], '{"id": "broken", "question": "x", '])
    code = evaluate.run_eval_command(path, results=results)
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.strip().count("\n") == 0
    assert f"{path}:2:" in captured.err
    assert not results.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["questions.jsonl"]
    assert fake_service == []  # failed before loading anything


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"chunker": "tokens:abc"}, "valid: tokens:256"),
        ({"k": 0}, "--k 0"),
        ({"results": "/nonexistent/x.jsonl"}, "does not exist"),
    ],
)
def test_command_bad_options_exit_2(tmp_path, capsys, fake_service, kwargs, message):
    code = evaluate.run_eval_command(_question_file(tmp_path, GOOD_LINES), **kwargs)
    assert code == 2
    assert message in capsys.readouterr().err


def test_real_pipeline_on_the_dev_set_with_a_token_baseline(hash_assistant, tmp_path):
    """The whole pipeline (fake embedder) on the real report: every question runs, every citation verifies."""
    from assistant.evaluation.questions import load_questions

    questions = load_questions(Path(__file__).resolve().parent.parent / "corpus" / "questions" / "dev.jsonl")
    report = evaluate.run_eval(hash_assistant, questions, chunker="tokens:256", retriever_factory=REAL_FACTORY)
    assert [s.system for s in report.systems] == ["answer", "clauses", "tokens:256"]
    answers = report.answers
    assert answers.citations_total > 0 and answers.citations_valid == answers.citations_total
    assert len(report.rows) == len(questions)
    source = hash_assistant.source
    for row in report.rows:
        for hit in row["retrieved"]:
            assert 0 <= hit["start"] < hit["end"] <= len(source)
    for system in report.systems:
        assert all(0.0 <= system.recall[n] <= 1.0 for n in evaluate.RECALL_KS)
        assert system.recall[1] <= system.recall[3] <= system.recall[5] <= system.recall[10]
    path = tmp_path / "results.jsonl"
    evaluate.write_results(path, report.rows)
    assert len(path.read_text(encoding="utf-8").splitlines()) == len(questions)


def test_progress_goes_to_stderr_only(capsys):
    quiet = evaluate.run_eval(FakeAssistant(), QUESTIONS)
    shown = evaluate.run_eval(FakeAssistant(), QUESTIONS, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "search clauses" in captured.err
    assert shown.systems[0].recall == quiet.systems[0].recall
