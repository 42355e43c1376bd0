"""The Gradio app served in process, driven through gradio_client like any caller."""

from __future__ import annotations

import json
import re
import socket
from html import unescape
from urllib.parse import quote

import httpx
import pytest

pytestmark = pytest.mark.app

XSS = "<img src=x onerror=alert(1)>"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def saved_path(tmp_path_factory):
    return tmp_path_factory.mktemp("saved") / "saved.jsonl"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, saved_path):
    from assistant.service import Assistant
    from assistant.settings import Settings

    settings = Settings.from_env(embedder="hash", index_dir=tmp_path_factory.mktemp("index"), saved_cases_path=saved_path)
    return Assistant.load(settings)


@pytest.fixture(scope="module")
def server(assistant):
    from ui.app import launch

    demo = launch(assistant, port=_free_port(), prevent_thread_lock=True, quiet=True)
    yield demo
    demo.close()


@pytest.fixture()
def client(server, monkeypatch):
    from gradio_client import Client

    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")  # the client ignores its own argument otherwise
    return Client(server.local_url, verbose=False, download_files=False, analytics_enabled=False)


@pytest.fixture(scope="module")
def cited_question(assistant):
    """A question the assistant answers with citations; found from the report's own working-group rows."""
    candidates = [f"Who chaired {c.text.split(':')[0]}?" for c in assistant.clauses if c.kind == "table-row"]
    candidates += [f"What does {c.label} say?" for c in assistant.clauses if c.kind == "clause"][:20]
    for question in candidates:
        if assistant.ask(question).citations:
            return question
    pytest.fail("no question among the candidates gets a cited answer")


