"""The browser chat: a Gradio app over an `Assistant`, plus the `/ask` API endpoint.

`build_demo(assistant)` wires the page; `launch(assistant, host, port)` serves it with safe defaults
(loopback, no share link, analytics off, bounded queue, no file routes onto the disk) and the plain JSON
endpoint `POST /api/ask` of ui/api.py beside it.
"""

from __future__ import annotations

import logging
import os
import threading
from html import escape
from pathlib import Path
from typing import Any

# Read by gradio at import time and again when Blocks are built; set before either happens.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio's queue rebuilds a pandas table of its last 10,000 events after every event, for a monitoring page this
# app does not serve (enable_monitoring=False): 10-20 ms a request and growing with uptime. Never rebuild it,
# and keep few records.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(2**62))
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "100")

import gradio as gr  # noqa: E402

from assistant.errors import AssistantError, InputError  # noqa: E402
from assistant.netloc import is_loopback_host  # noqa: E402
from assistant.records import Answer, Clause, Filters  # noqa: E402
from assistant.textnorm import clean_input  # noqa: E402
from ui import render  # noqa: E402

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
WHOLE_REPORT = "Whole report"
EXAMPLES = (
    "Why did Opinions 3 and 4 stay separate?",
    "Who chaired Working Group 2?",
    "What did Ghana propose for the broadband opinion?",
    "What does Opinion 4 ask Member States to do about IPv6?",
)
MAX_HISTORY = 6  # earlier user questions passed to follow-up resolution
MAX_MARKS = 200  # quotes kept highlighted in the report view over one conversation
# Answers computed at once, over the chat, `/ask` and `/api/ask` together. The retriever and composer are
# read-only once loaded and a query runs on one onnxruntime thread that releases the GIL, so requests overlap
# safely; past a few at once on 2 cores they only queue inside the threadpool.
ASK_CONCURRENCY = 4
_ANSWER_SLOTS = threading.BoundedSemaphore(ASK_CONCURRENCY)
QUEUE_MAX = 256
MAX_FILE_SIZE = "1mb"  # nothing is uploaded; keep the route's limit small
GENERIC_FAILURE = "Sorry, something went wrong while answering. The problem has been logged; please try again."


# ---------------------------------------------------------------- filters


def filter_choices(clauses: list[Clause]) -> list[str]:
    """Whole report, then each part in document order; a part made only of Opinions is offered Opinion by Opinion."""
    parts: dict[str, list[int]] = {}
    loose: set[str] = set()  # parts with content outside any Opinion (Annex I discusses Opinions, but is a part)
    for clause in clauses:
        numbers = parts.setdefault(clause.part, [])
        if clause.opinion is None:
            if clause.kind != "heading":
                loose.add(clause.part)
        elif clause.opinion not in numbers:
            numbers.append(clause.opinion)
    choices = [WHOLE_REPORT]
    for part, numbers in parts.items():
        if numbers and part not in loose:
            choices.extend(f"Opinion {n}" for n in numbers if f"Opinion {n}" not in choices)
        else:
            choices.append(part)
    return choices


def parse_filter(value: str | None, choices: list[str]) -> Filters | None:
    """A dropdown / API filter string to Filters; None for the whole report."""
    text = " ".join((value or "").split())
    if not text or text.lower() == WHOLE_REPORT.lower():
        return None
    for choice in choices[1:]:
        if choice.lower() == text.lower():
            if choice.startswith("Opinion ") and choice[8:].isdigit():
                return Filters(opinion=int(choice[8:]))
            return Filters(part=choice)
    raise InputError(f"Unknown filter {text!r}; valid filters: {', '.join(choices)}.")


def bounded_ask(assistant, question: str, **options) -> Answer:
    """`assistant.ask`, with at most ASK_CONCURRENCY answers being computed at once in this process."""
    with _ANSWER_SLOTS:
        return assistant.ask(question, **options)


# ---------------------------------------------------------------- the page


