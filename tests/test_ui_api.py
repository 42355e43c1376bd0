"""`POST /api/ask` beside the chat: the same JSON as `assistant ask --json`, readable errors, its own docs, and
answers given concurrently."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.app

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Who chaired Working Group 2?"


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
def http(assistant):
    from ui.app import launch

    demo = launch(assistant, port=_free_port(), prevent_thread_lock=True, quiet=True)
    with httpx.Client(base_url=demo.local_url, timeout=60) as client:
        yield client
    demo.close()


def test_answer_is_the_json_the_command_line_prints(http, assistant):
    reply = http.post("/api/ask", json={"question": QUESTION})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/json")
    settings = assistant.settings
    cli = subprocess.run(
        [sys.executable, "-m", "assistant", "--embedder", "hash", "--index-dir", str(settings.index_dir),
         "--corpus", str(settings.corpus_path), "ask", QUESTION, "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
    )
    assert reply.json() == json.loads(cli.stdout) == assistant.ask(QUESTION).to_dict()
    assert reply.json()["citations"]


def test_history_filters_and_standalone_are_passed_through(http, assistant):
    from assistant.records import Filters

    body = {
        "question": "And its vice-chair?",
        "history": [QUESTION, {"question": "Who opened the Forum?", "cited": ["part-1/p6"]}],
        "filters": "Part I",
        "standalone": False,
    }
    reply = http.post("/api/ask", json=body)
    assert reply.status_code == 200, reply.text
    expected = assistant.ask(body["question"], history=tuple(body["history"]), filters=Filters(part="Part I"))
    assert reply.json() == expected.to_dict()
    assert all(h["id"].startswith("part-1") for h in reply.json()["retrieved"])


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"question": "   "}, 400, "empty"),
        ({"question": "x" * 5000}, 400, "too long"),
        ({"question": QUESTION, "filters": "Opinion 99"}, 400, "Unknown filter"),
        ({"history": [QUESTION]}, 422, "question"),
        ({"question": QUESTION, "history": "not a list"}, 422, "history"),
    ],
)
def test_bad_requests_say_what_is_wrong(http, body, status, words):
    reply = http.post("/api/ask", json=body)
    assert reply.status_code == status
    assert words in json.dumps(reply.json()["detail"]) and "Traceback" not in reply.text


def test_concurrent_requests_get_the_answers_asked_alone(http, assistant):
    questions = [f"Who chaired Working Group {n}?" for n in (1, 2, 3)] + ["What did Ghana propose?"] * 2
    questions *= 4
    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        replies = list(pool.map(lambda q: http.post("/api/ask", json={"question": q}), questions))
    assert [r.status_code for r in replies] == [200] * len(questions)
    for question, reply in zip(questions, replies):
        assert reply.json() == assistant.ask(question).to_dict()


def test_openapi_schema_and_docs_describe_the_endpoint_without_a_cdn(http):
    schema = http.get("/openapi.json").json()
    assert list(schema["paths"]) == ["/api/ask"]  # Gradio's internal routes stay out of it
    body = schema["components"]["schemas"]["AskRequest"]
    assert body["required"] == ["question"] and {"history", "filters", "standalone"} <= set(body["properties"])
    docs = http.get("/docs")
    assert docs.status_code == 200 and "/openapi.json" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert http.get(f"/docs/{asset}").status_code == 200
    assert http.get("/docs/..%2Fpyproject.toml").status_code == 404
    assert http.get("/docs/index.html").status_code == 404


def test_the_chat_still_serves_beside_it(http):
    assert http.get("/").status_code == 200
