"""Whole-process timings, each beside its yardstick run in the same invocation (A B A B …, so a machine whose
speed drifts moves both): min / median / max wall seconds, and the median of the pairwise ratios.

    .venv/bin/python benchmarks/cold_start.py [ask search build serve] [--runs 5]

  ask     `assistant ask QUESTION`            vs  python -c "import sentence_transformers"
  search  `assistant search QUERY`            vs  python -c "import sentence_transformers"
  build   `assistant index` into an empty dir vs  benchmarks/reference_index.py (LangChain's recipe by hand)
  serve   `assistant serve` until HTTP 200 and until the first POST /api/ask answer (vs the same import)

ask and search use the index under --index-dir (built first if missing). Nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BARE_IMPORT = [PY, "-c", "import sentence_transformers"]
QUESTION = "Who chaired Working Group 2?"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}


def assistant(*args: str, index_dir: Path) -> list[str]:
    return [PY, "-m", "assistant", "--index-dir", str(index_dir), *args]


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_times(index_dir: Path, timeout: float = 120.0) -> tuple[float, float]:
    """Seconds from starting `assistant serve` to the page's HTTP 200, and to the first /api/ask answer."""
    import httpx

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        assistant("serve", "--port", str(port), index_dir=index_dir),
        cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    page = answer = None
    try:
        with httpx.Client(timeout=5) as http:
            while time.perf_counter() - started < timeout and answer is None:
                try:
                    if page is None and http.get(url + "/").status_code == 200:
                        page = time.perf_counter() - started
                    if http.post(url + "/api/ask", json={"question": QUESTION}).status_code == 200:
                        answer = time.perf_counter() - started
                except httpx.TransportError:
                    time.sleep(0.02)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if page is None or answer is None:
        raise RuntimeError("the server did not answer in time")
    return page, answer


def summary(label: str, values: list[float]) -> str:
    return f"{label:<44} min {min(values):6.2f}  median {statistics.median(values):6.2f}  max {max(values):6.2f} s"


def compare(name: str, a_label: str, run_a, b_label: str, run_b, runs: int) -> None:
    a, b = [], []
    for _ in range(runs):
        a.append(run_a())
        b.append(run_b())
    ratios = [x / y for x, y in zip(a, b)]
    print(f"{name}: {runs} pairs, whole process, wall seconds")
    print("  " + summary(a_label, a))
    print("  " + summary(b_label, b))
    print(f"  ratio A/B, median of pairs: {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="*", default=["ask", "search", "build", "serve"],
                        choices=["ask", "search", "build", "serve"])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--index-dir", type=Path, default=ROOT / "index")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at start (other work on the machine "
          "slows both sides of each pair)")
    if {"ask", "search", "serve"} & set(args.what) and not (args.index_dir / "query-model" / "manifest.json").is_file():
        print(f"building the index in {args.index_dir} first")
        timed(assistant("index", index_dir=args.index_dir))
    timed(assistant("ask", QUESTION, index_dir=args.index_dir))  # warm the page cache, not the process
    bare = lambda: timed(BARE_IMPORT)  # noqa: E731
    if "ask" in args.what:
        compare("cold ask", "A assistant ask", lambda: timed(assistant("ask", QUESTION, index_dir=args.index_dir)),
                "B import sentence_transformers", bare, args.runs)
    if "search" in args.what:
        compare("cold search", "A assistant search",
                lambda: timed(assistant("search", "IPv6 legacy addresses", index_dir=args.index_dir)),
                "B import sentence_transformers", bare, args.runs)
    if "build" in args.what:
        def build() -> float:
            scratch = Path(tempfile.mkdtemp(prefix="cold-start-index-"))
            try:
                return timed(assistant("index", index_dir=scratch))
            finally:
                shutil.rmtree(scratch, ignore_errors=True)

        compare("index build from nothing", "A assistant index (empty index dir)", build,
                "B reference_index.py (LangChain recipe)", lambda: timed([PY, str(ROOT / "benchmarks" / "reference_index.py")]),
                args.runs)
    if "serve" in args.what:
        pages, answers, imports = [], [], []
        for _ in range(args.runs):
            page, answer = serve_times(args.index_dir)
            pages.append(page)
            answers.append(answer)
            imports.append(bare())
        print(f"serve: {args.runs} runs, whole process, wall seconds")
        print("  " + summary("A serve → HTTP 200 on /", pages))
        print("  " + summary("A serve → first /api/ask answer", answers))
        print("  " + summary("B import sentence_transformers", imports))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
