"""Retrieval benchmark: prints numbers, asserts nothing.

1. The real report with the real model: index build time, warm query latency p50/p95 beside the query-embedding
   floor (the product's ONNX path and sentence-transformers, one thread each), peak RSS.
2. Synthetic corpora (10k and 100k clustered unit vectors, 384-d): exact flat search against HNSW,
   latency per query (one thread) and HNSW recall@10 against flat; and where index_store switches.

Usage: .venv/bin/python benchmarks/bench_retrieval.py [--sizes 10000 100000] [--queries 200] [--skip-report]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import faiss  # noqa: E402
import numpy as np  # noqa: E402

from assistant.search import index_store  # noqa: E402
from assistant.evaluation.questions import load_questions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DIM = 384


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def percentiles(ms: list[float]) -> tuple[float, float]:
    q = np.percentile(ms, [50, 95])
    return float(q[0]), float(q[1])


def dev_questions(limit: int) -> list[str]:
    path = ROOT / "corpus" / "questions" / "dev.jsonl"
    if not path.is_file():
        return ["What does Opinion 4 recognize about IPv4 exhaustion?", "What did Ghana propose?"]
    return [q.question for q in load_questions(path)][:limit]


def bench_report(queries: int, repeats: int) -> None:
    """The product's path and thread settings: queries embedded by the ONNX export on one onnxruntime thread,
    FAISS on one OpenMP thread (the retriever sets it), torch (loaded for the build) pinned to one thread."""
    import torch

    from assistant.search.embed import MINILM_NAME, SentenceTransformerEmbedder, make_embedder, minilm_path
    from assistant.report.parse import load_clauses
    from assistant.report.read_report import read_report
    from assistant.search.retrieve import open_retriever
    from assistant.settings import Settings

    settings = Settings.from_env()
    source = read_report(settings.corpus_path)
    clauses = load_clauses(settings.corpus_path)
    with tempfile.TemporaryDirectory() as tmp:
        local = settings.with_(index_dir=Path(tmp))
        embedder = make_embedder(local)
        t0 = time.perf_counter()
        embedder.prepare()  # exports the model into the empty index dir
        export_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        retriever = open_retriever(local, clauses, source, embedder=embedder, rebuild=True)
        build_s = time.perf_counter() - t0
        torch.set_num_threads(1)
        t0 = time.perf_counter()
        open_retriever(local, clauses, source, embedder=embedder)
        reopen_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        make_embedder(local).prepare()
        open_s = time.perf_counter() - t0
        print(f"report: {len(clauses)} clauses, model {embedder.name}")
        print(f"  query model export (ONNX, checked; sentence-transformers loaded) {export_s * 1000:8.0f} ms")
        print(f"  index build (embed+faiss+bm25+save) {build_s * 1000:8.0f} ms")
        print(f"  index reopen (verify checksums+load) {reopen_s * 1000:8.0f} ms")
        print(f"  query model open (verify+session)   {open_s * 1000:8.0f} ms")
        texts = dev_questions(queries)
        for fusion in ("rrf", "weighted"):
            retriever.fusion = fusion
            for q in texts[:5]:
                retriever.search(q, k=5)  # warm-up
            ms = []
            for _ in range(repeats):
                for q in texts:
                    t = time.perf_counter()
                    retriever.search(q, k=5)
                    ms.append((time.perf_counter() - t) * 1000)
            p50, p95 = percentiles(ms)
            print(f"  warm query latency ({fusion:8s}) p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   ({len(ms)} queries)")
        reference = SentenceTransformerEmbedder(minilm_path(), MINILM_NAME)
        floors = {"onnxruntime, as answered": embedder.encode, "sentence-transformers": reference.encode}
        for label, encode in floors.items():
            ms = []
            for _ in range(repeats):
                for q in texts:
                    t = time.perf_counter()
                    encode([q])
                    ms.append((time.perf_counter() - t) * 1000)
            p50, p95 = percentiles(ms)
            print(f"    query embedding, {label:<26} p50 {p50:6.2f} ms   p95 {p95:6.2f} ms   (one thread)")
    print(f"  peak RSS so far       {peak_rss_mb():8.0f} MB")


def clustered_vectors(n: int, rng: np.random.Generator, clusters: int = 200) -> np.ndarray:
    """Noisy isotropic clusters: high intrinsic dimension, the hard case for HNSW."""
    centres = rng.standard_normal((clusters, DIM)).astype(np.float32)
    labels = rng.integers(0, clusters, n)
    x = centres[labels] + 0.9 * rng.standard_normal((n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x


def report_like_sampler():
    """Gaussian vectors with the mean and covariance spectrum of the report's sentence embeddings."""
    import re

    from assistant.search.embed import MiniLMEmbedder

    source = (ROOT / "corpus" / "wtpf-13-report.txt").read_text(encoding="utf-8")
    sentences = [s for s in re.split(r"(?<=[.;:])\s+", source) if len(s.split()) > 5]
    real = MiniLMEmbedder().encode_documents(sentences)
    mean = real.mean(axis=0)
    _, spectrum, basis = np.linalg.svd(real - mean, full_matrices=False)
    scale = (spectrum / np.sqrt(len(real)))[:, None] * basis

    def sample(n: int, rng: np.random.Generator) -> np.ndarray:
        x = mean + rng.standard_normal((n, len(spectrum))).astype(np.float32) @ scale
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)

    return sample


