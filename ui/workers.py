"""Answers computed in worker processes for `assistant serve`, each holding its own loaded `Assistant`.

Why: in one process every answer (~15-20 ms of Python, see below) shares the interpreter lock with Gradio's
queue, SSE streams and uvicorn, so the server used one core at most: ~28 ms of server CPU per gradio_client call
capped it near 35 req/s, and 40 looping clients waited 2-2.6 s at p95 (benchmarks/load_test.py, 2 cores). With the
answers in their own processes, the server process keeps only the HTTP and queue work and the answers run on the
other core beside it. The start gets shorter too: the first worker loads the index while the server process
imports gradio, instead of the two taking turns at one lock.

Measured on the 2-core machine against the single-process server, each pair run back to back (the machine shared
with other work throughout, so the load average is given):
  - serve → first /api/ask answer, 5 runs each at load 2.0-2.2: median 4.68 → 3.62 s (max 5.10 → 3.85 s);
  - 40 gradio_client clients × 10, 4 runs each at load 1.4-3 with the second core mostly free: p95 2.0-3.3 →
    1.5-2.0 s, 30-35 → 42-55 req/s; `POST /api/ask` 54-56 → 88-106 req/s;
  - but with another process keeping a core busy, 19-22 against 24-33 req/s: the split costs ~5 ms more CPU per
    request (the pipe, pickling, and a query-vector cache per worker instead of one), which only pays while the
    second core is free. `--workers 0` serves the old way.

`AnswerWorkers` stands in for an `Assistant` where the chat and the API use one (`source`, `clauses`, `clause`,
`settings`, `ask`), so ui/app.py and ui/api.py serve either. Each worker answers one question at a time; a call
waits for a free worker in arrival order. The answers are the same: every worker runs `Assistant.ask` over the
same index, and the `Answer` comes back pickled. A worker that dies is replaced; the call it was answering fails
with a logged error.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
import traceback
from multiprocessing.connection import Connection, Pipe
from collections import deque
from dataclasses import dataclass
from typing import Any

from assistant.errors import AssistantError

log = logging.getLogger(__name__)

# One worker per core: an answer is CPU work, so more workers than cores only take turns. Capped because each
# worker holds its own loaded assistant (~155 MB resident, measured after `Assistant.load` of the WTPF report).
MAX_WORKERS = 4
# A fresh interpreter that imports this module only: the server process has threads (gradio's import) by the time
# a worker starts, so no fork; and not multiprocessing's "spawn", which would import the server's `__main__`
# again in the child (for `python -m assistant`, the whole command line).
# Asked once by each worker after loading (see _warm_up); in none of the question files, so no later answer finds
# its query vector already cached.
# The third gathers doers across the report: its first ask compiles a pattern per name (~0.4 s), which the first
# users' answers paid under load (a fresh server's first 400 requests: p95 1.8-1.9 s against 0.7-0.9 s warm).
WARM_UP = ("What is the forum about?", "What did Brazil propose about Opinion 5?", "Which delegations made proposals?")
_CHILD = "import sys; from ui.workers import _child_main; _child_main(int(sys.argv[1]))"


def default_workers(settings) -> int:
    """Worker processes for this machine; 0 (answer in the server process) when answers come from a language
    model endpoint, where a call waits on the network rather than the CPU and threads overlap it for free."""
    if getattr(settings, "llm_base_url", None) and getattr(settings, "llm_model", None):
        return 0
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


@dataclass
class _Worker:
    process: Any
    conn: Any


class FairPool:
    """Free workers handed out in the order calls asked for one.

    `queue.Queue` is not fair under load: a thread that finds the queue empty waits, and when it is woken but a
    newly arriving thread has taken the item first, it waits again at the back of the line. With 40 clients that
    left some requests waiting several times longer than the rest. Here a free worker goes straight to the longest
    waiting call, whether it waits in a thread (`get`) or on an event loop (`get_async`)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._free: deque = deque()
        # a thread's [item, lock held until the item is handed over], or an event loop's future
        self._waiting: deque = deque()

    def get(self):
        with self._lock:
            if self._free:  # free workers exist only while no call waits
                return self._free.popleft()
            slot = [None, threading.Lock()]
            slot[1].acquire()
            self._waiting.append(slot)
        slot[1].acquire()
        return slot[0]

    async def get_async(self):
        """`get` for a coroutine: waits on its event loop, not in a thread."""
        with self._lock:
            if self._free:
                return self._free.popleft()
            future = asyncio.get_running_loop().create_future()
            self._waiting.append(future)
        try:
            return await future
        except asyncio.CancelledError:
            with self._lock:
                waiting = future in self._waiting
                if waiting:
                    self._waiting.remove(future)
            if not waiting and future.done() and not future.cancelled():
                self.put(future.result())  # handed over as the call was cancelled: pass it on
            # else: still on its way to the future, which `_hand_over` finds cancelled and passes it on
            raise

    def put(self, item) -> None:
        with self._lock:
            if self._waiting:
                slot = self._waiting.popleft()
                if isinstance(slot, asyncio.Future):
                    slot.get_loop().call_soon_threadsafe(self._hand_over, slot, item)
                else:
                    slot[0] = item
                    slot[1].release()
            else:
                self._free.append(item)

    def _hand_over(self, future: asyncio.Future, item) -> None:
        if future.done():  # cancelled while the item was on its way
            self.put(item)
        else:
            future.set_result(item)


