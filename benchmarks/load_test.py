"""Load test for a running chat server: N concurrent clients × M questions, each client asking its next
question once the last is answered.

    .venv/bin/python benchmarks/load_test.py http://127.0.0.1:7860 [--clients 40] [--questions 10] [--api json]

`--api gradio` (default) asks Gradio's `/ask` through gradio_client; `--api json` posts to `/api/ask` with httpx.
Prints latency p50/p95/max (per request, seen by the client), requests per second (from the moment every
client is connected to the last answer) and the error count. Loopback servers only.

`--server-pid PID` also prints the server's CPU time per request (Linux /proc), the server process and its
answer workers (`assistant serve --workers`) together, and the workers' share apart: on a machine shared with
other work, latency moves with everything else running, while the server's CPU per request mostly does not.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# gradio_client sends telemetry unless this is set, whatever its constructor argument says.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from assistant.netloc import is_loopback_url  # noqa: E402

DEV_SET = Path(__file__).resolve().parent.parent / "corpus" / "questions" / "dev.jsonl"
FALLBACK_QUESTIONS = [
    "Why did Opinions 3 and 4 stay separate?",
    "Who chaired Working Group 2?",
    "What did Ghana propose for the broadband opinion?",
    "How many delegates attended the Forum?",
    "What does Opinion 1 say about Internet Exchange Points?",
    "What does Opinion 5 say about multi-stakeholderism?",
    "Who opened the Policy Forum?",
    "What is the capital of Australia?",
]
MAX_CLIENTS = 200
MAX_QUESTIONS = 1000


def load_questions(path: Path | None) -> list[tuple[str, list[str]]]:
    """(question, history) pairs from a JSONL question set, else a small built-in mix."""
    path = path or (DEV_SET if DEV_SET.exists() else None)
    fallback = [(q, []) for q in FALLBACK_QUESTIONS]
    if path is None:
        return fallback
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            question, history = item.get("question"), item.get("history") or []
            if isinstance(question, str) and question.strip():
                questions.append((question, [h for h in history if isinstance(h, str)]))
    return questions or fallback


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of another process, from /proc; None where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15)
    except (OSError, ValueError, IndexError):
        return None


def machine_cpu_seconds() -> tuple[float, float] | None:
    """(busy, idle) CPU seconds of the whole machine since boot, all cores, from /proc/stat; None elsewhere."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = fields
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq + steal) / tick, (idle + iowait) / tick


