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

`export` needs torch and sentence-transformers (the index build has loaded them anyway); `OnnxEncoder.open`
needs only onnxruntime, tokenizers and numpy.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from assistant.artifacts import IndexUnusable, publish, verified_manifest
from assistant.embed import CHARS_PER_TOKEN, DOCUMENT_BATCH, build_threads

log = logging.getLogger("assistant.embed")

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
    """Export a loaded SentenceTransformer (Transformer → mean Pooling → Normalize) into `directory`.

    Checked before it is stored: on PROBES its vectors must be within MIN_COSINE of the model's own.
    Returns the manifest written.
    """
    import onnx
    import onnxruntime as ort
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

        def write(tmp: Path) -> None:  # `publish` writes the manifest once this returns
            options = ort.SessionOptions()
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED  # not hardware-specific
            options.optimized_model_filepath = str(tmp / GRAPH)
            options.add_session_config_entry("session.optimized_model_external_initializers_file_name", WEIGHTS)
            # small constants stay in the graph: shape inference needs them inline
            options.add_session_config_entry("session.optimized_model_external_initializers_min_size_in_bytes", "1024")
            ort.InferenceSession(str(traced), options, providers=["CPUExecutionProvider"])
            (tmp / TOKENIZER).write_text(tokenizer.to_str(), encoding="utf-8")
            exported = OnnxEncoder(tmp, max_length).encode(list(PROBES))
            reference = model.encode(
                list(PROBES), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
            )
            worst = float(np.min(np.sum(exported * reference, axis=1)))
            if worst < MIN_COSINE:
                raise ValueError(f"the ONNX export drifts from sentence-transformers (cosine {worst:.6f})")
            manifest["probe_min_cosine"] = round(worst, 7)

        manifest = {
            **wanted,
            "max_seq_length": max_length,
            "opset": OPSET,
            "torch_version": torch.__version__.split("+")[0],
            "onnx_version": onnx.__version__,
            "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        written = publish(directory, manifest, write)
    log.info("query model exported to %s in %.1f s", directory, time.perf_counter() - started)
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

    def encode_documents(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Many passages: sorted by length into batches of DOCUMENT_BATCH (little padding), spread over
        `build_threads()` workers (onnxruntime releases the GIL), with a progress bar on a terminal."""
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
            with ThreadPoolExecutor(max_workers=build_threads()) as pool:
                for done in pool.map(run, batches):
                    if bar is not None:
                        bar.update(done)
        finally:
            if bar is not None:
                bar.close()
        return out