def time_search(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[list[float], np.ndarray]:
    ms, found = [], []
    for q in queries:
        t = time.perf_counter()
        _, ids = index.search(q[None, :], k)
        ms.append((time.perf_counter() - t) * 1000)
        found.append(ids[0])
    return ms, np.array(found)


def bench_synthetic(sizes: list[int], n_queries: int, sampler) -> list[dict]:
    faiss.omp_set_num_threads(1)
    rng = np.random.default_rng(13)
    rows = []
    for n in sizes:
        data = sampler(n, rng)
        picks = rng.integers(0, n, n_queries)
        # a query about as close to its stored vector (cosine ~0.6) as a question is to its clause
        queries = data[picks] + 0.07 * rng.standard_normal((n_queries, DIM)).astype(np.float32)
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)

        t0 = time.perf_counter()
        flat = index_store.make_dense_index(data, threshold=n + 1)
        flat_build = time.perf_counter() - t0
        t0 = time.perf_counter()
        hnsw = index_store.make_dense_index(data, threshold=0)
        hnsw_build = time.perf_counter() - t0
        flat_ms, exact = time_search(flat, queries, 10)
        hnsw_ms, approx = time_search(hnsw, queries, 10)
        recall = float(np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact)]))
        row = {
            "n": n,
            "flat_build_s": flat_build,
            "hnsw_build_s": hnsw_build,
            "flat_p50": percentiles(flat_ms)[0],
            "flat_p95": percentiles(flat_ms)[1],
            "hnsw_p50": percentiles(hnsw_ms)[0],
            "hnsw_p95": percentiles(hnsw_ms)[1],
            "hnsw_recall10": recall,
        }
        rows.append(row)
        del flat, hnsw, data
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200, help="queries per measurement")
    parser.add_argument("--repeats", type=int, default=3, help="passes over the report queries")
    parser.add_argument("--skip-report", action="store_true")
    args = parser.parse_args()
    print(f"cores {os.cpu_count()}  faiss {faiss.__version__}  (one search thread)")
    if not args.skip_report:
        bench_report(args.queries, args.repeats)
    samplers = {"isotropic clusters (hard case)": clustered_vectors}
    if not args.skip_report:
        samplers = {"report-like spectrum": report_like_sampler(), **samplers}
    print(f"synthetic corpora, {DIM}-d unit vectors, {args.queries} queries, k=10; "
          f"HNSW M={index_store.HNSW_M} efConstruction={index_store.HNSW_EF_CONSTRUCTION} "
          f"efSearch={index_store.HNSW_EF_SEARCH}")
    for label, sampler in samplers.items():
        print(f"{label}:")
        print(f"{'n':>8} {'flat build':>10} {'hnsw build':>10} {'flat p50':>9} {'flat p95':>9} "
              f"{'hnsw p50':>9} {'hnsw p95':>9} {'recall@10':>9}  {'index_store uses':>16}")
        for row in bench_synthetic(args.sizes, args.queries, sampler):
            chosen = "hnsw" if row["n"] >= index_store.HNSW_THRESHOLD else "flat"
            print(f"{row['n']:>8} {row['flat_build_s']:>9.2f}s {row['hnsw_build_s']:>9.2f}s "
                  f"{row['flat_p50']:>7.2f}ms {row['flat_p95']:>7.2f}ms {row['hnsw_p50']:>7.2f}ms "
                  f"{row['hnsw_p95']:>7.2f}ms {row['hnsw_recall10']:>9.3f}  {chosen:>16}")
    print(f"index type switch: flat (exact) below {index_store.HNSW_THRESHOLD:,} vectors, HNSW at or above")
    print(f"peak RSS {peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