class WorkerFailed(RuntimeError):
    """An answer failed in a worker with an error that is not the user's (the worker's traceback is its text)."""


class AnswerWorkers:
    """`count` processes answering questions for one server; see the module docstring."""

    def __init__(self, settings, count: int, *, progress: bool = False):
        if count < 1:
            raise ValueError("AnswerWorkers needs at least one worker")
        self.settings = settings
        self.count = count
        self.progress = progress
        self.source: str = ""
        self.clauses: list = []
        self._by_id: dict = {}
        self._idle = FairPool()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False

    # ------------------------------------------------------------ start and stop

    def start(self) -> "AnswerWorkers":
        """Start the first worker and wait until it has loaded; its load error is raised here, as `Assistant.load`
        would raise it. The others start with `start_rest`."""
        first = self._spawn(progress=self.progress)
        self.source, self.clauses = self._wait_ready(first)
        self._by_id = {c.id: c for c in self.clauses}
        self._idle.put(first)
        return self

    def start_rest(self) -> None:
        """Start the other workers one after another in the background. Called once the server answers: a load
        started earlier takes a core from gradio's import and the server's start (measured: first answer
        3.1 s → 5-6 s with a second worker loading during the import, on 2 cores)."""
        if self.count > 1:
            threading.Thread(target=self._start_rest, name="start-answer-workers", daemon=True).start()

    def _start_rest(self) -> None:
        for _ in range(self.count - 1):
            if not self._add_worker():
                return

    def _add_worker(self) -> bool:
        try:
            worker = self._spawn(progress=False)
            self._wait_ready(worker)
        except Exception:
            log.exception("an answer worker failed to start")
            return False
        if self._closed:
            self._stop(worker)
            return False
        self._idle.put(worker)
        return True

    def _spawn(self, progress: bool) -> _Worker:
        ours, theirs = Pipe(duplex=True)
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _CHILD, str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                env=os.environ.copy(),
            )
        finally:
            theirs.close()  # the child holds its end: when it exits, recv() here ends instead of waiting forever
        worker = _Worker(process, ours)
        with self._lock:
            self._all.append(worker)
        ours.send((self.settings, progress, logging.getLogger().level))
        return worker

    def _wait_ready(self, worker: _Worker):
        try:
            status, *payload = worker.conn.recv()
        except (EOFError, OSError):
            self._stop(worker)
            raise WorkerFailed(f"the answer worker exited while loading (exit code {worker.process.poll()})")
        if status != "ready":
            self._stop(worker)
            raise payload[0]
        return payload

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            self._stop(worker)

    def _stop(self, worker: _Worker) -> None:
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)
        try:
            worker.conn.close()  # the worker sees end-of-file and returns
        except OSError:
            pass
        try:
            worker.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            worker.process.kill()
            worker.process.wait(timeout=5)

    # ------------------------------------------------------------ what the app uses

    def clause(self, clause_id: str):
        return self._by_id.get(clause_id)

    def ask(self, question: str, **options):
        """`Assistant.ask` in the next free worker: its Answer, or its error raised here."""
        worker = self._idle.get()
        try:
            worker.conn.send((question, options))
            status, result = worker.conn.recv()
        except (EOFError, OSError, pickle.PicklingError) as exc:
            code = worker.process.poll()
            self._stop(worker)
            if not self._closed:
                threading.Thread(target=self._add_worker, name="replace-answer-worker", daemon=True).start()
            raise WorkerFailed(f"the answer worker stopped (exit code {code}): {type(exc).__name__}") from None
        self._idle.put(worker)
        if status == "error":
            raise result
        return result

    async def ask_async(self, question: str, **options):
        """`ask` for a coroutine: the free worker is awaited and its reply read on the event loop, so a call
        takes no thread of the server's pool and no thread hand-over. A call cancelled while its worker answers
        leaves the reply to be read when it comes, and the worker goes back to the pool then."""
        loop = asyncio.get_running_loop()
        worker = await self._idle.get_async()
        reply = loop.create_future()
        fd = worker.conn.fileno()

        def readable() -> None:
            loop.remove_reader(fd)
            try:
                # uvloop (the server's loop) makes a watched descriptor non-blocking, so a reply longer than the
                # socket's buffer ended in BlockingIOError half-read (1 of 400 requests in a load test) and
                # cost the worker: read it whole, blocking, as `ask` does
                os.set_blocking(fd, True)
                message = worker.conn.recv()
            except (EOFError, OSError, pickle.UnpicklingError) as exc:
                self._failed(worker, exc, reply)
                return
            self._idle.put(worker)
            if not reply.done():
                reply.set_result(message)

        try:
            os.set_blocking(fd, True)  # a long history is sent whole, whatever the last watch left
            worker.conn.send((question, options))
            loop.add_reader(fd, readable)
        except (EOFError, OSError, pickle.PicklingError) as exc:
            self._failed(worker, exc, reply)
        status, result = await reply
        if status == "error":
            raise result
        return result

    def _failed(self, worker: _Worker, exc: BaseException, reply: asyncio.Future) -> None:
        """A worker that stopped while answering an `ask_async` call: the call fails; the worker is stopped and
        replaced off the event loop (stopping waits for the process)."""
        code = worker.process.poll()

        def replace() -> None:
            self._stop(worker)
            if not self._closed:
                self._add_worker()

        threading.Thread(target=replace, name="replace-answer-worker", daemon=True).start()
        if not reply.done():
            reply.set_exception(WorkerFailed(f"the answer worker stopped (exit code {code}): {type(exc).__name__}"))


