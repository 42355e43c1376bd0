"""Answer worker processes for `assistant serve`: same answers as in the server process, errors carried over,
a dead worker replaced, free workers handed out in arrival order."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from dataclasses import replace

import pytest

from assistant.errors import InputError, ReportError
from assistant.records import Filters
from ui.workers import AnswerWorkers, FairPool, WorkerFailed, default_workers

pytestmark = pytest.mark.app

QUESTIONS = ("Who chaired Working Group 2?", "What does Opinion 4 ask Member States to do about IPv6?")


@pytest.fixture(scope="module")
def workers(hash_assistant):
    pool = AnswerWorkers(hash_assistant.settings, 2).start()
    pool.start_rest()
    yield pool
    pool.close()


def test_answers_are_those_of_the_server_process(workers, hash_assistant):
    assert workers.source == hash_assistant.source and workers.clauses == hash_assistant.clauses
    assert workers.clause("part-1/p6") == hash_assistant.clause("part-1/p6")
    for question in QUESTIONS:
        assert workers.ask(question).to_dict() == hash_assistant.ask(question).to_dict()
    history = ("Who chaired Working Group 2?",)
    assert workers.ask("and the vice-chair?", history=history) == hash_assistant.ask("and the vice-chair?", history=history)
    scoped = {"filters": Filters(opinion=4), "standalone": True}
    assert workers.ask(QUESTIONS[1], **scoped) == hash_assistant.ask(QUESTIONS[1], **scoped)


def test_calls_from_many_threads_all_get_their_own_answer(workers, hash_assistant):
    expected = {q: hash_assistant.ask(q).to_dict() for q in QUESTIONS}
    failures = []

    def ask(question):
        try:
            for _ in range(5):
                assert workers.ask(question).to_dict() == expected[question]
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=ask, args=(QUESTIONS[i % 2],)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures


def test_the_users_errors_come_back_as_they_are(workers):
    with pytest.raises(InputError, match="empty"):
        workers.ask("   ")
    with pytest.raises(InputError, match="empty"):
        asyncio.run(workers.ask_async("   "))


def test_calls_on_an_event_loop_get_the_same_answers_as_threads(workers, hash_assistant):
    expected = {q: hash_assistant.ask(q).to_dict() for q in QUESTIONS}

    async def many():
        return await asyncio.gather(*(workers.ask_async(QUESTIONS[i % 2]) for i in range(8)))

    answers = asyncio.run(many())
    assert [a.to_dict() for a in answers] == [expected[QUESTIONS[i % 2]] for i in range(8)]
    history = ("Who chaired Working Group 2?",)
    assert asyncio.run(workers.ask_async("and the vice-chair?", history=history)) == hash_assistant.ask(
        "and the vice-chair?", history=history
    )


def test_a_call_on_the_servers_loop_leaves_the_pipe_blocking(workers, hash_assistant):
    """uvloop, which the server runs on, makes a watched pipe non-blocking: a reply longer than the socket buffer
    was then read half and failed with BlockingIOError. After a call the pipe must read and write whole again."""
    uvloop = pytest.importorskip("uvloop")

    async def two():
        return await asyncio.gather(*(workers.ask_async(q) for q in QUESTIONS))

    answers = uvloop.run(two())
    assert [a.to_dict() for a in answers] == [hash_assistant.ask(q).to_dict() for q in QUESTIONS]
    assert all(os.get_blocking(w.conn.fileno()) for w in workers._all)


def test_a_cancelled_call_gives_its_worker_back(hash_assistant):
    pool = AnswerWorkers(hash_assistant.settings, 1).start()
    try:

        async def cancel_one_then_ask():
            call = asyncio.ensure_future(pool.ask_async(QUESTIONS[0]))
            await asyncio.sleep(0)  # the worker is taken and the question sent
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            # the one worker answers the next call once its reply to the cancelled one is read
            return await asyncio.wait_for(pool.ask_async(QUESTIONS[1]), timeout=60)

        assert asyncio.run(cancel_one_then_ask()).to_dict() == hash_assistant.ask(QUESTIONS[1]).to_dict()
        assert pool.ask(QUESTIONS[0]).to_dict() == hash_assistant.ask(QUESTIONS[0]).to_dict()
    finally:
        pool.close()


def test_a_worker_that_dies_is_replaced(hash_assistant):
    pool = AnswerWorkers(hash_assistant.settings, 1).start()
    try:
        (worker,) = pool._all
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait(timeout=10)
        with pytest.raises(WorkerFailed, match="stopped"):
            pool.ask(QUESTIONS[0])
        deadline = time.monotonic() + 120
        while not pool._all and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pool.ask(QUESTIONS[0]).to_dict() == hash_assistant.ask(QUESTIONS[0]).to_dict()
    finally:
        pool.close()
    assert all(w.process.poll() is not None for w in [worker])


def test_a_load_error_is_raised_where_the_server_starts(hash_assistant, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ReportError):
        AnswerWorkers(replace(hash_assistant.settings, corpus_path=empty), 1).start()


def test_close_ends_the_processes(hash_assistant):
    pool = AnswerWorkers(hash_assistant.settings, 1).start()
    processes = [w.process for w in pool._all]
    pool.close()
    assert all(p.poll() is not None for p in processes)


def test_free_workers_go_to_the_longest_waiting_call():
    pool = FairPool()
    got, started = {}, []

    def take(name):
        started.append(name)
        got[name] = pool.get()

    threads = []
    for name in "abc":
        threads.append(threading.Thread(target=take, args=(name,)))
        threads[-1].start()
        while name not in started or len(pool._waiting) < len(started):
            time.sleep(0.001)
    for item in (1, 2, 3):
        pool.put(item)
    for t in threads:
        t.join()
    assert got == {"a": 1, "b": 2, "c": 3}
    pool.put(4)
    assert pool.get() == 4


def test_threads_and_coroutines_wait_in_one_line():
    pool = FairPool()
    got = {}

    async def main():
        def take():
            got["thread"] = pool.get()

        thread = threading.Thread(target=take)
        thread.start()
        while not pool._waiting:
            await asyncio.sleep(0.001)
        waiter = asyncio.ensure_future(pool.get_async())
        cancelled = asyncio.ensure_future(pool.get_async())
        while len(pool._waiting) < 3:
            await asyncio.sleep(0.001)
        cancelled.cancel()
        await asyncio.sleep(0)
        pool.put(1)  # to the thread, which asked first
        pool.put(2)  # to the coroutine; the cancelled one has left the line
        got["coroutine"] = await waiter
        await asyncio.to_thread(thread.join)
        pool.put(3)
        return await pool.get_async()

    assert asyncio.run(main()) == 3
    assert got == {"thread": 1, "coroutine": 2}


def test_no_workers_when_answers_come_from_a_language_model(hash_assistant):
    assert default_workers(replace(hash_assistant.settings, llm_base_url="http://127.0.0.1:1/v1", llm_model="m")) == 0
    assert 1 <= default_workers(hash_assistant.settings) <= 4