def _marks(html: str) -> list[str]:
    return [unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", html, flags=re.S)]


def _shown(quote: str) -> str:
    """A quote as the page shows it: footnote markers are not displayed."""
    return re.sub(r"\[footnoteRef:\d+\]", "", quote)


# ---------------------------------------------------------------- the /ask API


def test_ask_endpoint_needs_only_the_question(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask"]  # the chat handlers stay out of the documented API
    params = {p["parameter_name"]: p["parameter_has_default"] for p in endpoints["/ask"]["parameters"]}
    assert params == {"question": False, "history": True, "filters": True}


def test_ask_endpoint_returns_the_answer_json(client, assistant, cited_question):
    result = client.predict(cited_question, api_name="/ask")
    assert result == assistant.ask(cited_question).to_dict()
    assert result["citations"], "a cited answer over the API"
    for c in result["citations"]:
        assert assistant.source[c["start"] : c["end"]] == c["quote"]


def test_ask_endpoint_takes_history_and_filters(client, assistant, cited_question):
    from assistant.records import Filters

    follow_up = "And its vice-chair?"
    result = client.predict(follow_up, [cited_question], "Part I", api_name="/ask")
    expected = assistant.ask(follow_up, history=(cited_question,), filters=Filters(part="Part I")).to_dict()
    assert result == expected
    assert all(h["id"].startswith("part-1") for h in result["retrieved"])


@pytest.mark.parametrize(
    ("question", "filters", "message"),
    [
        ("   ", None, "empty"),
        ("x" * 5000, None, "too long"),
        ("Who chaired it?", "Opinion 99", "Unknown filter"),
    ],
)
def test_ask_endpoint_reports_bad_input_as_one_line(client, question, filters, message):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        client.predict(question, None, filters, api_name="/ask")
    text = str(info.value)
    assert message in text and "Traceback" not in text and "\n" not in text.strip()


# ---------------------------------------------------------------- the chat, as the page calls it


def test_turn_returns_the_answer_json_its_html_markdown_and_marked_clauses(client, assistant, cited_question):
    result = client.predict(cited_question, [], "Whole report", False, api_name="/turn")
    answer = assistant.ask(cited_question)
    assert result["ok"] is True and result["scope"] == "Whole report"
    assert result["answer"] == answer.to_dict()
    linked = re.findall(r'<a class="cite"[^>]*data-clause="([^"]+)"', result["html"])
    # a lead-in and its items share their clause's marker, so a clause may be linked more than once
    assert list(dict.fromkeys(linked)) == [c.clause_id for c in answer.citations]
    assert "Searched in the whole report" in unescape(result["html"])
    cards = re.findall(r'class="source-card"[^>]*data-clause="([^"]+)"', result["html"])
    assert cards == list(dict.fromkeys(c.clause_id for c in answer.citations))  # one card per cited clause
    assert sorted(result["clauses"]) == sorted({c.clause_id for c in answer.citations})
    marked = [m for block in result["clauses"].values() for m in _marks(block)]
    assert sorted(marked) == sorted(_shown(c.quote) for c in answer.citations)
    for c in answer.citations:
        assert f"[{c.n}] " in result["markdown"] and c.label in result["markdown"]


def test_turn_takes_history_with_cited_clauses_and_standalone(client, assistant, cited_question):
    first = assistant.ask(cited_question)
    history = [{"question": cited_question, "cited": [c.clause_id for c in first.citations] + ["no/such/clause"]}]
    follow_up = "And its vice-chair?"
    result = client.predict(follow_up, history, "Whole report", False, api_name="/turn")
    expected = assistant.ask(follow_up, history=({"question": cited_question,
                                                 "cited": [c.clause_id for c in first.citations]},))
    assert result["answer"] == expected.to_dict()
    alone = client.predict(follow_up, history, "Whole report", True, api_name="/turn")
    assert alone["answer"] == assistant.ask(follow_up).to_dict()
    if expected.read_as:  # the reading is shown, with the way back to the question on its own
        assert "Read as" in unescape(result["html"]) and 'data-action="standalone"' in result["html"]
    assert "Read as" not in unescape(alone["html"])


def test_a_scoped_turn_that_abstains_says_where_and_offers_the_whole_report(client, assistant):
    from assistant.records import Filters

    question = "Who chaired Working Group 2?"
    scoped = client.predict(question, [], "Opinion 3", False, api_name="/turn")
    expected = assistant.ask(question, filters=Filters(opinion=3))
    assert scoped["scope"] == "Opinion 3" and scoped["answer"] == expected.to_dict()
    html = unescape(scoped["html"])
    assert "Searched in Opinion 3" in html
    if expected.abstained:
        assert "Not found in Opinion 3." in html and 'data-action="widen"' in html
    whole = client.predict(question, [], "Whole report", False, api_name="/turn")
    assert whole["scope"] == "Whole report" and "Not found in" not in unescape(whole["html"])


def test_turn_answers_another_language_with_the_english_message(client):
    from assistant.query.language import NOT_ENGLISH

    result = client.predict("Qui a présidé le Groupe de travail 2 ?", [], "Whole report", False, api_name="/turn")
    assert result["ok"] and result["answer"]["abstained"] and result["answer"]["answer"] == NOT_ENGLISH
    assert NOT_ENGLISH in unescape(result["html"])


def test_turn_shows_markup_in_questions_as_text(client):
    result = client.predict(XSS, [], "Whole report", False, api_name="/turn")
    assert "<img" not in result.get("html", "") and "<img" not in result.get("markdown", "").replace(XSS, "")


@pytest.mark.parametrize(
    ("question", "scope", "message"),
    [("", None, "empty"), ("  \u200b ", None, "empty"), ("why " * 1000, None, "too long"),
     ("Who chaired it?", "Opinion 99", "Unknown filter")],
)
def test_turn_bad_input_is_a_one_line_message_marked_as_input(client, question, scope, message):
    result = client.predict(question, [], scope, False, api_name="/turn")
    assert result == {"ok": False, "error": result["error"], "input": True}
    assert message in result["error"] and "Traceback" not in result["error"] and "\n" not in result["error"]


def test_save_case_appends_a_record_that_assistant_eval_runs(client, assistant, cited_question, saved_path, capsys):
    from assistant.cli import main
    from assistant.evaluation.questions import load_questions

    answer = assistant.ask(cited_question)
    case = {"question": cited_question, "history": [], "scope": "Whole report",
            "evidence": [c.quote for c in answer.citations], "facts": ["Working Group"], "answerable": True}
    saved = client.predict(case, api_name="/save_case")
    assert saved["ok"] is True and saved["path"].endswith("saved.jsonl")
    bad = client.predict({**case, "question": "Why?", "failing": True, "note": "wrong clause"}, api_name="/save_case")
    questions = load_questions(saved_path)
    assert [q.id for q in questions] == [saved["id"], bad["id"]]
    assert questions[0].evidence == tuple((" ".join(c.quote.split()),) for c in answer.citations)
    line = json.loads(saved_path.read_text(encoding="utf-8").splitlines()[1])
    assert line["failing"] is True and line["note"] == "wrong clause" and "scope" not in line
    capsys.readouterr()
    index_dir = str(assistant.settings.index_dir)
    assert main(["--embedder", "hash", "--index-dir", index_dir, "eval", str(saved_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["questions"] == 2


def test_save_case_refuses_evidence_that_is_not_in_the_report(client, saved_path):
    before = saved_path.read_bytes() if saved_path.exists() else b""
    result = client.predict({"question": "Why?", "evidence": ["words the report never says"]}, api_name="/save_case")
    assert result["ok"] is False and "not found in the report" in result["error"]
    assert (saved_path.read_bytes() if saved_path.exists() else b"") == before


# ---------------------------------------------------------------- serving safety


def test_server_is_loopback_only_with_bounded_queue_and_no_analytics(server):
    from ui.app import MAX_FILE_SIZE, QUEUE_MAX

    assert server.local_url.startswith("http://127.0.0.1:")
    assert server.share is False and server.share_url is None
    assert server.analytics_enabled is False
    assert server._queue.max_size == QUEUE_MAX
    assert server.max_file_size == 1024 * 1024 and MAX_FILE_SIZE == "1mb"
    assert server.allowed_paths == []


def test_no_file_route_reaches_the_report_or_the_index(server, assistant):
    paths = [assistant.settings.corpus_path.resolve()]
    paths += [p.resolve() for p in assistant.settings.index_dir.iterdir() if p.is_file()]
    paths.append(__import__("pathlib").Path(__file__).resolve())
    with httpx.Client(base_url=server.local_url) as http:
        for path in paths:
            for route in (f"gradio_api/file={path}", f"file={path}", f"gradio_api/file={quote(str(path))}"):
                response = http.get(route)
                assert response.status_code in (403, 404), (route, response.status_code)
                assert assistant.source[:200] not in response.text


def test_the_login_check_of_an_app_without_login_costs_no_thread(server):
    import asyncio

    overrides = server.app.dependency_overrides
    assert overrides and all(asyncio.iscoroutinefunction(check) for check in overrides.values())
    assert {original.__name__ for original in overrides} == {"login_check"}


def test_launch_refuses_share_links_and_extra_paths(assistant):
    from ui.app import launch

    with pytest.raises(ValueError, match="share"):
        launch(assistant, share=True, prevent_thread_lock=True)
    with pytest.raises(ValueError, match="allowed_paths"):
        launch(assistant, allowed_paths=["/"], prevent_thread_lock=True)


class _Failing:
    """The real assistant whose `ask` breaks with an internal error."""

    def __init__(self, inner):
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def ask(self, *args, **kwargs):
        raise RuntimeError("internal detail /secret/path")


def test_unexpected_failure_shows_a_short_message_and_no_internals(assistant, monkeypatch):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    from ui.app import GENERIC_FAILURE, launch

    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    demo = launch(_Failing(assistant), port=_free_port(), prevent_thread_lock=True, quiet=True)
    try:
        client = Client(demo.local_url, verbose=False, download_files=False, analytics_enabled=False)
        result = client.predict("Who chaired Working Group 2?", [], "Whole report", False, api_name="/turn")
        assert result == {"ok": False, "error": GENERIC_FAILURE, "input": False}
        with pytest.raises(AppError) as info:
            client.predict("Who chaired Working Group 2?", api_name="/ask")
        assert GENERIC_FAILURE in str(info.value) and "secret" not in str(info.value)
    finally:
        demo.close()
