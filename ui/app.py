"""The browser chat: a Gradio app over an `Assistant`, plus the `/ask` API endpoint.

`build_demo(assistant)` wires the page; `launch(assistant, host, port)` serves it with safe defaults
(loopback, no share link, analytics off, bounded queue, no file routes onto the disk) and the plain JSON
endpoint `POST /api/ask` of ui/api.py beside it.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import logging
import os
import threading
import typing
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread

# Read by gradio at import time and again when Blocks are built; set before either happens.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio's queue rebuilds a pandas table of its last 10,000 events after every event, for a monitoring page this
# app does not serve (enable_monitoring=False): 10-20 ms a request and growing with uptime. Never rebuild it,
# and keep few records.
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(2**62))
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "100")

from ui.gradio_import import import_gradio  # noqa: E402

gr = import_gradio()  # `import gradio` without its stub rewriting and pandas (see ui/gradio_import.py)

from assistant.evaluation import saved_cases  # noqa: E402
from assistant.query import language  # noqa: E402
from assistant.errors import AssistantError, InputError  # noqa: E402
from assistant.netloc import is_loopback_host  # noqa: E402
from assistant.records import Answer, Clause, Filters  # noqa: E402
from assistant.settings import PROJECT_ROOT, Settings  # noqa: E402
from assistant.textnorm import clean_input  # noqa: E402
from ui import guard, render  # noqa: E402
from ui.workers import FairPool, load_then_freeze  # noqa: E402

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
FONT_FILE = "inter-latin-wght-normal.woff2"  # Inter 4, latin subset, all weights in one file (48 KB; OFL.txt)
WHOLE_REPORT = render.WHOLE_REPORT
EXAMPLES = (
    "Why did Opinions 3 and 4 stay separate?",
    "Who chaired Working Group 2?",
    "What did Ghana propose for the broadband opinion?",
    "What does Opinion 4 ask Member States to do about IPv6?",
)
MAX_HISTORY = 6  # earlier turns passed to follow-up resolution
MAX_TURN_CHARS = 2000  # an earlier question from the client, as long as a question may be
MAX_CITED = 20  # clause ids per earlier turn; an answer cites at most a handful
# Answers computed at once, over the chat, `/ask` and `/api/ask` together. The retriever and composer are
# read-only once loaded and a query runs on one onnxruntime thread that releases the GIL, so requests overlap
# safely; past a few at once on 2 cores they only queue inside the threadpool.
ASK_CONCURRENCY = 4
_ANSWER_SLOTS = FairPool()  # slots taken in arrival order (a Semaphore lets late callers overtake; ui/workers.py)
for _slot in range(ASK_CONCURRENCY):
    _ANSWER_SLOTS.put(_slot)
QUEUE_MAX = 256
QUEUE_STATUS_SECONDS = 10.0  # how often a queued client hears its place in the queue (see build_demo)
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
    slot = _ANSWER_SLOTS.get()
    try:
        return assistant.ask(question, **options)
    finally:
        _ANSWER_SLOTS.put(slot)


async def ask_off_loop(assistant, question: str, **options) -> Answer:
    """The answer, awaited on the server's event loop: from an answer worker directly when the assistant is one
    (`AnswerWorkers.ask_async`: the worker's reply is read on the loop), else `bounded_ask` in a thread.

    Gradio runs a plain function in a thread of its pool; every chat and `/ask` call then cost a thread
    hand-over and a thread blocked on the worker's pipe, both under the one interpreter lock the queue and the
    SSE streams need."""
    ask_async = getattr(assistant, "ask_async", None)
    if ask_async is not None:
        return await ask_async(question, **options)
    return await anyio.to_thread.run_sync(functools.partial(bounded_ask, assistant, question, **options))


def resolved_hints(fn):
    """`fn` with its annotations evaluated once. This module's annotations are strings (`from __future__ import
    annotations`), and Gradio reads an endpoint's type hints at every event: each call compiled and evaluated
    the same strings again."""
    fn.__annotations__ = typing.get_type_hints(fn)
    return fn


# ---------------------------------------------------------------- the page


def _read_static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def font_css() -> str:
    """@font-face for the shipped typeface, inlined as a data URL: no file route and no font CDN."""
    data = base64.b64encode((STATIC / "fonts" / FONT_FILE).read_bytes()).decode("ascii")
    return (
        '@font-face { font-family: "Inter"; font-style: normal; font-weight: 100 900; font-display: swap; '
        f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}\n'
    )


def theme() -> gr.themes.Base:
    """Gradio's default look with the shipped typeface instead of fonts fetched from a CDN."""
    return gr.themes.Default(
        font=[gr.themes.Font("Inter"), "ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "Consolas", "monospace"],
    )


def build_demo(assistant, examples: tuple[str, ...] = EXAMPLES) -> gr.Blocks:
    """The chat page and its endpoints for one loaded assistant.

    The page (`render.render_shell` + `static/app.js`) keeps the conversation in the browser and calls two
    undocumented endpoints, `/turn` (one answer, rendered) and `/save_case`; `/ask` is the documented JSON API.
    """
    source: str = assistant.source
    clauses: list[Clause] = list(assistant.clauses)
    lookup = assistant.clause
    doc_title = Path(getattr(assistant.settings, "corpus_path", "report")).name
    choices = filter_choices(clauses)
    shell = render.render_shell(doc_title, choices, examples, render.render_report(source, clauses))

    async def answer(question: str, history: Any, filter_value: str | None, standalone: bool = False) -> Answer:
        filters = parse_filter(filter_value, choices)
        turns = clean_turns(history, lookup)
        if standalone:
            return await ask_off_loop(assistant, question, history=turns, filters=filters, standalone=True)
        return await ask_off_loop(assistant, question, history=turns, filters=filters)

    async def turn(
        question: str, history: list | None = None, scope: str | None = None, standalone: bool = False
    ) -> dict:
        """One chat turn: the answer JSON with its HTML, Markdown and marked report clauses, or an error."""
        scope_name = scope if scope and not render.is_whole_report(scope) else WHOLE_REPORT
        try:
            text = clean_input(question) if question else ""
            # the language model is asked (and, in the first seconds after the start, loaded) only for a question
            # that is not plainly English: off the event loop
            if text and not language.obviously_english(text) and not await anyio.to_thread.run_sync(
                language.is_english, text
            ):
                result = language.not_english_answer(text)
            else:
                result = await answer(question or "", history, scope, bool(standalone))
        except AssistantError as exc:
            return {"ok": False, "error": str(exc), "input": isinstance(exc, InputError)}
        except Exception:
            log.exception("answering %r failed", (question or "")[:200])
            return {"ok": False, "error": GENERIC_FAILURE, "input": False}
        # ~1 ms of rendering, on the loop
        marks = render.citation_marks(result.citations)
        return {
            "ok": True,
            "scope": scope_name,
            "answer": result.to_dict(),
            "html": render.render_turn(source, result, lookup, scope_name, doc_title),
            "markdown": render.answer_markdown(result, scope_name, doc_title),
            "clauses": render.render_marked_clauses(source, clauses, marks),
        }

    def save_case(case: dict | None = None) -> dict:
        """Append a chat answer to the saved question file in the eval format."""
        case = case if isinstance(case, dict) else {}
        try:
            record = saved_cases.case_record(
                str(case.get("question") or ""),
                history=_strings(case.get("history")),
                evidence=_strings(case.get("evidence")),
                facts=_strings(case.get("facts")),
                answerable=bool(case.get("answerable", True)),
                failing=bool(case.get("failing")),
                note=str(case.get("note") or ""),
                scope=None if render.is_whole_report(str(case.get("scope") or "")) else str(case["scope"]),
                source=source,
            )
            path = Path(getattr(assistant.settings, "saved_cases_path", Settings().saved_cases_path))
            case_id = saved_cases.append_case(path, record)
        except AssistantError as exc:
            return {"ok": False, "error": str(exc)}
        except Exception:
            log.exception("saving a test case failed")
            return {"ok": False, "error": GENERIC_FAILURE}
        return {"ok": True, "id": case_id, "path": _shown_path(path)}

    async def ask(question: str, history: list | None = None, filters: str | None = None) -> dict:
        """Answer a question about the report with verified clause citations.

        history: earlier user questions of the conversation, oldest first (for follow-ups): each a string or
            {"question": str, "cited": [clause ids]}.
        filters: "Whole report" (default), a part such as "Part I" or "Annex I", or "Opinion N".
        """
        try:
            question, turns, filters = guard.api_arguments(question, history, filters, MAX_HISTORY)
            return (await answer(question, turns, filters)).to_dict()
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        except Exception:
            log.exception("API ask failed")
            raise gr.Error(GENERIC_FAILURE, print_exception=False) from None

    with _no_interim_apps(), gr.Blocks(title=f"Ask {doc_title}", analytics_enabled=False, fill_width=True) as demo:
        gr.HTML(shell, elem_id="chat-app", js_on_load=None, apply_default_css=False)
        gr.api(resolved_hints(ask), api_name="ask", concurrency_id="ask")
        # The page's own calls: reachable by clients (tests drive them) but not in the documented API.
        gr.api(resolved_hints(turn), api_name="turn", concurrency_id="ask", api_visibility="undocumented")
        gr.api(resolved_hints(save_case), api_name="save_case", api_visibility="undocumented")

    # Under the 40-client load test the time goes to the answers (~18 ms of server CPU each) and to Gradio's queue
    # protocol (~9 ms more per call than POST /api/ask, ~12 ms of gradio_client CPU): in one process, all of it
    # under one GIL on two cores, hence `assistant serve`'s answer worker processes (ui/workers.py). Tried and
    # measured, 6 runs each at load average 2-4: starting chat and /ask events at once (limit 40, the answer slots
    # parking the rest) cut the queue's position messages from 1,417 to 463 per 400 requests but moved neither
    # server CPU (28.9 → 28.3 ms/request) nor p95 (2.6 → 2.9 s, within the noise), so the limit stays
    # ASK_CONCURRENCY. `queue=False` would change nothing for gradio_client, which always joins the queue.
    # Queue positions go out every QUEUE_STATUS_SECONDS, not to every waiting client each time an event starts
    # (Gradio's "auto"): with 40 clients that is dozens of SSE messages per answer, which no page of this app
    # shows. Measured under the 40-client load test with 2 answer workers, 2 runs each at load average 2-3 from
    # other work: the server process's CPU per request 15.6-18.8 → 13.2-14.8 ms, gradio_client's 15.8-18.3 →
    # 12.0-13.0 ms.
    with _no_interim_apps():
        demo.queue(
            default_concurrency_limit=ASK_CONCURRENCY, max_size=QUEUE_MAX, status_update_rate=QUEUE_STATUS_SECONDS
        )
    return demo


@contextmanager
def _no_interim_apps():
    """Gradio builds a FastAPI app of ~85 routes when a Blocks is created, again when it is closed and again when
    its queue is set, then `launch` builds the one it serves. The first three are never served; at 0.29 s each
    (measured on this machine at load average 4) they are skipped, and `demo.app` is None until `launch`."""
    from gradio.routes import App

    built = App.__dict__.get("create_app")
    if not isinstance(built, staticmethod):  # another gradio: leave it alone
        yield
        return
    App.create_app = staticmethod(lambda *args, **kwargs: None)
    try:
        yield
    finally:
        App.create_app = built


def clean_turns(history: Any, lookup) -> tuple[str | dict, ...]:
    """Earlier turns from a client: plain questions, or {"question", "cited"} with only known clause ids kept."""
    turns: list[str | dict] = []
    for item in list(history or [])[-MAX_HISTORY:] if isinstance(history, (list, tuple)) else []:
        if isinstance(item, str):
            turns.append(item[:MAX_TURN_CHARS])
        elif isinstance(item, dict) and isinstance(item.get("question"), str):
            cited = [c for c in (item.get("cited") or [])[:MAX_CITED] if isinstance(c, str) and lookup(c)]
            turns.append({"question": item["question"][:MAX_TURN_CHARS], "cited": cited})
    return tuple(turns)


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _shown_path(path: Path) -> str:
    """The saved file as a user would name it: relative to the project when inside it."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- serving


def launch_options(assistant, host: str = "127.0.0.1", port: int = 7860) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch` with this project's safe defaults, and `POST /api/ask`."""
    from starlette.middleware import Middleware

    from ui.api import api_routes

    settings = assistant.settings
    request_guard = Middleware(
        guard.RequestGuard,
        max_body_bytes=settings.max_request_bytes,
        allowed_origins=settings.allowed_origins,
        api_arity={"ask": 3},  # question, history, filters: raw HTTP callers may send only the question
    )
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
        # Governs only launch's own request to the URL it serves; this server has no TLS (see `launch`), and
        # verifying would load every CA certificate for a plain-http loopback call: 0.27 s of the start.
        ssl_verify=False,
        state_session_capacity=settings.session_cap,
        blocked_paths=blocked,
        enable_monitoring=False,
        mcp_server=False,
        pwa=False,
        ssr_mode=False,
        run_history=False,
        footer_links=["api"],
        theme=theme(),
        css=font_css() + _read_static("app.css"),
        head=f"<style>{_read_static('page.css')}</style>",
        js=_read_static("app.js"),
        # Gradio's FastAPI app starts with the JSON endpoint's routes; its own schema (every internal route)
        # is not served: /openapi.json and /docs describe /api/ask.
        app_kwargs={
            "middleware": [request_guard],
            "routes": api_routes(assistant),
            "openapi_url": None,
        },
    )


