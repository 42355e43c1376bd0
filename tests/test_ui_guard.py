"""The served app's limits, seen over raw HTTP and gradio_client: body size, uploads, origins, `/ask` arguments,
session lifetime."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.app

TRUSTED = "http://trusted.example:8080"
QUESTION = "Who chaired Working Group 2?"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Counting:
    """The real assistant, counting the questions it is asked."""

    def __init__(self, inner):
        self._inner = inner
        self.asked: list[str] = []

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def ask(self, question, *args, **kwargs):
        self.asked.append(question)
        return self._inner.ask(question, *args, **kwargs)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from assistant.service import Assistant
    from assistant.settings import Settings

    settings = Settings.from_env(
        embedder="hash",
        index_dir=tmp_path_factory.mktemp("index"),
        allowed_origins=(TRUSTED,),
        session_ttl=2,
        session_cap=40,
        max_request_bytes=64 * 1024,
    )
    return _Counting(Assistant.load(settings))


@pytest.fixture(scope="module")
def server(assistant):
    from ui.app import launch

    demo = launch(assistant, port=_free_port(), prevent_thread_lock=True, quiet=True)
    yield demo
    demo.session_sweeper.stop()
    demo.close()


@pytest.fixture()
def http(server):
    with httpx.Client(base_url=server.local_url, timeout=60) as client:
        yield client


def call(http: httpx.Client, data: list, headers: dict | None = None) -> tuple[str, object]:
    """POST /gradio_api/call/ask then read its event stream: ("complete", result) or ("error", message)."""
    posted = http.post("gradio_api/call/ask", json={"data": data}, headers=headers or {})
    assert posted.status_code == 200, posted.text
    stream = http.get(f"gradio_api/call/ask/{posted.json()['event_id']}").text
    event = data_line = None
    for line in stream.splitlines():
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line.startswith("data:"):
            data_line = line.split(":", 1)[1].strip()
    payload = json.loads(data_line)
    if event == "complete":
        return event, payload[0]
    return event, (payload or {}).get("error") if isinstance(payload, dict) else payload


# ---------------------------------------------------------------- /ask over raw HTTP and gradio_client


def test_raw_http_ask_with_only_the_question(http, assistant):
    event, result = call(http, [QUESTION])
    assert event == "complete", result
    assert result == assistant.ask(QUESTION).to_dict()
    assert result["citations"]


def test_raw_http_ask_with_every_argument(http, assistant):
    from assistant.records import Filters

    event, result = call(http, ["And its vice-chair?", [QUESTION], "Annex I"])
    assert event == "complete", result
    assert result == assistant.ask("And its vice-chair?", history=[QUESTION], filters=Filters(part="Annex I")).to_dict()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ([42], "question must be text (got int)"),
        ([QUESTION, 7], "history must be a list of earlier questions (got int)"),
        ([QUESTION, [3]], "history[0] must be text or"),
        ([QUESTION, [{"question": QUESTION, "cited": "annex-1"}]], "history[0].cited must be a list of clause ids"),
        ([QUESTION, None, 3], "filters must be text"),
    ],
)
def test_wrong_types_get_a_message_naming_the_field(http, server, data, field):
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    event, message = call(http, data)
    assert event == "error" and field in message, message
    client = Client(server.local_url, verbose=False, download_files=False, analytics_enabled=False)
    with pytest.raises(AppError, match=field.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
        client.predict(*data, api_name="/ask")


def test_history_objects_are_accepted(http):
    event, result = call(http, ["And its vice-chair?", [{"question": QUESTION, "cited": ["annex-1/wg-2/chairs"]}]])
    assert event == "complete", result
    assert result["question"] == "And its vice-chair?"


# ---------------------------------------------------------------- bounded input


def test_body_over_the_limit_is_refused_before_any_work(http, assistant):
    asked = len(assistant.asked)
    huge = {"data": ["x" * 200_000]}
    response = http.post("gradio_api/call/ask", json=huge)
    assert response.status_code == 413 and "65,536 bytes" in response.json()["error"]

    def chunks():  # no Content-Length: the limit is counted while reading
        for _ in range(100):
            yield b"x" * 10_000

    response = http.post("gradio_api/queue/join", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert len(assistant.asked) == asked
    assert call(http, [QUESTION])[0] == "complete"  # the server is fine afterwards


def test_uploads_are_refused_and_nothing_is_written(http):
    temp = Path(os.environ.get("GRADIO_TEMP_DIR") or Path("/tmp") / "gradio")
    before = {p for p in temp.rglob("*")} if temp.exists() else set()
    response = http.post("gradio_api/upload", files={"files": ("notes.txt", b"hello " * 100, "text/plain")})
    assert response.status_code == 403 and "no file uploads" in response.json()["error"]
    after = {p for p in temp.rglob("*")} if temp.exists() else set()
    assert not [p for p in after - before if p.name == "notes.txt"]


def test_long_question_is_refused_with_a_message_not_a_traceback(http):
    event, message = call(http, ["why " * 5000])
    assert event == "error" and "too long" in message and "Traceback" not in message


# ---------------------------------------------------------------- origins


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://localhost:1", "http://127.0.0.1.evil.example"])
def test_foreign_origin_is_refused_and_nothing_runs(http, assistant, origin):
    asked = len(assistant.asked)
    for route, body in (("gradio_api/call/ask", {"data": [QUESTION]}), ("gradio_api/queue/join", {"data": [QUESTION]})):
        response = http.post(route, json=body, headers={"Origin": origin})
        assert response.status_code == 403, (route, response.status_code)
        assert "Cross-origin request refused" in response.json()["error"]
    time.sleep(0.3)
    assert len(assistant.asked) == asked


def test_own_and_configured_origins_are_served(http, server):
    port = server.server_port
    for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}", TRUSTED):
        event, result = call(http, [QUESTION], headers={"Origin": origin})
        assert event == "complete", (origin, result)


# ---------------------------------------------------------------- sessions


def test_sessions_are_capped_and_idle_ones_forgotten(server, http):
    holder = server.state_holder
    assert holder.capacity == 40
    for _ in range(50):
        assert call(http, [QUESTION])[0] == "complete"
        assert 1 <= len(holder.session_data) <= 40  # each call is a session of its own
    deadline = time.monotonic() + 15
    while holder.session_data and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not holder.session_data, f"{len(holder.session_data)} sessions left after the 2 s time-to-live"
