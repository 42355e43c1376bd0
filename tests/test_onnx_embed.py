"""The query path's ONNX export of MiniLM: the same vectors as sentence-transformers, stored and checked like
the indexes, written without torch while the stored probe vectors match the model, and a query path that never
imports torch, transformers or sentence-transformers."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.search import onnx_embed
from assistant.artifacts import IndexUnusable
from assistant.search.embed import MINILM_DIM, MINILM_NAME, MiniLMEmbedder, SentenceTransformerEmbedder, minilm_path
from assistant.evaluation.questions import load_questions

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "corpus" / "questions" / "dev.jsonl"
BUILD_ONLY = ("torch", "transformers", "sentence_transformers", "sklearn", "scipy", "bm25s", "tiktoken")


@pytest.fixture(scope="module")
def query_model_dir(real_assistant) -> Path:
    """The query model exported when the real assistant's index was built."""
    return real_assistant.settings.index_dir / "query-model"


@pytest.fixture(scope="module")
def reference():
    return SentenceTransformerEmbedder(minilm_path(), MINILM_NAME)


def _dev_texts() -> list[str]:
    texts = []
    for q in load_questions(DEV):
        texts.append(q.question)
        texts.extend(h for h in q.history if isinstance(h, str))
    return list(dict.fromkeys(texts))


def test_query_vectors_match_sentence_transformers_on_every_dev_question(query_model_dir, reference):
    wanted = onnx_embed.identity(MINILM_NAME, MINILM_DIM)
    encoder = onnx_embed.OnnxEncoder.open(query_model_dir, wanted)
    texts = _dev_texts()
    assert len(texts) >= 150
    expected = reference.encode(texts)
    one_by_one = np.vstack([encoder.encode([t]) for t in texts])  # as queries arrive
    batched = encoder.encode(texts)  # padded to the longest
    for got in (one_by_one, batched):
        cosines = np.sum(got * expected, axis=1)
        worst = int(np.argmin(cosines))
        assert cosines[worst] >= onnx_embed.MIN_COSINE, (texts[worst], float(cosines[worst]))
        np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_indexed_passages_match_sentence_transformers(real_assistant, reference):
    """The report's passages are embedded by the export too: the stored vectors are sentence-transformers'."""
    from assistant.search.index_store import unit_texts

    for retriever in (real_assistant.retriever, real_assistant.composer.vectors.retriever):
        index = retriever.index
        expected = reference.encode(unit_texts(index.clauses))
        cosines = np.sum(index.vectors * expected, axis=1)
        assert cosines.min() >= onnx_embed.MIN_COSINE, float(cosines.min())


def test_long_and_odd_queries_match_too(query_model_dir, reference):
    encoder = onnx_embed.OnnxEncoder.open(query_model_dir, onnx_embed.identity(MINILM_NAME, MINILM_DIM))
    texts = list(onnx_embed.PROBES) + ["IPv6 " * 3000, "¿Qué dijo Ghana?", "\tTabs\nand newlines\n", "5G?"]
    cosines = np.sum(encoder.encode(texts) * reference.encode(texts), axis=1)
    assert cosines.min() >= onnx_embed.MIN_COSINE, dict(zip(texts, cosines.round(6)))


def test_the_export_is_stored_like_every_other_artifact(query_model_dir):
    manifest = json.loads((query_model_dir / "manifest.json").read_text())
    assert set(manifest["files"]) == {onnx_embed.GRAPH, onnx_embed.WEIGHTS, onnx_embed.TOKENIZER}
    assert manifest["model"] == MINILM_NAME and manifest["dim"] == MINILM_DIM
    assert manifest["probe_min_cosine"] >= onnx_embed.MIN_COSINE
    assert not [p for p in query_model_dir.parent.iterdir() if p.name.startswith(".")]  # no temp dirs left


def test_the_stored_probe_vectors_are_sentence_transformers_own_for_the_installed_model(reference):
    """While they match the model package, a build writes the query model without torch; when the package
    changes this fails: store them afresh with `python -m assistant.search.onnx_embed`."""
    stored = onnx_embed.stored_reference(Path(minilm_path()), MINILM_NAME)
    assert stored is not None, "stale or missing assistant/query_model_reference.json"
    cosines = np.sum(stored["vectors"] * reference.encode(list(onnx_embed.PROBES)), axis=1)
    assert cosines.min() >= 0.999999, cosines


