"""The Gradio app served in process, driven through gradio_client like any caller."""

from __future__ import annotations

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
def assistant(tmp_path_factory):
    from assistant.service import Assistant
    from assistant.settings import Settings

    return Assistant.load(Settings.from_env(embedder="hash", index_dir=tmp_path_factory.mktemp("index")))


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


def _content(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content


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


def test_chat_answer_links_citations_and_highlights_them(client, assistant, cited_question):
    box, messages, sources, report = client.predict(cited_question, "Whole report", api_name="/chat")
    answer = assistant.ask(cited_question)
    assert box == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    reply = _content(messages[-1])
    linked = re.findall(r'<a class="cite"[^>]*data-clause="([^"]+)"', reply)
    assert linked == [c.clause_id for c in answer.citations]
    assert sorted(_marks(sources)) == sorted(_shown(c.quote) for c in answer.citations)
    cards = re.findall(r'class="source-card"[^>]*data-clause="([^"]+)"', sources)
    assert cards == list(dict.fromkeys(c.clause_id for c in answer.citations))  # one card per cited clause
    for c in answer.citations:
        anchor = re.escape(f'id="clause-{c.clause_id}"')
        assert re.search(r'class="clause [^"]*cited[^"]*" ' + anchor, report)
    assert set(_marks(report)) >= {_shown(c.quote) for c in answer.citations}


def test_chat_follow_up_uses_the_conversation_and_clear_forgets_it(client, assistant, cited_question):
    follow_up = "And its vice-chair?"
    client.predict(cited_question, "Whole report", api_name="/chat")
    _, messages, _, report = client.predict(follow_up, "Whole report", api_name="/chat")
    first = assistant.ask(cited_question)
    second = assistant.ask(follow_up, history=(cited_question,))
    assert second.rewritten_query != follow_up
    reply = unescape(_content(messages[-1]))
    assert "Follow-up read as" in reply and second.rewritten_query in reply
    assert len(messages) == 4
    # Quotes of both answers stay marked, so either answer's citations open on their highlight.
    assert set(_marks(report)) >= {_shown(c.quote) for c in first.citations + second.citations}

    client.predict(api_name="/clear")
    _, messages, _, report = client.predict(follow_up, "Whole report", api_name="/chat")
    assert len(messages) == 2 and "Follow-up read as" not in _content(messages[-1])
    alone = assistant.ask(follow_up)
    assert set(_marks(report)) == {_shown(c.quote) for c in alone.citations}


def test_chat_shows_markup_in_questions_as_text(client):
    _, messages, _, _ = client.predict(XSS, "Whole report", api_name="/chat")
    shown = _content(messages[0])
    assert "<img" not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "<img" not in _content(messages[1])


@pytest.mark.parametrize(
    ("question", "message", "shown"), [("", "empty", 0), ("  \u200b ", "empty", 0), ("why " * 1000, "too long", 1)]
)
def test_chat_bad_input_is_a_chat_message_and_keeps_the_text(client, question, message, shown):
    box, messages, sources, report = client.predict(question, "Whole report", api_name="/chat")
    assert box == question  # nothing typed is lost
    assert [m["role"] for m in messages] == ["user"] * shown + ["assistant"]
    assert message in _content(messages[-1]) and 'class="answer error"' in _content(messages[-1])
    assert "Traceback" not in _content(messages[-1])


def test_chat_filter_restricts_the_search(client, assistant, cited_question):
    from assistant.records import Filters

    _, _, sources, _ = client.predict(cited_question, "Annex I", api_name="/chat")
    expected = assistant.ask(cited_question, filters=Filters(part="Annex I"))
    shown = re.findall(r'class="source-card"[^>]*data-clause="([^"]+)"', sources)
    cited = list(dict.fromkeys(c.clause_id for c in expected.citations)) or [h.clause.id for h in expected.related]
    assert shown == cited and all(cid.startswith("annex-1") for cid in shown)


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
        box, messages, _, _ = client.predict("Who chaired Working Group 2?", "Whole report", api_name="/chat")
        reply = _content(messages[-1])
        assert box == "Who chaired Working Group 2?"
        assert GENERIC_FAILURE in unescape(reply) and "secret" not in reply and "Traceback" not in reply
        with pytest.raises(AppError) as info:
            client.predict("Who chaired Working Group 2?", api_name="/ask")
        assert GENERIC_FAILURE in str(info.value) and "secret" not in str(info.value)
    finally:
        demo.close()
