"""Artifacts kept under index/ (the indexes, the query model, the parsed report): each a directory written whole
or not at all, with a manifest.json naming what it was made from and a sha256 for every file, checked on every
read. Nothing here imports numpy or faiss, so `assistant clauses` reads the stored parse without them.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import mmap
import os
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from assistant.records import Clause

log = logging.getLogger("assistant.index")


class IndexUnusable(Exception):
    """The stored index cannot be used as is; the message says why (logged before a rebuild)."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hashed through a memory map: no copy of a 90 MB model into Python buffers at every start."""
    with open(path, "rb") as fh:
        if os.fstat(fh.fileno()).st_size == 0:
            return hashlib.sha256(b"").hexdigest()
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return hashlib.sha256(mapped).hexdigest()


def publish(directory: Path, manifest: dict, write: Callable[[Path], None], expected: tuple[str, ...] = ()) -> dict:
    """Have `write` fill a sibling temp directory, add a manifest with a sha256 for every file it wrote, then
    swap it in for `directory`, so readers never see a half-written artifact. Returns the manifest written.
    Writers take a lock on the parent folder, so two rebuilds never swap at once."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(directory, blocking=True):
        return _publish_locked(directory, manifest, write, expected)


def _publish_locked(directory: Path, manifest: dict, write: Callable[[Path], None], expected: tuple[str, ...]) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f".{directory.name}.tmp-", dir=directory.parent))
    try:
        write(tmp)
        files = sorted(p for p in tmp.rglob("*") if p.is_file())
        missing = set(expected) - {p.relative_to(tmp).as_posix() for p in files}
        if missing:  # a library changed its file names: fail loudly rather than rebuild on every open
            raise ValueError(f"index writer did not produce {', '.join(sorted(missing))}")
        manifest = dict(manifest)
        manifest["files"] = {p.relative_to(tmp).as_posix(): sha256_file(p) for p in files}
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        trash = None
        if directory.exists():
            trash = directory.parent / f".{directory.name}.old-{uuid.uuid4().hex[:8]}"
            os.replace(directory, trash)
        os.replace(tmp, directory)
        if trash is not None:
            shutil.rmtree(trash, ignore_errors=True)
        return manifest
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _differences(stored: dict, wanted: dict) -> list[str]:
    out = []
    for key, value in wanted.items():
        if stored.get(key) != value:
            shown = stored.get(key)
            if isinstance(shown, str) and len(shown) > 16:
                shown = shown[:12] + "…"
            out.append(f"{key} changed (stored {shown!r})")
    return out


def verified_manifest(directory: Path, wanted: dict, expected: tuple[str, ...] = ()) -> dict:
    """The manifest of the artifact in `directory` if it was built for `wanted` and every file it lists is
    there with its checksum; otherwise raise IndexUnusable saying why. The `expected` files are fixed by the
    caller, not read from the manifest: a manifest that leaves a file out must not make its damage invisible."""
    directory = Path(directory)
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        raise IndexUnusable(f"no index at {directory}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
            raise ValueError("not a manifest object")
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise IndexUnusable(f"manifest unreadable ({exc.__class__.__name__})") from exc
    diffs = _differences(manifest, wanted)
    if diffs:
        raise IndexUnusable("; ".join(diffs))
    for rel in expected:
        if not isinstance(manifest["files"].get(rel), str):
            raise IndexUnusable(f"manifest does not vouch for {rel}")
    for rel, digest in manifest["files"].items():
        path = directory / rel
        if not path.is_file():
            raise IndexUnusable(f"{rel} is missing")
        if sha256_file(path) != digest:
            raise IndexUnusable(f"{rel} is corrupted (checksum mismatch)")
    return manifest


@contextmanager
def writer_lock(directory: Path, blocking: bool):
    """An exclusive lock on the folder that holds the artifact, taken while a new version is written and swapped
    in. Yields False when `blocking` is off and another process holds it. The OS releases it if its holder dies,
    so a killed rebuild never leaves it taken; locking the folder itself leaves no lock file behind."""
    fd = os.open(directory.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def remove_leftovers(directory: Path) -> int:
    """Delete `.NAME.tmp-*` / `.NAME.old-*` folders a killed rebuild left; skipped while someone is writing."""
    directory = Path(directory)
    if not directory.parent.is_dir():
        return 0
    removed = 0
    try:
        with writer_lock(directory, blocking=False) as free:
            if not free:
                return 0
            for pattern in (f".{directory.name}.tmp-*", f".{directory.name}.old-*"):
                for path in directory.parent.glob(pattern):
                    shutil.rmtree(path, ignore_errors=True)
                    removed += not path.exists()
    except OSError as exc:  # a read-only checkout: nothing to clean, nothing we could
        log.debug("could not check for leftover folders beside %s (%s)", directory, exc)
    if removed:
        log.info("removed %d leftover folder(s) of an interrupted write beside %s", removed, directory)
    return removed


def write_clauses(path: Path, clauses: list[Clause]) -> None:
    """One JSON object a line, in order (the clause index and the stored parse keep them so)."""
    with open(path, "w", encoding="utf-8") as fh:
        for clause in clauses:
            fh.write(json.dumps(clause.to_dict(), ensure_ascii=False) + "\n")


PARSE_FORMAT = 1


def code_sha256() -> str:
    """sha256 of this package's source files: a stored parse is only reused by the code that made it."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stored_parse(directory: Path, source: str, parse: Callable[[str], list[Clause]]) -> list[Clause]:
    """`parse(source)`, kept in `directory` (clauses.jsonl, checksummed) and reused while the report and the
    code are the same: parsing costs ~0.2 s and counting tokens loads tiktoken (~0.25 s), a start-up's worth."""
    wanted = {"format": PARSE_FORMAT, "corpus_sha256": sha256_bytes(source.encode("utf-8")), "code_sha256": code_sha256()}
    try:
        verified_manifest(directory, wanted)
        lines = (Path(directory) / "clauses.jsonl").read_text(encoding="utf-8").splitlines()
        return [Clause.from_dict(json.loads(line)) for line in lines]
    except IndexUnusable as exc:
        log.debug("parsing the report: %s", exc)
    except (OSError, ValueError, TypeError) as exc:
        log.warning("parsing the report: stored clauses unreadable (%s)", exc)
    clauses = parse(source)
    try:
        publish(directory, {**wanted, "clause_count": len(clauses)}, lambda tmp: write_clauses(tmp / "clauses.jsonl", clauses))
    except OSError as exc:
        log.debug("could not store the parsed clauses at %s (%s)", directory, exc)
    return clauses
