"""The query model written without torch (onnx_embed.export_bert), on a tiny random BERT saved the way the
bundled MiniLM is: the graph against a plain numpy BERT, the probe check, the stored probe vectors' key, and
the choice between this way and the torch export."""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path

import numpy as np
import pytest

from assistant.search import embed, onnx_embed
from assistant.artifacts import IndexUnusable
from assistant.search.embed import MiniLMEmbedder

pytestmark = pytest.mark.unit

WORDS = ["who", "chaired", "working", "group", "2", "opinion", "ipv6", "the", "forum", "x", "wtpf", "-", "13", "?"]
CONFIG = {
    "architectures": ["BertModel"],
    "model_type": "bert",
    "hidden_act": "gelu",
    "hidden_size": 8,
    "num_attention_heads": 2,
    "num_hidden_layers": 2,
    "intermediate_size": 16,
    "layer_norm_eps": 1e-12,
    "max_position_embeddings": 64,
    "position_embedding_type": "absolute",
    "type_vocab_size": 2,
    "vocab_size": 4 + len(WORDS),
}
MAX_LENGTH = 32


def _write_safetensors(path: Path, tensors: dict[str, np.ndarray]) -> None:
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    encoded = json.dumps(header).encode("utf-8")
    path.write_bytes(len(encoded).to_bytes(8, "little") + encoded + b"".join(blobs))


def _weights(seed: int = 3) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    h, i = CONFIG["hidden_size"], CONFIG["intermediate_size"]
    normal = lambda *shape: rng.standard_normal(shape).astype(np.float32) * 0.5  # noqa: E731
    out = {
        "embeddings.word_embeddings.weight": normal(CONFIG["vocab_size"], h),
        "embeddings.position_embeddings.weight": normal(CONFIG["max_position_embeddings"], h),
        "embeddings.token_type_embeddings.weight": normal(2, h),
        "embeddings.LayerNorm.weight": 1 + normal(h) * 0.2,
        "embeddings.LayerNorm.bias": normal(h) * 0.2,
    }
    for n in range(CONFIG["num_hidden_layers"]):
        at = f"encoder.layer.{n}"
        for part in ("query", "key", "value"):
            out[f"{at}.attention.self.{part}.weight"] = normal(h, h)
            out[f"{at}.attention.self.{part}.bias"] = normal(h)
        out[f"{at}.attention.output.dense.weight"], out[f"{at}.attention.output.dense.bias"] = normal(h, h), normal(h)
        out[f"{at}.intermediate.dense.weight"], out[f"{at}.intermediate.dense.bias"] = normal(i, h), normal(i)
        out[f"{at}.output.dense.weight"], out[f"{at}.output.dense.bias"] = normal(h, i), normal(h)
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            out[f"{at}.{norm}.weight"], out[f"{at}.{norm}.bias"] = 1 + normal(h) * 0.2, normal(h) * 0.2
    return out


def _tokenizer_json() -> str:
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors

    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, **{w: 4 + n for n, w in enumerate(WORDS)}}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    return tokenizer.to_str()


