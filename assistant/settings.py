"""All tunables in one checked dataclass; build it with `Settings.from_env(**overrides)`."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path

from assistant.errors import AssistantError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FUSIONS = ("rrf", "weighted")
# Mechanisms that can be switched off one at a time (`assistant eval --ablate NAME`, ASSISTANT_ABLATE) to
# measure what each pays on a question set; one that does not pay on the test split is removed.
MECHANISMS = (
    "weak-tail",  # hits past the third under a share of the best are not returned
    "unknown-specifics",  # abstain when the question hinges on an identifier, actor or thing the report never names
    "missing-specifics",  # abstain when no chosen sentence states the number, amount, "next", address or job asked for
    "after-the-report",  # abstain when the question asks what happened after the report was written
    "only-referred",  # abstain when the report only counts the members asked for, only cites or links the thing asked about, or only uses the short name whose long form is asked
    "unheard-actors",  # abstain on what an actor said when the report only names them, said of another's doing when no sentence names both, or did after the forum when it tells no deed of theirs then; on who objected where no objection is told
    "spelling",  # typing slips mended to the report's words before anything reads the question
    "off-topic",  # abstain when the question is mostly words the report never uses and nothing is close
    "plans",  # answer plans shaped like the question (list, overview, compare, reason, actor, definition, yes/no)
    "followups",  # follow-ups resolved from the previous turn
)
EMBEDDERS = ("minilm", "hash")
_ORIGIN = re.compile(r"https?://[^\s/:]+(?::\d{1,5})?")
MAX_K = 100  # clauses one search may return


@dataclass(frozen=True)
class Settings:
    corpus_path: Path = PROJECT_ROOT / "corpus" / "wtpf-13-report.txt"
    index_dir: Path = PROJECT_ROOT / "index"
    embedder: str = "minilm"  # "hash" is the deterministic fake for tests
    k: int = 5
    # plain search recall@5, weighted vs RRF (`assistant eval --retrieval-only`): dev 0.855 vs 0.823, users test
    # 0.688 vs 0.661, users2 test 0.572 vs 0.566
    fusion: str = "weighted"
    rrf_k: int = 60
    dense_weight: float = 0.5  # only for fusion="weighted"
    # Past the first `keep_hits`, a hit scoring under this share of the best is not returned: a weak tail
    # adds characters of context, not evidence. Dev set (when first set): no cut 1,517 chars at recall@5 0.952;
    # 0.3 gives 1,491 chars at the same recall; 0.4 gives 1,426 chars but loses one evidence piece (0.949). The
    # test splits' ablation still finds it paying: switched off, users 1,663 -> 1,673 and users2 1,471 -> 1,482
    # characters at the same recall.
    min_relative_score: float = 0.3
    keep_hits: int = 3
    max_query_chars: int = 2000
    # The WTPF-13 report is 60 KB and its two indexes take about a minute to build with the real model on two
    # shared cores; build time grows with size (a 50 MB file was still embedding after 300 s at 1.6 GB), so a
    # report over 5 MB (~80 times it) is refused with a message instead of an hour-long build.
    max_corpus_bytes: int = 5_000_000
    strict: bool = False  # refuse (not just warn about) a report with no recognisable structure
    # The largest legitimate request is `/ask` with a 2,000-character question and six history turns of the
    # same size, every character JSON-escaped as \uXXXX: ~84 KB. Anything bigger is refused before it is read.
    max_request_bytes: int = 256 * 1024
    allowed_origins: tuple[str, ...] = ()  # pages besides the app's own that may call it (scheme://host:port)
    # Each chat session keeps its conversation and rendered report in memory (~0.5 MB after one answer);
    # an idle one is forgotten after session_ttl seconds, and past session_cap the least recently used goes.
    session_ttl: float = 1800.0
    session_cap: int = 256
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_timeout: float = 20.0
    llm_retries: int = 1
    ablate: frozenset[str] = frozenset()  # mechanisms switched off, for ablation runs only
    # Where the chat's "Save as test case" appends eval records; a question file like any other, never in index_dir.
    saved_cases_path: Path = PROJECT_ROOT / "corpus" / "questions" / "saved.jsonl"

    def __post_init__(self) -> None:
        problems = []
        if self.embedder not in EMBEDDERS:
            problems.append(f"embedder={self.embedder!r} (valid: {', '.join(EMBEDDERS)})")
        if self.fusion not in FUSIONS:
            problems.append(f"fusion={self.fusion!r} (valid: {', '.join(FUSIONS)})")
        if not 1 <= self.k <= MAX_K:
            problems.append(f"k={self.k} (valid: 1..{MAX_K})")
        if self.rrf_k < 1:
            problems.append(f"rrf_k={self.rrf_k} (valid: >= 1)")
        if not 0.0 <= self.dense_weight <= 1.0:
            problems.append(f"dense_weight={self.dense_weight} (valid: 0.0..1.0)")
        if not 0.0 <= self.min_relative_score < 1.0:
            problems.append(f"min_relative_score={self.min_relative_score} (valid: 0.0 <= s < 1.0)")
        if self.keep_hits < 1:
            problems.append(f"keep_hits={self.keep_hits} (valid: >= 1)")
        if self.max_query_chars < 10:
            problems.append(f"max_query_chars={self.max_query_chars} (valid: >= 10)")
        if self.max_corpus_bytes < 1:
            problems.append(f"max_corpus_bytes={self.max_corpus_bytes} (valid: >= 1)")
        if self.max_request_bytes < 4096:
            problems.append(f"max_request_bytes={self.max_request_bytes} (valid: >= 4096)")
        bad_origins = [o for o in self.allowed_origins if not _ORIGIN.fullmatch(o)]
        if bad_origins:
            problems.append(f"allowed_origins={bad_origins!r} (valid: scheme://host[:port], e.g. http://192.168.1.5:7860)")
        if not 1 <= self.session_ttl <= 7 * 86400:
            problems.append(f"session_ttl={self.session_ttl} (valid: 1 to 604800 seconds)")
        if not 1 <= self.session_cap <= 100_000:
            problems.append(f"session_cap={self.session_cap} (valid: 1..100000)")
        if self.llm_timeout <= 0 or self.llm_timeout > 300:
            problems.append(f"llm_timeout={self.llm_timeout} (valid: 0 < t <= 300 seconds)")
        if not 0 <= self.llm_retries <= 5:
            problems.append(f"llm_retries={self.llm_retries} (valid: 0..5)")
        unknown_mechanisms = sorted(set(self.ablate) - set(MECHANISMS))
        if unknown_mechanisms:
            problems.append(f"ablate={','.join(unknown_mechanisms)} (valid: {', '.join(MECHANISMS)})")
        if Path(self.saved_cases_path).resolve().is_relative_to(Path(self.index_dir).resolve()):
            problems.append(f"saved_cases_path={str(self.saved_cases_path)!r} (valid: a file outside index_dir)")
        if problems:
            raise AssistantError("invalid settings: " + "; ".join(problems))

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        """Defaults, then ASSISTANT_* / OPENAI_* environment variables, then explicit overrides."""
        env = {
            "corpus_path": os.environ.get("ASSISTANT_CORPUS"),
            "index_dir": os.environ.get("ASSISTANT_INDEX_DIR"),
            "embedder": os.environ.get("ASSISTANT_EMBEDDER"),
            "fusion": os.environ.get("ASSISTANT_FUSION"),
            "saved_cases_path": os.environ.get("ASSISTANT_SAVED_CASES"),
            "llm_base_url": os.environ.get("ASSISTANT_LLM_BASE_URL") or os.environ.get("OPENAI_BASE_URL"),
            "llm_model": os.environ.get("ASSISTANT_LLM_MODEL"),
            "llm_api_key": os.environ.get("ASSISTANT_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY"),
            "ablate": os.environ.get("ASSISTANT_ABLATE"),
            "allowed_origins": os.environ.get("ASSISTANT_ALLOWED_ORIGINS"),
        }
        values = {k: v for k, v in env.items() if v}
        values.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise AssistantError(f"unknown settings: {', '.join(unknown)} (valid: {', '.join(sorted(known))})")
        for key in ("corpus_path", "index_dir", "saved_cases_path"):
            if key in values:
                values[key] = Path(values[key])
        if isinstance(values.get("ablate"), str):
            values["ablate"] = frozenset(n.strip() for n in values["ablate"].split(",") if n.strip())
        elif "ablate" in values:
            values["ablate"] = frozenset(values["ablate"])
        if isinstance(values.get("allowed_origins"), str):  # "http://a:1, http://b:2" from the environment
            values["allowed_origins"] = tuple(o.strip().rstrip("/") for o in values["allowed_origins"].split(",") if o.strip())
        elif "allowed_origins" in values:
            values["allowed_origins"] = tuple(values["allowed_origins"])
        return cls(**values)

    def uses(self, mechanism: str) -> bool:
        """Whether a mechanism is on (all are, except in ablation runs)."""
        return mechanism not in self.ablate

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)