def _read_static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def build_demo(assistant, examples: tuple[str, ...] = EXAMPLES) -> gr.Blocks:
    """The chat, sources panel, report view and `/ask` endpoint for one loaded assistant."""
    source: str = assistant.source
    clauses: list[Clause] = list(assistant.clauses)
    lookup = assistant.clause
    doc_title = Path(getattr(assistant.settings, "corpus_path", "report")).name
    choices = filter_choices(clauses)
    empty_sources = render.render_sources(source, None, lookup, doc_title)
    plain_report = render.render_report(source, clauses)

    def answer(question: str, history: list[str], filter_value: str | None) -> Answer:
        filters = parse_filter(filter_value, choices)
        return bounded_ask(assistant, question, history=tuple(history[-MAX_HISTORY:]), filters=filters)

    def respond(message: str, conversation: dict, filter_value: str | None):
        conversation = _conversation(conversation)
        message = message or ""
        messages = list(conversation["messages"])
        if clean_input(message):  # an empty bubble says nothing; the notice below does
            messages.append({"role": "user", "content": render.render_question(message)})
        try:
            result = answer(message, conversation["questions"], filter_value)
        except Exception as exc:
            if isinstance(exc, AssistantError):
                notice = str(exc)
            else:
                log.exception("answering %r failed", message[:200])
                notice = GENERIC_FAILURE
            messages.append({"role": "assistant", "content": render.render_message(notice)})
            # The text stays in the box so nothing typed is lost.
            return message, messages, {**conversation, "messages": messages}, gr.skip(), gr.skip()
        messages.append({"role": "assistant", "content": render.render_answer(result)})
        questions = [*conversation["questions"], result.question][-MAX_HISTORY:]
        # Every quote cited so far stays marked, so a citation in an earlier answer still opens on its highlight.
        cited = [*conversation["cited"], *([c.clause_id, c.start, c.end] for c in result.citations)][-MAX_MARKS:]
        marks: dict[str, list[tuple[int, int]]] = {}
        for clause_id, start, end in cited:
            marks.setdefault(clause_id, []).append((start, end))
        report_html = render.render_report(source, clauses, marks)
        sources_html = render.render_sources(source, result, lookup, doc_title)
        state = {"questions": questions, "messages": messages, "cited": cited}
        return "", messages, state, sources_html, report_html

    def respond_example(sample: list | None, conversation: dict, filter_value: str | None):
        question = sample[0] if sample else ""
        return respond(question, conversation, filter_value)

    def clear():
        return "", [], _conversation(None), empty_sources, plain_report

    def on_load(request: gr.Request):
        clause_id = (request.query_params.get("clause") if request else None) or ""
        if not clause_id:
            return gr.skip(), gr.skip()
        clause = lookup(clause_id)
        if clause is None:
            notice = f"No clause with id “{clause_id[:200]}” in this report."
            return gr.Tabs(selected="report"), render.render_report(source, clauses, notice=notice)
        return gr.Tabs(selected="report"), render.render_report(source, clauses, target=clause.id)

    def ask(question: str, history: list[str] | None = None, filters: str | None = None) -> dict:
        """Answer a question about the report with verified clause citations.

        history: earlier user questions of the conversation, oldest first (for follow-ups).
        filters: "Whole report" (default), a part such as "Part I" or "Annex I", or "Opinion N".
        """
        try:
            return answer(question, [h for h in (history or []) if isinstance(h, str)], filters).to_dict()
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        except Exception:
            log.exception("API ask failed")
            raise gr.Error(GENERIC_FAILURE, print_exception=False) from None

    with gr.Blocks(title=f"Ask {doc_title}", analytics_enabled=False, fill_width=True) as demo:
        conversation = gr.State(_conversation(None))
        gr.HTML(
            f'<div class="app-head"><h1>Ask the report</h1><p>Every answer sentence cites a clause of '
            f"<code>{escape(doc_title)}</code> with a quote checked against the file. Click a citation to see it "
            "in place.</p></div>",
            js_on_load=None,
        )
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab("Chat", id="chat", elem_id="chat-tab"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(
                            label="Conversation",
                            elem_id="chat",
                            height=470,
                            latex_delimiters=[],
                            feedback_options=None,
                            buttons=[],  # "share" posts to an outside site; "copy" would copy raw HTML
                            sanitize_html=True,
                            placeholder="Ask about the report; answers cite the clauses they rest on.",
                        )
                        with gr.Row():
                            question_box = gr.Textbox(
                                show_label=False,
                                placeholder="Ask a question about the report…",
                                elem_id="question",
                                scale=5,
                                autofocus=True,
                            )
                            filter_box = gr.Dropdown(
                                choices, value=WHOLE_REPORT, label="Search in", elem_id="filter", scale=1
                            )
                        with gr.Row():
                            ask_button = gr.Button("Ask", variant="primary", elem_id="ask")
                            clear_button = gr.Button("Clear conversation", elem_id="clear")
                        example_set = gr.Dataset(
                            components=[question_box],
                            samples=[[q] for q in examples],
                            label="Examples",
                            elem_id="examples",
                        )
                    with gr.Column(scale=2):
                        gr.HTML("<h3>Sources</h3>", js_on_load=None)
                        sources = gr.HTML(empty_sources, elem_id="sources", js_on_load=None)
            with gr.Tab("Report", id="report", elem_id="report-tab", render_children=True):
                report = gr.HTML(plain_report, elem_id="report-view", js_on_load=None)

        # The chat handlers are callable by clients (tests drive the page's own flow) but not documented:
        # the documented API is `/ask`.
        outputs = [question_box, chatbot, conversation, sources, report]
        inputs = [question_box, conversation, filter_box]
        chat: dict[str, Any] = dict(outputs=outputs, concurrency_id="ask", show_progress="minimal")
        question_box.submit(respond, inputs, api_name="chat", api_visibility="undocumented", **chat)
        ask_button.click(respond, inputs, api_visibility="private", **chat)
        example_set.click(respond_example, [example_set, conversation, filter_box], api_visibility="private", **chat)
        clear_button.click(clear, None, outputs, api_name="clear", api_visibility="undocumented", queue=False)
        chatbot.clear(clear, None, outputs, api_visibility="private", queue=False)
        demo.load(on_load, None, [tabs, report], api_visibility="private", queue=False)
        gr.api(ask, api_name="ask", concurrency_id="ask")

    demo.queue(default_concurrency_limit=ASK_CONCURRENCY, max_size=QUEUE_MAX)
    return demo


def _conversation(value: Any) -> dict:
    """The per-browser-session state: earlier questions, chat messages, quotes cited so far."""
    value = value if isinstance(value, dict) else {}
    return {key: list(value.get(key) or []) for key in ("questions", "messages", "cited")}


# ---------------------------------------------------------------- serving


def launch_options(assistant, host: str = "127.0.0.1", port: int = 7860) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch` with this project's safe defaults, and `POST /api/ask`."""
    from ui.api import api_routes

    settings = assistant.settings
    blocked = [str(Path(p).resolve()) for p in (getattr(settings, "index_dir", None),) if p]
    corpus = getattr(settings, "corpus_path", None)
    if corpus:
        blocked.append(str(Path(corpus).resolve().parent))
    return dict(
        server_name=host,
        server_port=port,
        share=False,
        show_error=False,
        max_file_size=MAX_FILE_SIZE,
        blocked_paths=blocked,
        enable_monitoring=False,
        mcp_server=False,
        pwa=False,
        ssr_mode=False,
        run_history=False,
        footer_links=["api"],
        css=_read_static("app.css"),
        js=_read_static("app.js"),
        # Gradio's FastAPI app starts with the JSON endpoint's routes; its own schema (every internal route)
        # is not served: /openapi.json and /docs describe /api/ask.
        app_kwargs={
            "routes": api_routes(assistant),
            "openapi_url": None,
        },
    )


def launch(assistant, host: str = "127.0.0.1", port: int = 7860, **kw) -> gr.Blocks:
    """Serve the chat; blocks until stopped unless `prevent_thread_lock=True`. Returns the Blocks."""
    for unsafe in ("share", "allowed_paths"):
        if kw.get(unsafe):
            raise ValueError(f"launch(): {unsafe} is not supported; the app serves nothing from disk or via tunnels")
    if not is_loopback_host(host):
        log.warning("serving on %s: the chat is reachable from other machines", host)
    demo = build_demo(assistant)
    options = launch_options(assistant, host, port)
    options.update(kw)
    demo.launch(**options)
    return demo
