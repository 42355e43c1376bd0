"""The command line as a user meets it: answers, JSON, and one-line errors with non-zero exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent


def run(*args, tmp_path, stdin=None):
    cmd = [sys.executable, "-m", "assistant", "--embedder", "hash", "--index-dir", str(tmp_path / "index"), *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, input=stdin, timeout=300)


def assert_clean_error(result, *words):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0]


def test_ask_json_has_the_documented_fields(tmp_path):
    result = run("ask", "Who chaired Working Group 2?", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"question", "rewritten_query", "answer", "abstained", "citations", "related", "retrieved"} <= set(data)
    source = (ROOT / "corpus" / "wtpf-13-report.txt").read_text(encoding="utf-8")
    for c in data["citations"]:
        assert {"n", "clause_id", "label", "quote", "start", "end"} <= set(c)
        assert source[c["start"] : c["end"]] == c["quote"]


def test_ask_with_history_shows_the_rewritten_query(tmp_path):
    result = run("ask", "And its vice-chair?", "--history", "Who chaired Working Group 2?", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Read as:" in result.stdout and "Working Group 2" in result.stdout


def test_empty_question_is_a_one_line_error(tmp_path):
    assert_clean_error(run("ask", "   ", tmp_path=tmp_path), "empty")


def test_unknown_part_lists_valid_values(tmp_path):
    assert_clean_error(run("search", "IPv6", "--part", "Part IX", tmp_path=tmp_path), "Part I", "Annex I")


def test_clauses_json_and_id(tmp_path):
    result = run("clauses", "--json", tmp_path=tmp_path)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) > 100 and len({r["id"] for r in rows}) == len(rows)
    one = run("clauses", "--json", "--id", rows[50]["id"], tmp_path=tmp_path)
    assert json.loads(one.stdout)["id"] == rows[50]["id"]
    assert_clean_error(run("clauses", "--id", "no/such/clause", tmp_path=tmp_path), "no/such/clause")


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02\xff" * 50, "caf\xe9".encode("latin-1") * 20])
def test_bad_report_file_is_named(tmp_path, content):
    bad = tmp_path / "bad-report.txt"
    bad.write_bytes(content)
    assert_clean_error(run("--corpus", str(bad), "clauses", tmp_path=tmp_path), "bad-report.txt")


def test_malformed_question_file_names_the_line_and_writes_nothing(tmp_path):
    questions = tmp_path / "q.jsonl"
    good = {"id": "a", "question": "Who chaired Working Group 2?", "evidence": [["Musab Abdulla"]], "facts": [],
            "answerable": True}
    questions.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    result = run("eval", str(questions), "--results", str(out), tmp_path=tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "q.jsonl:2:" in result.stderr
    assert not out.exists()


def test_chat_keeps_history(tmp_path):
    result = run("chat", tmp_path=tmp_path, stdin="Who chaired Working Group 2?\nAnd its vice-chair?\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "Read as:" in result.stdout and "/alone" in result.stdout


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--opinion", "99", ["Opinion 99", "valid --opinion: 1, 2, 3, 4, 5, 6"]),
        ("--working-group", "9", ["Working Group 9", "valid --working-group: 1, 2, 3"]),
        ("--section", "bogus", ["'bogus'", "valid --section:", "recognizing"]),
    ],
)
def test_unknown_scope_is_an_error_listing_the_valid_values(tmp_path, option, value, words):
    assert_clean_error(run("ask", "Who chaired it?", option, value, tmp_path=tmp_path), *words)


@pytest.mark.parametrize("k", ["1000", "-5", "0", "five"])
def test_bad_k_is_refused_with_the_valid_range(tmp_path, k):
    result = run("search", "IPv6", "--k", k, tmp_path=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "argument --k" in result.stderr and "1 to 100" in result.stderr


def test_ansi_colour_in_a_question_leaves_nothing_behind(tmp_path):
    result = run("ask", "\x1b[31mWho chaired Working Group 2?\x1b[0m", "--json", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["question"] == "Who chaired Working Group 2?"
    assert "31m" not in result.stdout and "[0m" not in result.stdout


def test_known_scopes_pass_and_sections_match_in_any_case(clauses):
    from assistant.cli import check_scope
    from assistant.records import Filters

    assert check_scope(Filters(opinion=4, working_group=None), clauses) == Filters(opinion=4)
    assert check_scope(Filters(section="  Recognizing "), clauses) == Filters(section="recognizing")
    assert check_scope(Filters(working_group=2), clauses) == Filters(working_group=2)


LOREM = (
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et "
    "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip.\n"
)


def test_lorem_ipsum_is_warned_about_and_refused_with_strict(tmp_path):
    corpus = tmp_path / "lorem.txt"
    corpus.write_text(LOREM, encoding="utf-8")
    warned = run("--corpus", str(corpus), "clauses", tmp_path=tmp_path)
    assert warned.returncode == 0 and "no recognisable report structure" in warned.stderr
    assert_clean_error(run("--corpus", str(corpus), "--strict", "clauses", tmp_path=tmp_path), "no recognisable", "--strict")
    refused = run("--corpus", str(corpus), "--strict", "ask", "What is lorem?", tmp_path=tmp_path)
    assert_clean_error(refused, "lorem.txt", "no recognisable report structure")
    real = run("--strict", "clauses", tmp_path=tmp_path)
    assert real.returncode == 0 and "recognisable" not in real.stderr


def test_report_over_the_size_limit_is_refused_before_reading(tmp_path, report_path):
    from assistant.errors import ReportError
    from assistant.report.parse import load_clauses
    from assistant.service import Assistant
    from assistant.settings import Settings

    size = report_path.stat().st_size
    with pytest.raises(ReportError, match=f"is {size:,} bytes; reports up to 1,000 bytes are accepted"):
        load_clauses(report_path, max_bytes=1000)
    settings = Settings.from_env(embedder="hash", index_dir=tmp_path / "index", max_corpus_bytes=size - 1)
    with pytest.raises(ReportError, match="max_corpus_bytes"):
        Assistant.load(settings)
    assert not (tmp_path / "index").exists()  # refused before any index work
    assert load_clauses(report_path, max_bytes=size)  # exactly at the limit is fine


def test_standalone_ignores_the_history_and_json_history_items_are_read(tmp_path):
    import json
    import subprocess
    import sys

    def run(*extra):
        return subprocess.run(
            [sys.executable, "-m", "assistant", "--embedder", "hash", "--index-dir", str(tmp_path), "ask", "--json",
             "And its vice-chair?", *extra],
            capture_output=True, text=True, timeout=300,
        )

    followed = json.loads(run("--history", '{"question": "Who chaired Working Group 2?", "cited": []}').stdout)
    assert followed["read_as"] and "Working Group 2" in followed["read_as"]
    alone = json.loads(run("--history", "Who chaired Working Group 2?", "--standalone").stdout)
    assert alone["read_as"] is None
    bad = run("--history", "{not json")
    assert bad.returncode == 2 and "not a JSON object" in bad.stderr