def test_the_index_build_wrote_the_query_model_without_torch(query_model_dir):
    manifest = json.loads((query_model_dir / "manifest.json").read_text())
    assert manifest["exporter"] == "onnx" and "torch_version" not in manifest


def test_the_torch_export_and_the_direct_one_agree(query_model_dir, reference, tmp_path):
    """The torch export stays the way for model files without stored probe vectors: it must give the same
    vectors as the one the builds use."""
    wanted = onnx_embed.identity(MINILM_NAME, MINILM_DIM)
    manifest = onnx_embed.export(reference.model, tmp_path / "query-model", wanted)
    assert manifest["exporter"] == "torch" and manifest["probe_min_cosine"] >= onnx_embed.MIN_COSINE
    traced = onnx_embed.OnnxEncoder.open(tmp_path / "query-model", wanted)
    direct = onnx_embed.OnnxEncoder.open(query_model_dir, wanted)
    texts = _dev_texts()
    cosines = np.sum(traced.encode(texts) * direct.encode(texts), axis=1)
    assert cosines.min() >= onnx_embed.MIN_COSINE, float(cosines.min())


_EXPORT_PROBE = """
import json, sys
from pathlib import Path
from assistant.search.embed import MiniLMEmbedder
MiniLMEmbedder(Path(sys.argv[1])).prepare()
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""


def test_writing_the_query_model_imports_no_torch(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", _EXPORT_PROBE, str(tmp_path / "query-model")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = json.loads(result.stderr.strip().splitlines()[-1])
    assert not set(BUILD_ONLY) & set(modules), sorted(set(BUILD_ONLY) & set(modules))
    assert json.loads((tmp_path / "query-model" / "manifest.json").read_text())["exporter"] == "onnx"


def test_a_damaged_export_is_refused_and_exported_again(query_model_dir, tmp_path, caplog):
    copy = tmp_path / "query-model"
    shutil.copytree(query_model_dir, copy)
    weights = copy / onnx_embed.WEIGHTS
    data = bytearray(weights.read_bytes())
    data[1000:1004] = b"\xff\xff\xff\x7f"
    weights.write_bytes(bytes(data))
    with pytest.raises(IndexUnusable, match="model.weights is corrupted"):
        onnx_embed.OnnxEncoder.open(copy, onnx_embed.identity(MINILM_NAME, MINILM_DIM))
    embedder = MiniLMEmbedder(copy)
    with caplog.at_level(logging.WARNING, logger="assistant.search.embed"):
        vector = embedder.encode(["Who chaired Working Group 2?"])
    assert any("model.weights is corrupted" in r.getMessage() for r in caplog.records)
    fresh = onnx_embed.OnnxEncoder.open(copy, onnx_embed.identity(MINILM_NAME, MINILM_DIM))
    np.testing.assert_allclose(vector, fresh.encode(["Who chaired Working Group 2?"]), atol=1e-6)


_PROBE = """
import json, socket, sys
import httpx
from assistant.cli import main
from assistant.service import Assistant
from assistant.settings import Settings

index_dir = sys.argv[1]
main(["--index-dir", index_dir, "ask", "Who chaired Working Group 2?", "--json"])
main(["--index-dir", index_dir, "search", "IPv6 legacy addresses"])
after_cli = sorted({m.split(".")[0] for m in sys.modules})
from ui.app import launch
with socket.socket() as s:
    s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
demo = launch(Assistant.load(Settings.from_env(index_dir=index_dir)), port=port, prevent_thread_lock=True, quiet=True)
try:
    reply = httpx.post(demo.local_url + "api/ask", json={"question": "What did Ghana propose?"}, timeout=60)
    reply.raise_for_status()
finally:
    demo.close()
after_serve = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps({"cli": after_cli, "serve": after_serve}), file=sys.stderr)
"""


def test_ask_search_and_serve_never_import_the_build_tools(real_assistant):
    """sentence-transformers, transformers and torch are for building the index; queries run on onnxruntime."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(real_assistant.settings.index_dir)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = json.loads(result.stderr.strip().splitlines()[-1])
    for stage in ("cli", "serve"):
        assert not set(BUILD_ONLY) & set(modules[stage]), (stage, sorted(set(BUILD_ONLY) & set(modules[stage])))
    assert "onnxruntime" in modules["cli"] and "gradio" not in modules["cli"]
