"""The query path's encoder: MiniLM exported once to ONNX, run by onnxruntime with the `tokenizers` package.

Importing sentence-transformers costs seconds (torch, transformers' model code, scikit-learn, scipy); a query
costs milliseconds. So the model that embedded the report is exported when the index is built and stored beside
it, in `index/query-model/`:
  manifest.json    what it was exported from, the worst cosine against sentence-transformers on the probe
                   texts, and a sha256 for every other file (checked on every load, like the indexes)
  model.onnx       the graph: BERT → mean pooling over the attention mask → L2 normalization, already
                   optimized by onnxruntime (fused attention and layer norms), so loading it optimizes nothing
  model.weights    its weights (external data, which onnxruntime maps instead of copying: a faster start)
  tokenizer.json   the model's own fast tokenizer, with its truncation (256 tokens) and padding set

Measured on 2 shared cores: a session on the pre-optimized graph opens in 0.06-0.08 s against 0.16-0.28 s
optimizing at load, with the same vectors and no slower queries.

`export_bert` writes the graph with the onnx package from the model's safetensors and config, and checks it
against the vectors sentence-transformers gave for the probe texts with the same model files (stored in
query_model_reference.json, keyed by their sha256; `python -m assistant.search.onnx_embed` stores them afresh).
`export`, for model files without stored vectors, traces the model with torch and checks it against
sentence-transformers itself. `OnnxEncoder.open` needs only onnxruntime, tokenizers and numpy.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from assistant.artifacts import IndexUnusable, publish, sha256_file, verified_manifest
from assistant.search.embed import CHARS_PER_TOKEN, DOCUMENT_BATCH, document_workers

log = logging.getLogger("assistant.search.embed")

FORMAT = 1
GRAPH, WEIGHTS, TOKENIZER = "model.onnx", "model.weights", "tokenizer.json"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17
# Every export must reproduce sentence-transformers' vectors at least this closely on PROBES (the model
# tier checks every dev question too).
MIN_COSINE = 0.9999
PROBES = (
    "Who chaired Working Group 2?",
    "What does Opinion 4 ask Member States to do about IPv6?",
    "  leading and trailing spaces, UPPER case, accents: café, naïve; symbols — “quotes” › 5G & IPv4/IPv6  ",
    "x",
    "WTPF-13 " * 400,  # past the 256-token window: truncation must match too
)
def identity(model_name: str, dim: int) -> dict:
    """The manifest fields that must match for a stored query model to be used (the graph is optimized by
    and for this onnxruntime)."""
    import onnxruntime

    return {"format": FORMAT, "model": model_name, "dim": int(dim), "onnxruntime_version": onnxruntime.__version__}


def export(model, directory: Path, wanted: dict) -> dict:
    """Export a loaded SentenceTransformer (Transformer → mean Pooling → Normalize) into `directory` with torch.

    The way for a model that `export_bert` cannot build or whose stored probe vectors are missing or stale.
    Checked before it is stored: on PROBES its vectors must be within MIN_COSINE of the model's own.
    Returns the manifest written.
    """
    import onnx
    import torch

    started = time.perf_counter()
    modules = [type(m).__name__ for m in model]
    pooling = model[1] if len(model) > 1 else None
    # sentence-transformers 5 says pooling_mode_mean_tokens=True, 6 says pooling_mode="mean"
    mean = getattr(pooling, "pooling_mode", None) in ("mean", ("mean",), ["mean"]) or getattr(
        pooling, "pooling_mode_mean_tokens", False
    ) is True
    if modules[:2] != ["Transformer", "Pooling"] or not mean or modules[2:] not in ([], ["Normalize"]):
        raise ValueError(f"only Transformer → mean Pooling models can be exported (this one is {modules})")
    max_length = int(model.max_seq_length)
    tokenizer = _tokenizer(model.tokenizer, max_length)

    class Sentence(torch.nn.Module):
        def __init__(self, transformer):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )[0]
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    sample = _features(tokenizer, ["an example", "a somewhat longer example sentence"])
    wrapped = Sentence(model[0].auto_model).eval()
    with tempfile.TemporaryDirectory(prefix="query-model-") as scratch:
        traced = Path(scratch) / "traced.onnx"
        # The TorchScript exporter warns about tracing details that do not apply to this graph.
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapped,
                tuple(torch.from_numpy(sample[name]) for name in INPUTS),
                str(traced),
                input_names=list(INPUTS),
                output_names=["embedding"],
                dynamic_axes={**{name: {0: "batch", 1: "tokens"} for name in INPUTS}, "embedding": {0: "batch"}},
                opset_version=OPSET,
                dynamo=False,
            )
        manifest = {
            **wanted,
            "max_seq_length": max_length,
            "opset": OPSET,
            "exporter": "torch",
            "torch_version": torch.__version__.split("+")[0],
            "onnx_version": onnx.__version__,
        }
        reference = lambda: model.encode(  # noqa: E731
            list(PROBES), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        written = _store(directory, str(traced), tokenizer, max_length, reference, manifest)
    log.info("query model exported to %s in %.1f s", directory, time.perf_counter() - started)
    return written


def _store(directory: Path, graph, tokenizer, max_length: int, reference, manifest: dict) -> dict:
    """Optimize `graph` (a path or the serialized model) into `directory` with the tokenizer beside it, once its
    vectors on PROBES are within MIN_COSINE of `reference()` (sentence-transformers' own, or stored from it)."""
    import onnxruntime as ort

    manifest = {**manifest, "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}

    def write(tmp: Path) -> None:  # `publish` writes the manifest once this returns
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED  # not hardware-specific
        options.optimized_model_filepath = str(tmp / GRAPH)
        options.add_session_config_entry("session.optimized_model_external_initializers_file_name", WEIGHTS)
        # small constants stay in the graph: shape inference needs them inline
        options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
        ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        (tmp / TOKENIZER).write_text(tokenizer.to_str(), encoding="utf-8")
        worst = _worst_probe_cosine(OnnxEncoder(tmp, max_length), np.asarray(reference(), dtype=np.float32))
        if worst < MIN_COSINE:
            raise ValueError(f"the ONNX export drifts from sentence-transformers (cosine {worst:.6f})")
        manifest["probe_min_cosine"] = round(worst, 7)

    return publish(directory, manifest, write)


def _worst_probe_cosine(encoder: "OnnxEncoder", reference: np.ndarray) -> float:
    """The lowest cosine to `reference` of PROBES encoded one at a time (as queries arrive) and of all but the
    longest encoded again as one padded batch (as passages are). Measured on 2 shared cores: all five in one
    batch, padded to the 256-token probe, took 1.0-2.2 s against 0.3-0.4 s this way."""
    alone = np.vstack([encoder.encode([text]) for text in PROBES])
    longest = max(range(len(PROBES)), key=lambda i: len(PROBES[i]))
    rest = [i for i in range(len(PROBES)) if i != longest]
    batched = encoder.encode([PROBES[i] for i in rest])
    return float(min(np.min(np.sum(alone * reference, axis=1)), np.min(np.sum(batched * reference[rest], axis=1))))


# ---------------------------------------------------------------- the same export without torch
#
# Measured on 2 shared cores (load ~1), `assistant index` into an empty directory: importing sentence-transformers
# (torch, transformers, scikit-learn, scipy) took 13 s and the torch export 4-7 s more, about half of the build.
# A BERT encoder is a short, fixed graph, so `export_bert` writes it with the onnx package straight from the
# model's safetensors and config, and checks it against probe vectors sentence-transformers gave once for the
# same model files (REFERENCE, keyed by their sha256), so a build loads neither torch nor transformers.

REFERENCE = Path(__file__).with_name("query_model_reference.json")
# What the vectors depend on: a change to any of these files makes the stored probe vectors stale.
MODEL_FILES = (
    "config.json",
    "modules.json",
    "sentence_bert_config.json",
    "1_Pooling/config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "model.safetensors",
)
_SAFETENSORS_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def model_files_sha256(model_dir: Path) -> str:
    """One sha256 over MODEL_FILES (name and content of each)."""
    import hashlib

    digest = hashlib.sha256()
    for name in MODEL_FILES:
        digest.update(name.encode("utf-8") + b"\0" + sha256_file(Path(model_dir) / name).encode("ascii") + b"\0")
    return digest.hexdigest()


def stored_reference(model_dir: Path, model_name: str, path: Path = REFERENCE) -> dict | None:
    """What REFERENCE holds (its "vectors" as an array: sentence-transformers' for PROBES) if it was made from
    these very model files; else None, and the export goes through torch."""
    try:
        stored = json.loads(Path(path).read_text(encoding="utf-8"))
        stored["vectors"] = np.asarray(stored["vectors"], dtype=np.float32)
        if stored["model"] != model_name or stored["probes"] != list(PROBES) or stored["vectors"].shape[0] != len(PROBES):
            log.info("the stored probe vectors are for another model or other probes")
            return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.info("no usable stored probe vectors (%s: %s)", exc.__class__.__name__, exc)
        return None
    if stored["model_files_sha256"] != model_files_sha256(model_dir):
        log.info("the model files changed since the probe vectors were stored")
        return None
    return stored


def write_reference(model_dir: Path, model_name: str, path: Path = REFERENCE) -> dict:
    """Store sentence-transformers' vectors for PROBES with the model files in `model_dir` (run again when the
    model package changes: `python -m assistant.search.onnx_embed`)."""
    from assistant.search.embed import SentenceTransformerEmbedder

    model = SentenceTransformerEmbedder(str(model_dir), model_name).model
    vectors = model.encode(list(PROBES), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
    import sentence_transformers
    import torch

    stored = {
        "model": model_name,
        "model_files_sha256": model_files_sha256(model_dir),
        "made_with": {"sentence_transformers": sentence_transformers.__version__, "torch": torch.__version__},
        "probes": list(PROBES),
        "vectors": [[float(f"{x:.8g}") for x in row] for row in vectors.tolist()],
    }
    lines = [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}," for key, value in stored.items()]
    lines[-1] = '  "vectors": [\n' + ",\n".join(f"    {json.dumps(row)}" for row in stored["vectors"]) + "\n  ]"
    Path(path).write_text("{\n" + "\n".join(lines) + "\n}\n", encoding="utf-8")  # a vector a line
    return stored


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a .safetensors file (an 8-byte header length, a JSON header, then the raw data)."""
    data = Path(path).read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    base = 8 + size
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _SAFETENSORS_DTYPES.get(info["dtype"])
        if dtype is None:
            raise ValueError(f"{name}: unsupported dtype {info['dtype']}")
        start, end = info["data_offsets"]
        tensors[name] = np.frombuffer(data, dtype=dtype, count=(end - start) // np.dtype(dtype).itemsize,
                                      offset=base + start).reshape(info["shape"])
    return tensors


def bert_config(model_dir: Path) -> dict:
    """The model's settings, if it is what `bert_graph` builds: a BERT encoder with absolute positions and exact
    GELU, then mean pooling (and normalization); else ValueError."""
    model_dir = Path(model_dir)
    read = lambda name: json.loads((model_dir / name).read_text(encoding="utf-8"))  # noqa: E731
    config, modules = read("config.json"), read("modules.json")
    pooling, sentence = read("1_Pooling/config.json"), read("sentence_bert_config.json")
    kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
    problems = []
    if config.get("model_type") != "bert" or config.get("architectures") not in (None, ["BertModel"]):
        problems.append(f"model {config.get('model_type')} {config.get('architectures')}")
    if config.get("hidden_act") != "gelu" or config.get("position_embedding_type", "absolute") != "absolute":
        problems.append(f"{config.get('hidden_act')} activation, {config.get('position_embedding_type')} positions")
    if config["hidden_size"] % config["num_attention_heads"]:
        problems.append("hidden size not a multiple of the heads")
    if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]):
        problems.append(f"modules {kinds}")
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v is True]
    if modes != ["pooling_mode_mean_tokens"]:
        problems.append(f"pooling {modes}")
    max_length = int(sentence.get("max_seq_length") or 0)
    if not 0 < max_length <= config["max_position_embeddings"]:
        problems.append(f"max_seq_length {max_length}")
    if problems:
        raise ValueError("not a BERT mean-pooling model: " + "; ".join(problems))
    return {**config, "max_seq_length": max_length}


def bert_graph(weights: dict[str, np.ndarray], config: dict):
    """The ONNX model sentence-transformers runs: BERT (post-LayerNorm, exact GELU), mean pooling over the
    attention mask, L2 normalization (the same eps as torch's), as `export` traces it."""
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    eps = float(config["layer_norm_eps"])
    nodes, initializers = [], []
    prefix = "bert." if "bert.embeddings.word_embeddings.weight" in weights else ""

    def weight(name: str, transpose: bool = False) -> str:
        array = np.asarray(weights[prefix + name], dtype=np.float32)
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(array.T if transpose else array), name))
        return name

    def const(name: str, value, dtype=np.float32) -> str:
        initializers.append(numpy_helper.from_array(np.asarray(value, dtype=dtype), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    def linear(x: str, name: str, out: str) -> str:
        product = node("MatMul", [x, weight(f"{name}.weight", transpose=True)], f"{out}/matmul")
        return node("Add", [product, weight(f"{name}.bias")], out)

    def layer_norm(x: str, name: str, out: str) -> str:
        return node("LayerNormalization", [x, weight(f"{name}.weight"), weight(f"{name}.bias")], out,
                    axis=-1, epsilon=eps)

    ids, mask, types = INPUTS
    head_dim = hidden // heads
    const("one_i", 1, np.int64)
    const("zero_i", 0, np.int64)
    const("one", 1.0)
    const("split_heads", [0, 0, heads, head_dim], np.int64)
    const("join_heads", [0, 0, hidden], np.int64)
    const("axes_12", [1, 2], np.int64)
    const("axis_1", [1], np.int64)
    const("axis_2", [2], np.int64)
    const("masked", np.finfo(np.float32).min)
    const("scale", 1.0 / np.sqrt(head_dim))
    const("sqrt2", np.sqrt(2.0))
    const("half", 0.5)
    const("min_count", 1e-9)
    const("min_norm", 1e-12)

    # embeddings: word + token type + position, then LayerNorm
    length = node("Gather", [node("Shape", [ids], "ids_shape"), "one_i"], "length", axis=0)
    positions = node("Range", ["zero_i", length, "one_i"], "positions")
    x = node("Add", [node("Gather", [weight("embeddings.word_embeddings.weight"), ids], "words", axis=0),
                     node("Gather", [weight("embeddings.token_type_embeddings.weight"), types], "types", axis=0)],
             "words_types")
    x = node("Add", [x, node("Gather", [weight("embeddings.position_embeddings.weight"), positions], "places",
                             axis=0)], "embedded")
    x = layer_norm(x, "embeddings.LayerNorm", "embeddings")
    # padding: the smallest float added to its attention scores (what transformers adds), so softmax gives it 0
    mask_f = node("Cast", [mask], "mask_f", to=TensorProto.FLOAT)
    padding = node("Mul", [node("Sub", ["one", mask_f], "padding_f"), "masked"], "padding_bias")
    padding = node("Unsqueeze", [padding, "axes_12"], "attention_bias")  # batch, 1, 1, tokens

    for i in range(int(config["num_hidden_layers"])):
        at = f"encoder.layer.{i}"
        q, k, v = (
            node("Reshape", [linear(x, f"{at}.attention.self.{part}", f"l{i}/{part}"), "split_heads"],
                 f"l{i}/{part}_heads")
            for part in ("query", "key", "value")
        )
        q = node("Transpose", [q], f"l{i}/q", perm=[0, 2, 1, 3])
        k = node("Transpose", [k], f"l{i}/k", perm=[0, 2, 3, 1])
        v = node("Transpose", [v], f"l{i}/v", perm=[0, 2, 1, 3])
        scores = node("Mul", [node("MatMul", [q, k], f"l{i}/qk"), "scale"], f"l{i}/scaled")
        probs = node("Softmax", [node("Add", [scores, padding], f"l{i}/scores")], f"l{i}/probs", axis=-1)
        context = node("Transpose", [node("MatMul", [probs, v], f"l{i}/pv")], f"l{i}/context_t", perm=[0, 2, 1, 3])
        context = node("Reshape", [context, "join_heads"], f"l{i}/context")
        attended = linear(context, f"{at}.attention.output.dense", f"l{i}/attended")
        x = layer_norm(node("Add", [attended, x], f"l{i}/residual_1"), f"{at}.attention.output.LayerNorm", f"l{i}/a")
        h = linear(x, f"{at}.intermediate.dense", f"l{i}/intermediate")
        erf = node("Erf", [node("Div", [h, "sqrt2"], f"l{i}/h_scaled")], f"l{i}/erf")
        gelu = node("Mul", [node("Mul", [h, node("Add", [erf, "one"], f"l{i}/erf_1")], f"l{i}/gelu_x"), "half"],
                    f"l{i}/gelu")
        out = linear(gelu, f"{at}.output.dense", f"l{i}/output")
        x = layer_norm(node("Add", [out, x], f"l{i}/residual_2"), f"{at}.output.LayerNorm", f"l{i}/out")

    # mean pooling over the real tokens, then L2 normalization
    weights_3d = node("Unsqueeze", [mask_f, "axis_2"], "mask_3d")
    summed = node("ReduceSum", [node("Mul", [x, weights_3d], "masked_tokens"), "axis_1"], "summed", keepdims=0)
    count = node("Max", [node("ReduceSum", [weights_3d, "axis_1"], "count_raw", keepdims=0), "min_count"], "count")
    pooled = node("Div", [summed, count], "pooled")
    norm = node("Max", [node("ReduceL2", [pooled], "norm_raw", axes=[1], keepdims=1), "min_norm"], "norm")
    node("Div", [pooled, norm], "embedding")

    graph = helper.make_graph(
        nodes,
        "sentence_embedding",
        [helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"]) for name in INPUTS],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", hidden])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="assistant")
    model.ir_version = min(model.ir_version, 8)  # what onnxruntime releases of opset 17 read
    return model  # (onnxruntime checks it as it loads it; onnx.checker would serialize the 90 MB once more)


def raw_tokenizer(model_dir: Path, max_length: int):
    """The model's own tokenizer.json, truncated and padded as `_tokenizer` sets up transformers' copy of it."""
    from tokenizers import Tokenizer

    model_dir = Path(model_dir)
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    special = json.loads((model_dir / "special_tokens_map.json").read_text(encoding="utf-8"))
    pad = special.get("pad_token", "[PAD]")
    pad = pad["content"] if isinstance(pad, dict) else pad
    pad_id = tokenizer.token_to_id(pad)
    if pad_id is None:
        raise ValueError(f"the tokenizer has no {pad!r} token")
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    tokenizer.enable_padding(pad_id=pad_id, pad_token=pad)
    return tokenizer


def export_bert(model_dir: Path, directory: Path, wanted: dict, reference: dict) -> dict:
    """`export` without torch: the graph built by `bert_graph` from the model's files, checked on PROBES against
    the vectors sentence-transformers gave for these files (`reference`, from `stored_reference`). ValueError if
    the model is not one it builds or the result drifts. Returns the manifest written."""
    import onnx

    started = time.perf_counter()
    model_dir = Path(model_dir)
    config = bert_config(model_dir)
    max_length = config["max_seq_length"]
    tokenizer = raw_tokenizer(model_dir, max_length)
    graph = bert_graph(read_safetensors(model_dir / "model.safetensors"), config).SerializeToString()
    manifest = {
        **wanted,
        "max_seq_length": max_length,
        "opset": OPSET,
        "exporter": "onnx",
        "onnx_version": onnx.__version__,
        "model_files_sha256": reference["model_files_sha256"],
    }
    written = _store(directory, graph, tokenizer, max_length, lambda: reference["vectors"], manifest)
    log.info("query model written to %s in %.1f s", directory, time.perf_counter() - started)
    return written


def _tokenizer(hf_tokenizer, max_length: int):
    """The model's fast tokenizer as sentence-transformers calls it: truncated to the window, padded to the
    longest text of a batch."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(hf_tokenizer.backend_tokenizer.to_str())
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    tokenizer.enable_padding(pad_id=hf_tokenizer.pad_token_id, pad_token=hf_tokenizer.pad_token)
    return tokenizer


def _features(tokenizer, texts: list[str]) -> dict[str, np.ndarray]:
    encodings = tokenizer.encode_batch(texts)
    return {
        "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
        "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
    }


class OnnxEncoder:
    """Sentence vectors from the exported model: one onnxruntime thread per call, safe to call from many
    threads at once (each request gets its own thread; a second thread inside a 10 ms query only waits)."""

    def __init__(self, directory: Path, max_seq_length: int):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        directory = Path(directory)
        self.tokenizer = Tokenizer.from_file(str(directory / TOKENIZER))
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL  # done at export
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(directory / GRAPH), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.max_chars = max_seq_length * CHARS_PER_TOKEN
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    @classmethod
    def open(cls, directory: Path, wanted: dict) -> "OnnxEncoder":
        """The stored export if it was made for `wanted` and its files pass their checksums, else IndexUnusable."""
        manifest = verified_manifest(directory, wanted)
        try:
            encoder = cls(directory, int(manifest["max_seq_length"]))
        except Exception as exc:  # a reader failure means the files are not what the manifest promised
            raise IndexUnusable(f"query model unreadable ({exc.__class__.__name__}: {exc})") from exc
        if encoder.dim != wanted["dim"]:
            raise IndexUnusable(f"query model gives {encoder.dim} dimensions, expected {wanted['dim']}")
        return encoder

    def encode(self, texts: list[str]) -> np.ndarray:
        """One forward pass over `texts` (padded to the longest): a query, or a batch."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        features = _features(self.tokenizer, [t[: self.max_chars] for t in texts])
        vectors = self.session.run(None, {name: features[name] for name in self.inputs})[0]
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_documents(self, texts: list[str], progress: bool = False, workers: int | None = None) -> np.ndarray:
        """Many passages: sorted by length into batches of DOCUMENT_BATCH (little padding), spread over `workers`
        threads (`document_workers()` if not given; onnxruntime releases the GIL), with a progress bar on a
        terminal."""
        from concurrent.futures import ThreadPoolExecutor

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        batches = [order[i : i + DOCUMENT_BATCH] for i in range(0, len(order), DOCUMENT_BATCH)]

        def run(batch: list[int]) -> int:
            out[batch] = self.encode([texts[i] for i in batch])
            return len(batch)

        bar = None
        if progress and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc="embedding passages", unit="passage")
        try:
            with ThreadPoolExecutor(max_workers=workers or document_workers()) as pool:
                for done in pool.map(run, batches):
                    if bar is not None:
                        bar.update(done)
        finally:
            if bar is not None:
                bar.close()
        return out


if __name__ == "__main__":
    from assistant.search.embed import MINILM_NAME, minilm_path

    written = write_reference(Path(minilm_path()), MINILM_NAME)
    print(f"stored {len(written['vectors'])} probe vectors for {written['model_files_sha256'][:12]}… in {REFERENCE}")
