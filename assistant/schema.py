"""Small typed records that flow between the pipeline stages."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Page:
    """The text of one page (PDF) or of a whole text file (page is None)."""

    source: str
    page: int | None
    text: str
    title: str


@dataclass(frozen=True)
class Chunk:
    """A piece of a document small enough to retrieve and quote, with where it came from."""

    text: str
    source: str
    page: int | None
    heading: str
    title: str
    language: str
    position: int


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its retrieval score."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Utterance:
    """An earlier message of a conversation: the user's ('user') or the assistant's answer ('assistant')."""

    role: str
    content: str


@dataclass(frozen=True)
class Citation:
    """A numbered source under an answer: the document, page and quoted passage."""

    number: int
    source: str
    page: int | None
    snippet: str
    score: float
    heading: str = ""
    title: str = ""

    def to_dict(self) -> dict:
        return {"source": self.source, "page": self.page, "snippet": self.snippet, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Answer:
    """What the assistant says to a question, with its citations; abstained when the documents do not answer."""

    question: str
    text: str
    language: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    evidence: float = 0.0
    generator: str = "extractive"  # who wrote the text: 'extractive', 'llm', 'llm-fallback' (the check failed), 'eligibility'
    note: str = ""  # guidance shown under the answer that is not drawn from the documents (where to ask, who decides)
    outcome: str = "answered"  # what became of the turn (assistant.routing.OUTCOMES)
    rewritten_by: str = ""  # who made the follow-up standalone: 'rules' or 'llm' ('' when the turn stood alone)

    def to_dict(self, latency_ms: float) -> dict:
        """The answer as `ask --json`, the eval result lines and the HTTP API give it (field names are a contract)."""
        shown = {
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "latency_ms": round(latency_ms, 1),
            "evidence": round(self.evidence, 4),
            "outcome": self.outcome,
            "rewritten_question": self.question,
        }
        # Only for a rewritten follow-up, so that the fields of every other answer stay as they were.
        return shown | {"rewritten_by": self.rewritten_by} if self.rewritten_by else shown


@dataclass(frozen=True)
class FileFailure:
    """A file that could not be indexed, and why, in words a user can act on."""

    path: str
    reason: str


@dataclass
class IngestReport:
    """What one ingest run did."""

    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    pages: int = 0
    chunks: int = 0
    failures: list[FileFailure] = field(default_factory=list)
    # Files in an ingested folder whose type is not read: listed so nothing is left out silently, not failures.
    skipped: list[FileFailure] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)
