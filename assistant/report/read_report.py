"""Read a report file as text whose character offsets are the offsets the parser and citations use."""

from __future__ import annotations

import os
from pathlib import Path

from assistant.errors import ReportError

# Control characters other than tab/newline/carriage return/form feed are a sign of a binary file.
_BINARY_CONTROLS = set(range(0, 32)) - {9, 10, 12, 13}
_MAX_CONTROL_SHARE = 0.01


def read_report(path: str | os.PathLike, max_bytes: int | None = None) -> str:
    """The file's text exactly as stored (no newline translation); ReportError names the file and the problem.

    A file over `max_bytes` is refused by its size, before it is read.
    """
    name = str(path)
    p = Path(path)
    try:
        if max_bytes is not None and p.is_file() and (size := p.stat().st_size) > max_bytes:
            raise ReportError(
                f"{name}: is {size:,} bytes; reports up to {max_bytes:,} bytes are accepted "
                "(Settings.max_corpus_bytes; a report that size takes a long time to index)"
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise ReportError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise ReportError(f"{name}: is a directory, not a report file") from None
    except PermissionError:
        raise ReportError(f"{name}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise ReportError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if not data.strip():
        raise ReportError(f"{name}: the file is empty")
    if b"\x00" in data:
        raise ReportError(f"{name}: looks like a binary file (contains NUL bytes), not a text report")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReportError(
            f"{name}: is not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at byte offset {exc.start})"
        ) from None
    controls = sum(1 for ch in text if ord(ch) in _BINARY_CONTROLS)
    if controls > max(2, _MAX_CONTROL_SHARE * len(text)):
        raise ReportError(f"{name}: looks like a binary file ({controls} control characters), not a text report")
    if not text.strip():
        raise ReportError(f"{name}: the file is empty (only whitespace)")
    return text
