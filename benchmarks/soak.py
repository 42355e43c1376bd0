"""Soak test: start the chat server, open many chat sessions and make many `/ask` calls, print its RSS over time.

    .venv/bin/python benchmarks/soak.py [--sessions 2000] [--asks 5000] [--workers 4] [--embedder hash]

Each chat session is a `/turn` call (what the chat page sends per question) under a fresh session; each ask
is a raw HTTP `/ask` call. The server runs in a child process with the project's settings (session cap and
time-to-live included); its resident memory is read from /proc every `--every` requests. The summary gives
RSS after warm-up (the first `--warmup` requests) and the range after it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Who chaired Working Group 2?",
    "Why did Opinions 3 and 4 stay separate?",
    "What did Ghana propose for the broadband opinion?",
    "What does Opinion 4 ask Member States to do about IPv6?",
    "How many experts took part in the expert group?",
    "What is the capital of Australia?",
]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(embedder: str, index_dir: str, port: int) -> subprocess.Popen:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    cmd = [sys.executable, "-m", "assistant", "--embedder", embedder, "--index-dir", index_dir, "serve", "--port", str(port)]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/gradio_api/info", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("server did not come up within 600 s")


def call(http: httpx.Client, api: str, data: list) -> bool:
    """One call through /gradio_api/call/<api> (a fresh session each time); True if it completed."""
    posted = http.post(f"/gradio_api/call/{api}", json={"data": data})
    if posted.status_code != 200:
        return False
    stream = http.get(f"/gradio_api/call/{api}/{posted.json()['event_id']}").text
    return "event: complete" in stream


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--asks", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--every", type=int, default=250, help="print RSS every this many requests")
    parser.add_argument("--warmup", type=int, default=500, help="requests before the baseline RSS is taken")
    parser.add_argument("--embedder", default="hash", help="hash (default: the server's own costs) or minilm")
    parser.add_argument("--index-dir", default=str(ROOT / "index-soak"))
    args = parser.parse_args(argv)

    port = free_port()
    server = start_server(args.embedder, args.index_dir, port)
    base = f"http://127.0.0.1:{port}"
    jobs = ["chat"] * args.sessions + ["ask"] * args.asks
    random.Random(13).shuffle(jobs)  # sessions and asks interleaved, as on a server in use
    done = errors = 0
    lock = threading.Lock()
    samples: list[tuple[int, float, float]] = []
    started = time.monotonic()
    samples.append((0, 0.0, rss_mb(server.pid)))
    print(f"server pid {server.pid} on {base}; {args.sessions} chat sessions + {args.asks} /ask calls, "
          f"{args.workers} workers")
    print(f"{'requests':>9} {'seconds':>8} {'RSS MB':>8} {'errors':>7}")
    print(f"{0:>9} {0.0:>8.1f} {samples[0][2]:>8.1f} {0:>7}")

    def work(chunk: list[tuple[int, str]]) -> None:
        nonlocal done, errors
        with httpx.Client(base_url=base, timeout=120) as http:
            for i, kind in chunk:
                question = QUESTIONS[i % len(QUESTIONS)]
                ok = call(http, "turn", [question, [], "Whole report", False]) if kind == "chat" else call(http, "ask", [question])
                with lock:
                    done += 1
                    errors += not ok
                    if done % args.every == 0:
                        rss = rss_mb(server.pid)
                        samples.append((done, time.monotonic() - started, rss))
                        print(f"{done:>9} {samples[-1][1]:>8.1f} {rss:>8.1f} {errors:>7}", flush=True)

    indexed = list(enumerate(jobs))
    chunks = [indexed[w :: args.workers] for w in range(args.workers)]
    try:
        with ThreadPoolExecutor(args.workers) as pool:
            list(pool.map(work, chunks))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    after = [rss for n, _, rss in samples if n >= args.warmup]
    summary = {
        "requests": done,
        "errors": errors,
        "seconds": round(time.monotonic() - started, 1),
        "rss_start_mb": round(samples[0][2], 1),
        "rss_after_warmup_mb": round(after[0], 1) if after else None,
        "rss_min_after_warmup_mb": round(min(after), 1) if after else None,
        "rss_max_after_warmup_mb": round(max(after), 1) if after else None,
        "rss_end_mb": round(samples[-1][2], 1),
    }
    if after:
        summary["drift_after_warmup_mb"] = round(after[-1] - after[0], 1)
        summary["range_after_warmup_mb"] = round(max(after) - min(after), 1)
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
