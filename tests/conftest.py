"""Shared fixtures: the real report, its clauses, and assistants over it (fake or real embedder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "corpus" / "wtpf-13-report.txt"
DEV_QUESTIONS = ROOT / "corpus" / "questions" / "dev.jsonl"


@pytest.fixture(scope="session")
def report_path() -> Path:
    return REPORT


@pytest.fixture(scope="session")
def source() -> str:
    with open(REPORT, encoding="utf-8", newline="") as fh:
        return fh.read()


@pytest.fixture(scope="session")
def clauses(source):
    from assistant.report.parse import parse_report

    return parse_report(source)


@pytest.fixture(scope="session")
def hash_assistant(tmp_path_factory):
    """The whole pipeline on the real report with the deterministic fake embedder."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    index_dir = tmp_path_factory.mktemp("index-hash")
    return Assistant.load(Settings.from_env(embedder="hash", index_dir=index_dir))


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory):
    """The whole pipeline with the real embedding model (model tier)."""
    from assistant.service import Assistant
    from assistant.settings import Settings

    index_dir = tmp_path_factory.mktemp("index-minilm")
    return Assistant.load(Settings.from_env(embedder="minilm", index_dir=index_dir))
