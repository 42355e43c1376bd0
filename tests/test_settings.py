"""Settings are checked when built, and a bad value is named together with what would be valid."""

from __future__ import annotations

import pytest

from assistant.errors import AssistantError
from assistant.settings import Settings

pytestmark = pytest.mark.unit


def test_defaults_are_valid():
    s = Settings()
    assert s.k == 5 and s.fusion in ("rrf", "weighted") and 0.0 <= s.min_relative_score < 1.0


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("fusion", "max", "valid: rrf, weighted"),
        ("embedder", "bert", "valid:"),
        ("k", 0, "valid: 1..100"),
        ("dense_weight", 1.5, "valid: 0.0..1.0"),
        ("min_relative_score", 1.0, "valid: 0.0 <= s < 1.0"),
        ("keep_hits", 0, "valid: >= 1"),
        ("llm_timeout", 0, "valid: 0 < t <= 300"),
    ],
)
def test_bad_values_name_the_valid_ones(field, value, expected):
    with pytest.raises(AssistantError) as err:
        Settings(**{field: value})
    assert field in str(err.value) and expected in str(err.value)


def test_several_problems_are_reported_together():
    with pytest.raises(AssistantError) as err:
        Settings(k=0, keep_hits=0)
    assert "k=0" in str(err.value) and "keep_hits=0" in str(err.value)
