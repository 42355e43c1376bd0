"""The records that flow through the pipeline: Clause → Hit → Citation → Answer.

All are frozen; change them with `dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("heading", "paragraph", "clause", "sub-clause", "table-row", "signature")
PARTS = ("Part I", "Part II", "Annex I")


@dataclass(frozen=True)
class Footnote:
    number: int
    text: str


@dataclass(frozen=True)
class Clause:
    """One citable unit of the report, with its raw span `[start, end)` in the corpus file."""

    id: str  # "opinion-4/recognizing/g", "annex-1/wg-2/p4", "part-1/p11"
    label: str  # "Opinion 4 › recognizing (g)"
    text: str  # clean: footnote markers removed, whitespace normalized
    start: int
    end: int
    kind: str  # one of KINDS
    part: str  # "Part I" | "Part II" | "Annex I" (or a generic part name for other reports)
    heading: str = ""  # human heading path without the clause's own label, e.g. "Opinion 4: In support of … › recognizing"
    opinion: int | None = None
    opinion_title: str | None = None
    section: str | None = None  # "recognizing", "invites Member States", or an Annex subsection like "1.1 Opinion 1"
    working_group: int | None = None
    parent: str | None = None
    footnotes: tuple[Footnote, ...] = ()
    tokens: int = 0
    refs: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["footnotes"] = [asdict(f) for f in self.footnotes]
        data["refs"] = list(self.refs)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Clause":
        data = dict(data)
        data["footnotes"] = tuple(Footnote(**f) for f in data.get("footnotes", ()))
        data["refs"] = tuple(data.get("refs", ()))
        return cls(**data)


@dataclass(frozen=True)
class Filters:
    """Metadata restrictions for retrieval; None means no restriction."""

    part: str | None = None
    opinion: int | None = None
    section: str | None = None
    working_group: int | None = None

    def admits(self, clause: Clause) -> bool:
        if self.part is not None and clause.part != self.part:
            return False
        if self.opinion is not None and clause.opinion != self.opinion:
            return False
        if self.section is not None and (clause.section or "").lower() != self.section.lower():
            return False
        if self.working_group is not None and clause.working_group != self.working_group:
            return False
        return True

    @property
    def empty(self) -> bool:
        return self == Filters()

    @classmethod
    def from_choice(cls, choice: str | None) -> "Filters":
        """Parse a scope name: "whole report", "Part I", "Part II", "Opinion 3", "Annex I", "Working Group 2"."""
        text = " ".join((choice or "").lower().replace("-", " ").split())
        if text in ("", "all", "whole report", "report", "none"):
            return cls()
        aliases = {"part i": "Part I", "part 1": "Part I", "part ii": "Part II", "part 2": "Part II",
                   "opinions": "Part II", "annex i": "Annex I", "annex 1": "Annex I", "annex": "Annex I"}
        if text in aliases:
            return cls(part=aliases[text])
        for prefix, field_name in (("opinion ", "opinion"), ("working group ", "working_group"), ("wg ", "working_group")):
            if text.startswith(prefix) and text[len(prefix):].strip().isdigit():
                return cls(**{field_name: int(text[len(prefix):])})
        raise ValueError(
            f"unknown scope {choice!r} (valid: whole report, Part I, Part II, Opinion N, Annex I, Working Group N)"
        )


@dataclass(frozen=True)
class Hit:
    """A retrieved clause with its fused score and the parts it is made of."""

    clause: Clause
    score: float
    parts: dict[str, float] = field(default_factory=dict)  # e.g. {"dense": .., "bm25": .., "route": ..}

    def to_dict(self) -> dict[str, Any]:
        c = self.clause
        return {
            "id": c.id,
            "label": c.label,
            "text": c.text,
            "start": c.start,
            "end": c.end,
            "score": round(float(self.score), 6),
            "parts": {k: round(float(v), 6) for k, v in self.parts.items()},
        }


@dataclass(frozen=True)
class Citation:
    """A verbatim quote: `quote == source[start:end]` is checked before an answer leaves."""

    n: int
    clause_id: str
    label: str
    quote: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    rewritten_query: str = ""
    abstained: bool = False
    citations: tuple[Citation, ...] = ()
    related: tuple[Hit, ...] = ()
    retrieved: tuple[Hit, ...] = ()
    notice: str | None = None  # e.g. "LLM endpoint unreachable; showing the extractive answer"
    backend: str = "extractive"
    read_as: str | None = None  # the question as read when a follow-up was rewritten from the conversation
    plan: str = "fact"  # the answer plan's name

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "rewritten_query": self.rewritten_query,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "related": [h.to_dict() for h in self.related],
            "retrieved": [h.to_dict() for h in self.retrieved],
            "notice": self.notice,
            "backend": self.backend,
            "read_as": self.read_as,
            "plan": self.plan,
        }