@pytest.fixture
def model_dir(tmp_path) -> Path:
    """A tiny sentence-transformers model folder: BERT → mean pooling → normalize."""
    folder = tmp_path / "tiny-model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(CONFIG))
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]))
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": MAX_LENGTH}))
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 8, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
         "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False}
    ))
    (folder / "tokenizer.json").write_text(_tokenizer_json())
    (folder / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": True, "pad_token": "[PAD]"}))
    (folder / "special_tokens_map.json").write_text(json.dumps({"pad_token": "[PAD]", "unk_token": "[UNK]"}))
    _write_safetensors(folder / "model.safetensors", _weights())
    return folder


def _numpy_bert(weights: dict[str, np.ndarray], texts: list[str], folder: Path) -> np.ndarray:
    """The same model written out plainly, one text at a time (no padding at all)."""
    tokenizer = onnx_embed.raw_tokenizer(folder, MAX_LENGTH)
    erf = np.vectorize(math.erf)
    h, heads = CONFIG["hidden_size"], CONFIG["num_attention_heads"]

    def norm(x, name):
        mean, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + CONFIG["layer_norm_eps"]) * weights[f"{name}.weight"] + weights[f"{name}.bias"]

    def dense(x, name):
        return x @ weights[f"{name}.weight"].T + weights[f"{name}.bias"]

    out = []
    for text in texts:
        ids = np.array(tokenizer.encode(text).ids)
        x = (weights["embeddings.word_embeddings.weight"][ids] + weights["embeddings.token_type_embeddings.weight"][0]
             + weights["embeddings.position_embeddings.weight"][: len(ids)])
        x = norm(x, "embeddings.LayerNorm")
        for n in range(CONFIG["num_hidden_layers"]):
            at = f"encoder.layer.{n}"
            q, k, v = (dense(x, f"{at}.attention.self.{p}").reshape(len(ids), heads, -1).transpose(1, 0, 2)
                       for p in ("query", "key", "value"))
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(h // heads)
            probs = np.exp(scores - scores.max(-1, keepdims=True))
            probs /= probs.sum(-1, keepdims=True)
            context = (probs @ v).transpose(1, 0, 2).reshape(len(ids), h)
            x = norm(dense(context, f"{at}.attention.output.dense") + x, f"{at}.attention.output.LayerNorm")
            inner = dense(x, f"{at}.intermediate.dense")
            inner = inner * 0.5 * (1 + erf(inner / math.sqrt(2)))
            x = norm(dense(inner, f"{at}.output.dense") + x, f"{at}.output.LayerNorm")
        pooled = x.mean(0)
        out.append(pooled / np.linalg.norm(pooled))
    return np.asarray(out, dtype=np.float32)


def _reference(folder: Path, vectors: np.ndarray | None = None) -> dict:
    if vectors is None:
        vectors = _numpy_bert(onnx_embed.read_safetensors(folder / "model.safetensors"), list(onnx_embed.PROBES), folder)
    return {
        "model": "tiny",
        "model_files_sha256": onnx_embed.model_files_sha256(folder),
        "probes": list(onnx_embed.PROBES),
        "vectors": vectors,
    }


WANTED = {"format": onnx_embed.FORMAT, "model": "tiny", "dim": 8, "onnxruntime_version": "test"}


def test_the_graph_computes_what_a_plain_bert_computes(model_dir, tmp_path):
    onnx_embed.export_bert(model_dir, tmp_path / "query-model", WANTED, _reference(model_dir))
    encoder = onnx_embed.OnnxEncoder.open(tmp_path / "query-model", WANTED)
    texts = ["Who chaired Working Group 2?", "the forum", "x", "IPv6 " * 50, "words it has never seen"]
    expected = _numpy_bert(onnx_embed.read_safetensors(model_dir / "model.safetensors"), texts, model_dir)
    alone = np.vstack([encoder.encode([t]) for t in texts])
    padded = encoder.encode(texts)  # all padded to the 32-token window of the longest
    for got in (alone, padded):
        np.testing.assert_allclose(got, expected, atol=2e-5)
    assert encoder.dim == 8


def test_the_export_is_stored_with_its_provenance(model_dir, tmp_path):
    reference = _reference(model_dir)
    manifest = onnx_embed.export_bert(model_dir, tmp_path / "query-model", WANTED, reference)
    assert manifest["exporter"] == "onnx" and manifest["model_files_sha256"] == reference["model_files_sha256"]
    assert manifest["probe_min_cosine"] >= onnx_embed.MIN_COSINE and manifest["max_seq_length"] == MAX_LENGTH
    assert set(manifest["files"]) == {onnx_embed.GRAPH, onnx_embed.WEIGHTS, onnx_embed.TOKENIZER}
    stored = json.loads((model_dir / "tokenizer.json").read_text())
    written = json.loads((tmp_path / "query-model" / onnx_embed.TOKENIZER).read_text())
    assert written["model"] == stored["model"] and written["truncation"]["max_length"] == MAX_LENGTH
    assert written["padding"]["pad_token"] == "[PAD]" and written["padding"]["pad_id"] == 0


def test_an_export_that_drifts_from_the_stored_vectors_is_not_stored(model_dir, tmp_path):
    rng = np.random.default_rng(0)
    wrong = rng.standard_normal((len(onnx_embed.PROBES), 8)).astype(np.float32)
    wrong /= np.linalg.norm(wrong, axis=1, keepdims=True)
    with pytest.raises(ValueError, match="drifts"):
        onnx_embed.export_bert(model_dir, tmp_path / "query-model", WANTED, _reference(model_dir, wrong))
    with pytest.raises(IndexUnusable, match="no index"):
        onnx_embed.OnnxEncoder.open(tmp_path / "query-model", WANTED)
    assert not list(tmp_path.glob(".query-model.*")), "a refused export left its temporary folder"


def test_stored_probe_vectors_count_only_for_the_same_model_files_and_probes(model_dir, tmp_path):
    reference = _reference(model_dir)
    path = tmp_path / "reference.json"
    path.write_text(json.dumps({**reference, "vectors": reference["vectors"].tolist()}))
    found = onnx_embed.stored_reference(model_dir, "tiny", path)
    assert found is not None and found["vectors"].dtype == np.float32
    np.testing.assert_array_equal(found["vectors"], reference["vectors"])
    assert onnx_embed.stored_reference(model_dir, "another-model", path) is None
    assert onnx_embed.stored_reference(model_dir, "tiny", tmp_path / "missing.json") is None
    path.write_text(json.dumps({**reference, "probes": ["other"], "vectors": reference["vectors"].tolist()}))
    assert onnx_embed.stored_reference(model_dir, "tiny", path) is None
    path.write_text(json.dumps({**reference, "vectors": reference["vectors"].tolist()}))
    config = model_dir / "tokenizer_config.json"
    config.write_text(config.read_text().replace("true", "false"))  # any model file changed: stale
    assert onnx_embed.stored_reference(model_dir, "tiny", path) is None


@pytest.mark.parametrize(
    ("file", "change", "problem"),
    [
        ("config.json", {"hidden_act": "relu"}, "relu activation"),
        ("config.json", {"model_type": "roberta"}, "model roberta"),
        ("config.json", {"position_embedding_type": "relative_key"}, "relative_key positions"),
        ("1_Pooling/config.json", {"pooling_mode_mean_tokens": False, "pooling_mode_cls_token": True}, "pooling"),
        ("sentence_bert_config.json", {"max_seq_length": 512}, "max_seq_length 512"),
    ],
)
def test_models_the_graph_does_not_describe_are_refused(model_dir, file, change, problem):
    path = model_dir / file
    path.write_text(json.dumps({**json.loads(path.read_text()), **change}))
    with pytest.raises(ValueError, match=problem):
        onnx_embed.bert_config(model_dir)


# ---------------------------------------------------------------- which export a build takes


class _Recorder:
    def __init__(self, fail: bool = False):
        self.calls: list[str] = []
        self.fail = fail

    def bert(self, model_dir, directory, wanted, reference):
        self.calls.append("onnx")
        if self.fail:
            raise ValueError("the ONNX export drifts from sentence-transformers (cosine 0.5)")

    def torch(self, model, directory, wanted):
        self.calls.append(f"torch:{model}")


@pytest.mark.parametrize(
    ("stored", "fail", "calls"),
    [(True, False, ["onnx"]), (False, False, ["torch:st-model"]), (True, True, ["onnx", "torch:st-model"])],
    ids=["stored-vectors", "no-stored-vectors", "onnx-export-drifts"],
)
def test_a_build_loads_torch_only_without_matching_probe_vectors(monkeypatch, tmp_path, caplog, stored, fail, calls):
    recorder = _Recorder(fail)
    monkeypatch.setattr(embed, "minilm_path", lambda: str(tmp_path))
    monkeypatch.setattr(onnx_embed, "stored_reference", lambda folder, name: {"vectors": None} if stored else None)
    monkeypatch.setattr(onnx_embed, "export_bert", recorder.bert)
    monkeypatch.setattr(onnx_embed, "export", recorder.torch)
    embedder = MiniLMEmbedder(tmp_path / "query-model")
    monkeypatch.setattr(embedder, "_sentence_transformer", lambda: type("ST", (), {"model": "st-model"})())
    with caplog.at_level(logging.WARNING, logger="assistant.search.embed"):
        embedder._export(onnx_embed.identity(embedder.name, embedder.dim))
    assert recorder.calls == calls
    assert any("drifts" in r.getMessage() for r in caplog.records) == fail


# ---------------------------------------------------------------- how many workers embed the passages


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(embed.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(embed.os, "sysconf", lambda name: 100)  # ticks a second
    monkeypatch.setattr(embed.os, "getloadavg", lambda: (1.2, 1.0, 0.9))  # what the fallback reads: one worker


@pytest.mark.parametrize(
    ("idle_ticks", "own_seconds", "free", "workers"),
    [
        (100, 1.0, 2.0, 2),  # the export kept one core busy, the other was idle: both are ours
        (0, 1.0, 1.0, 1),  # another process held the second core throughout
        (40, 1.0, 1.4, 1),
        (60, 1.0, 1.6, 2),
        (200, 0.0, 2.0, 2),  # an idle machine (this process waited)
        (0, 0.0, 0.0, 1),  # everything busy: still one
    ],
)
def test_workers_are_the_cores_other_processes_left_free(two_cores, monkeypatch, idle_ticks, own_seconds, free, workers):
    since, now = (1000, 5000, 3.0), (1000 + idle_ticks, 5200, 3.0 + own_seconds)  # one second on two cores
    assert embed.free_cores(since, now) == pytest.approx(free)
    monkeypatch.setattr(embed, "cpu_sample", lambda: now)
    assert embed.document_workers(since) == workers


@pytest.mark.parametrize("seconds", [0.2, 90.0])
def test_too_short_or_too_old_a_window_falls_back_to_the_load_average(two_cores, monkeypatch, seconds):
    ticks = int(seconds * 200)
    since, now = (0, 0, 0.0), (ticks, ticks, 0.0)  # all idle: two workers, if the window counted
    assert embed.free_cores(since, now) is None
    monkeypatch.setattr(embed, "cpu_sample", lambda: now)
    assert embed.document_workers(since) == 1 == embed.build_threads()
    assert embed.document_workers(None) == 1


def test_a_cpu_sample_reads_this_machine():
    sample = embed.cpu_sample()
    if not Path("/proc/stat").is_file():
        assert sample is None
        return
    idle, total, own = sample
    assert 0 <= idle <= total and own > 0