def child_pids(pid: int) -> list[int]:
    """Every live process below `pid` (its answer workers), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_cpu_seconds(pid: int) -> tuple[float | None, float]:
    """CPU seconds of `pid` and, apart, of the processes below it."""
    children = [process_cpu_seconds(c) for c in child_pids(pid)]
    return process_cpu_seconds(pid), sum(c for c in children if c is not None)


def _gradio_asker(url: str, timeout: float):
    from gradio_client import Client

    # A plain-http URL has no certificate to verify, yet with verification on gradio_client builds a fresh TLS
    # context (loading every CA certificate) for each request: ~100 ms of client CPU a request, taken from the
    # cores the server under test needs.
    client = Client(
        url,
        verbose=False,
        download_files=False,
        analytics_enabled=False,
        ssl_verify=url.lower().startswith("https:"),
        httpx_kwargs={"timeout": timeout},
    )
    return lambda question, history: client.predict(question, history or None, api_name="/ask")


def _json_asker(url: str, timeout: float):
    import httpx

    http = httpx.Client(base_url=url.rstrip("/"), timeout=timeout)

    def ask(question: str, history: list[str]) -> dict:
        response = http.post("/api/ask", json={"question": question, "history": history})
        response.raise_for_status()
        return response.json()

    return ask


ASKERS = {"gradio": _gradio_asker, "json": _json_asker}


def run(
    url: str,
    clients: int,
    per_client: int,
    questions: list[tuple[str, list[str]]],
    timeout: float,
    api: str = "gradio",
    server_pid: int | None = None,
) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)  # the clients, and this thread starting the clock
    finished: list[float] = []

    def worker(index: int) -> None:
        try:
            ask = ASKERS[api](url, timeout)
        except Exception as exc:  # a client that cannot connect fails all its questions
            with lock:
                errors.extend([f"connect: {exc}"] * per_client)
            start_gate.abort()
            return
        try:
            start_gate.wait(timeout=timeout)
        except threading.BrokenBarrierError:
            pass
        for i in range(per_client):
            question, history = questions[(index * per_client + i) % len(questions)]
            t0 = time.perf_counter()
            try:
                result = ask(question, history)
                if not isinstance(result, dict) or "answer" not in result:
                    raise ValueError(f"unexpected reply {str(result)[:80]!r}")
            except Exception as exc:
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
                continue
            with lock:
                latencies.append(time.perf_counter() - t0)
        with lock:
            finished.append(time.perf_counter())

    with ThreadPoolExecutor(max_workers=clients) as pool:
        futures = [pool.submit(worker, i) for i in range(clients)]
        try:
            start_gate.wait(timeout=timeout)  # every client connected: the clock starts
        except threading.BrokenBarrierError:
            pass
        started, cpu, machine = time.perf_counter(), _cpu_seconds(), machine_cpu_seconds()
        server_cpu, workers_cpu = tree_cpu_seconds(server_pid) if server_pid else (None, 0.0)
        for future in futures:
            future.result()
    wall, cpu = max(finished, default=started) - started, _cpu_seconds() - cpu
    machine_after = machine_cpu_seconds()
    server_after, workers_after = tree_cpu_seconds(server_pid) if server_pid else (None, 0.0)
    measured = server_cpu is not None and server_after is not None and latencies
    workers_ms = round(1000 * (workers_after - workers_cpu) / len(latencies), 1) if measured else None
    server_ms = (
        round(1000 * (server_after - server_cpu) / len(latencies) + workers_ms, 1) if measured else None
    )
    # The whole machine's CPU over the run, in cores: what this test used (clients, server and workers) and the
    # rest, other processes sharing the machine, whose load moves the latencies.
    busy_cores = other_cores = None
    if machine and machine_after and wall > 0:
        busy, idle = machine_after[0] - machine[0], machine_after[1] - machine[1]
        busy_cores = round(busy / wall, 2)
        if measured:
            ours = cpu + (server_after - server_cpu) + (workers_after - workers_cpu)
            other_cores = round(max(0.0, busy - ours) / wall, 2)
    return {
        "api": api,
        "clients": clients,
        "questions_per_client": per_client,
        "requests": clients * per_client,
        "ok": len(latencies),
        "errors": len(errors),
        "p50_s": round(percentile(latencies, 50), 3),
        "p95_s": round(percentile(latencies, 95), 3),
        "max_s": round(max(latencies, default=0.0), 3),
        "mean_s": round(statistics.fmean(latencies), 3) if latencies else 0.0,
        "throughput_rps": round(len(latencies) / wall, 1) if wall > 0 else 0.0,
        "wall_s": round(wall, 1),
        # The clients share the machine with the server; their own CPU use is part of the picture.
        "client_cpu_s": round(cpu, 1),
        "server_cpu_ms_per_request": server_ms,  # the server process and its answer workers
        "workers_cpu_ms_per_request": workers_ms,
        "client_cpu_ms_per_request": round(1000 * cpu / len(latencies), 1) if latencies else None,
        "machine_busy_cores": busy_cores,  # every process on the machine, over the run
        "other_processes_cores": other_cores,  # the machine's busy CPU less this test's (needs --server-pid)
        "cores": os.cpu_count(),
        "error_samples": sorted(set(errors))[:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:7860")
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--questions", type=int, default=10, help="questions per client")
    parser.add_argument("--question-file", type=Path, help="JSONL with a 'question' field (default: the dev set)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--api", choices=sorted(ASKERS), default="gradio", help="gradio: /ask; json: POST /api/ask")
    parser.add_argument("--server-pid", type=int, help="also print this server process's CPU time per request")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if not is_loopback_url(args.url):
        print(f"error: {args.url} is not a loopback address; this script only loads local servers", file=sys.stderr)
        return 2
    if not (1 <= args.clients <= MAX_CLIENTS and 1 <= args.questions <= MAX_QUESTIONS):
        print(f"error: --clients must be 1..{MAX_CLIENTS} and --questions 1..{MAX_QUESTIONS}", file=sys.stderr)
        return 2
    try:
        questions = load_questions(args.question_file)
    except (OSError, ValueError) as exc:
        print(f"error: cannot read questions: {exc}", file=sys.stderr)
        return 2
    result = run(args.url, args.clients, args.questions, questions, args.timeout, args.api, args.server_pid)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['api']}: {result['requests']} requests ({result['clients']} clients × {result['questions_per_client']}) "
            f"in {result['wall_s']} s: p50 {result['p50_s']} s, p95 {result['p95_s']} s, max {result['max_s']} s, "
            f"{result['throughput_rps']} req/s, errors {result['errors']} (client CPU {result['client_cpu_s']} s"
            + (
                f", server CPU {result['server_cpu_ms_per_request']} ms/request"
                f" of which answer workers {result['workers_cpu_ms_per_request']}"
                if args.server_pid
                else ""
            )
            + ")"
        )
        if result["machine_busy_cores"] is not None:
            print(
                f"  machine: {result['machine_busy_cores']} of {result['cores']} cores busy over the run"
                + (
                    f", {result['other_processes_cores']} of them other processes"
                    if result["other_processes_cores"] is not None
                    else ""
                )
                + f"; load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}"
            )
        for sample in result["error_samples"]:
            print(f"  error: {sample}")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