def skip_login_check(app) -> bool:
    """Gradio checks a login before `queue/join` and `queue/data`, the two requests of every chat and `/ask` call,
    with a plain function that FastAPI runs in its thread pool: two thread hand-overs per call, under the
    interpreter lock the event loop needs (~10% of the server process's samples under the 40-client load test).
    This app has no login (`launch` takes no `auth`), so the check is overridden, through FastAPI's
    `dependency_overrides`, by a coroutine with nothing to check. Returns whether it was."""
    if app is None or getattr(app, "auth", None) is not None or getattr(app, "auth_dependency", None) is not None:
        return False
    checks = {
        dependency.call
        for route in _all_routes(app.router)
        for dependency in getattr(getattr(route, "dependant", None), "dependencies", ())
        if getattr(dependency.call, "__name__", "") == "login_check" and not asyncio.iscoroutinefunction(dependency.call)
    }

    async def no_login() -> None:
        """No login to check: the app is served without `auth`."""

    for check in checks:
        app.dependency_overrides[check] = no_login
    return bool(checks)


def _all_routes(router):
    for route in getattr(router, "routes", ()):
        inner = getattr(route, "original_router", None)  # an included router (FastAPI ≥ 0.13x)
        if inner is not None:
            yield from _all_routes(inner)
        else:
            yield route


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
    if options.get("ssl_keyfile") and "ssl_verify" not in kw:
        options["ssl_verify"] = True
    # Started first: the sweeper finds the session store once launch has made it.
    demo.session_sweeper = guard.SessionSweeper(demo, assistant.settings.session_ttl).start()
    block = not options.pop("prevent_thread_lock", False)
    demo.launch(**options, prevent_thread_lock=True)
    skip_login_check(demo.app)
    # The language model (~1.4 s of CPU, mostly xz decompression) loads once the server answers rather than during
    # its start, where it took a core from gradio's import and the index load; a question that needs it first
    # waits for it (language.load holds a lock).
    threading.Thread(target=load_then_freeze, args=(language.load,), name="load-language-model", daemon=True).start()
    if block:
        demo.block_thread()
    return demo
