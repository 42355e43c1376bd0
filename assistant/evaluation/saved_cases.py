""""Save as test case": turn a chat answer into a line of an eval question file, appended atomically.

The record has the eval format of `assistant.evaluation.questions` (so `assistant eval saved.jsonl` runs it like any other
set) plus a few fields the harness ignores: `scope` the answer was asked in, and `failing` with the user's
`note` when it was saved from a thumbs-down.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError, InputError
from assistant.evaluation.metrics import locate_evidence
from assistant.evaluation.questions import load_questions, parse_question
from assistant.textnorm import clean_input

MAX_FACTS = 20
MAX_FACT_CHARS = 300
MAX_NOTE_CHARS = 2000
_lock = threading.Lock()  # one writer at a time within the server; the rename makes each write whole


def case_record(
    question: str,
    *,
    history: Sequence[str] = (),
    evidence: Sequence[str] = (),
    facts: Sequence[str] = (),
    answerable: bool = True,
    failing: bool = False,
    note: str = "",
    scope: str | None = None,
    source: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One eval record, checked as `assistant eval` would check it; bad input raises InputError.

    `evidence` are the answer's quotes (each one group of one alternative); with `source`, each must occur in it.
    `facts` are what a right answer must contain, typed by the user, one group each.
    """
    text = clean_input(question or "")
    if not text:
        raise InputError("A test case needs a question.")
    quotes = [q for q in (clean_input(e) for e in evidence) if q]
    if source is not None:
        for quote in quotes:
            if not locate_evidence(source, [(quote,)]):
                raise InputError(f"Evidence not found in the report: “{quote[:80]}”.")
    typed = [f for f in (clean_input(f) for f in facts) if f]
    if len(typed) > MAX_FACTS or any(len(f) > MAX_FACT_CHARS for f in typed):
        raise InputError(f"At most {MAX_FACTS} facts of at most {MAX_FACT_CHARS} characters each.")
    when = now or datetime.now(timezone.utc)
    digest = hashlib.sha1(f"{text}\n{when.isoformat()}".encode()).hexdigest()[:6]
    record: dict[str, Any] = {
        "id": f"saved-{when:%Y%m%d-%H%M%S}-{digest}",
        "question": text,
        "history": [h for h in (clean_input(h) for h in history if isinstance(h, str)) if h],
        "evidence": [[q] for q in quotes],
        "facts": [[f] for f in typed],
        "answerable": bool(answerable and quotes),
    }
    if scope:
        record["scope"] = scope
    if failing:
        record["failing"] = True
        record["note"] = clean_input(note or "")[:MAX_NOTE_CHARS]

    def fail(message: str):
        raise InputError(f"Not a valid test case: {message}.")

    parse_question(record, fail)
    return record


def append_case(path: str | Path, record: dict[str, Any]) -> str:
    """Append one record to the question file at `path`; returns its id.

    The file is rewritten to a temporary file beside it and renamed over, so a reader (or a crash) never sees a
    half-written line. An id already in the file gets a numeric suffix.
    """
    path = Path(path)
    with _lock:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            old = path.read_bytes() if path.exists() else b""
        except OSError as exc:
            raise AssistantError(f"{path}: cannot read the saved test cases ({exc.strerror or exc})") from None
        ids = {q.id for q in load_questions(path)} if old.strip() else set()
        record = dict(record)
        base, n = record["id"], 2
        while record["id"] in ids:
            record["id"], n = f"{base}-{n}", n + 1
        if old and not old.endswith(b"\n"):
            old += b"\n"
        line = json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n"
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(old + line)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise AssistantError(f"{path}: cannot save the test case ({exc.strerror or exc})") from None
    return record["id"]
