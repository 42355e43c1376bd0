"""Reading a report file: exact text, and one-line errors naming the file for bad input."""

from __future__ import annotations

import pytest

from assistant.errors import ReportError
from assistant.report.read_report import read_report

pytestmark = pytest.mark.unit


def test_reads_the_real_report_byte_for_byte(report_path):
    text = read_report(report_path)
    assert text.encode("utf-8") == report_path.read_bytes()


def test_keeps_crlf_so_offsets_are_true(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"PART I\r\n\xc2\xb7 First paragraph.\r\n")
    assert read_report(path) == "PART I\r\n· First paragraph.\r\n"


@pytest.mark.parametrize(
    "name, data, problem",
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b" \n\t\r\n", "the file is empty"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("controls.txt", bytes(range(1, 9)) * 20 + b"text", "binary"),
        ("latin1.txt", "Réunion à Genève".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_input_gives_one_line_error_naming_the_file(tmp_path, name, data, problem):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ReportError) as info:
        read_report(path)
    message = str(info.value)
    assert name in message and problem in message and "\n" not in message


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ReportError, match=r"nope\.txt: file not found"):
        read_report(tmp_path / "nope.txt")
    with pytest.raises(ReportError, match="is a directory"):
        read_report(tmp_path)


def test_invalid_byte_position_is_reported(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"PART I\nfine text\xff more")
    with pytest.raises(ReportError, match=r"0xff at byte offset 16"):
        read_report(path)
