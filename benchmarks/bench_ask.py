"""Warm `ask` latency on a question set: p50 / p95 / max and peak RSS.

    .venv/bin/python benchmarks/bench_ask.py [corpus/questions/dev.jsonl] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.evaluation.metrics import percentile  # noqa: E402
from assistant.evaluation.questions import load_questions  # noqa: E402
from assistant.service import Assistant  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("questions", nargs="?", default="corpus/questions/dev.jsonl")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    assistant = Assistant.load()
    load_s = time.perf_counter() - t0
    questions = load_questions(args.questions)
    for q in questions[:5]:  # warm-up: model, caches
        assistant.ask(q.question, history=q.history)

    rounds = []
    for _ in range(args.rounds):
        latencies = []
        for q in questions:
            start = time.perf_counter()
            assistant.ask(q.question, history=q.history)
            latencies.append((time.perf_counter() - start) * 1000)
        rounds.append(latencies)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"questions: {len(questions)} x {args.rounds} rounds  (load {load_s:.2f} s)")
    # round 1 embeds every query; later rounds hit the query-embedding cache, as a repeated question would
    for n, latencies in enumerate(rounds, start=1):
        label = "first pass" if n == 1 else f"repeat {n - 1}"
        print(f"ask latency ms ({label}): p50 {statistics.median(latencies):.1f}  "
              f"p95 {percentile(latencies, 95):.1f}  max {max(latencies):.1f}  mean {statistics.fmean(latencies):.1f}")
    print(f"peak RSS: {rss_mb:.0f} MB")


if __name__ == "__main__":
    main()