def _child_main(fd: int) -> None:
    """A worker's life: read its settings, load the assistant, say so (with the report and its clauses), answer
    until end-of-file."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server; the worker ends when its pipe closes
    conn = Connection(fd)
    try:
        settings, progress, log_level = conn.recv()
    except (EOFError, OSError):
        return
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from assistant.cli import quiet_libraries

    quiet_libraries()
    try:
        from assistant.service import Assistant

        assistant = Assistant.load(settings, progress=progress)
    except BaseException as exc:  # noqa: BLE001 - reported to the server process, which raises it
        _send(conn, ("error", _portable(exc)))
        return
    _warm_up(assistant)
    gc.freeze()  # the loaded report and index live as long as the worker: no collection scans them again
    if not _send(conn, ("ready", assistant.source, assistant.clauses)):
        return
    # `Assistant.ask` checks the language of a question that is not plainly English; the model (~1.4 s to load)
    # loads beside the first answers rather than inside the first such question (language.load holds a lock).
    from assistant.query import language

    threading.Thread(target=load_then_freeze, args=(language.load,), name="load-language-model", daemon=True).start()
    while True:
        try:
            question, options = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            reply = ("ok", assistant.ask(question, **options))
        except Exception as exc:  # noqa: BLE001 - the server process logs or shows it as it would its own
            reply = ("error", _portable(exc))
        if not _send(conn, reply):
            return


def load_then_freeze(load) -> None:
    """Run `load`, then move every object alive to the collector's permanent generation (`gc.freeze`): what a
    process loads once (the index, the language model, gradio's modules and app) is never freed, yet the
    collector kept walking it. In the server process (~139,000 tracked objects once started), CPU time inside
    the collector over one 40-client × 10 load test, measured with gc.callbacks: 234 → 74 ms (0.6 → 0.2 ms a
    request), and no full collection, which stops the event loop for its whole walk, any more."""
    try:
        load()
    finally:
        gc.freeze()


def _warm_up(assistant) -> None:
    """Ask WARM_UP once, so that the first user's answer does not pay for what the answer path sets up on first use
    (the query model's first run, the plans' lazily built tables): 50-85 ms each, measured in a fresh process,
    against 4-35 ms once warm. The first worker does this while the server process is still importing gradio."""
    for question in WARM_UP:
        try:
            assistant.ask(question)
        except Exception:  # noqa: BLE001 - a warm-up that fails costs nothing; the real question will report it
            log.debug("warm-up question failed", exc_info=True)


def _send(conn, message) -> bool:
    try:
        conn.send(message)
        return True
    except (BrokenPipeError, EOFError, OSError):
        return False


def _portable(exc: BaseException) -> BaseException:
    """The error as the server process should raise it: the user's errors as they are, others with the
    worker's traceback as their message (their own class may not survive pickling)."""
    if isinstance(exc, AssistantError):
        try:
            pickle.loads(pickle.dumps(exc))
            return exc
        except Exception:  # noqa: BLE001
            return AssistantError(str(exc))
    return WorkerFailed("".join(traceback.format_exception(exc)).rstrip())
