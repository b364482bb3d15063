"""The assistant as one service object: what the CLI and the web UI are given, and all they call."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .answer import make_generator
from .config import Settings
from .embeddings import CachedEmbeddings, make_embeddings
from .glossary import QueryExpander, load_glossary
from .indexer import Progress, index_files
from .retrieval import HybridRetriever, Retriever
from .schema import Answer, Hit, IngestReport
from .store import ChunkStore
from .text import clean, detect_language, split_question
from .tokens import Tokenizer


# Passages retrieved for each part of a two-part question, besides those for the whole question.
PART_HITS = 3


class QuestionError(ValueError):
    """A question that cannot be asked as given (empty, too long); the message is shown to the user."""


@dataclass(frozen=True)
class Retrieved:
    """Event: the passages found for the question, before the answer is written."""

    hits: list[Hit]


@dataclass(frozen=True)
class Answered:
    """Event: the final answer."""

    answer: Answer


Event = Retrieved | Answered


def collect(events: Iterable[Event]) -> tuple[list[Hit], Answer]:
    """The passages and the final answer of one event stream."""
    hits: list[Hit] = []
    answer = None
    for event in events:
        if isinstance(event, Retrieved):
            hits = event.hits
        elif isinstance(event, Answered):
            answer = event.answer
    assert answer is not None  # a stream always ends with Answered
    return hits, answer


class AssistantService:
    """Indexes documents and answers questions over them; builds its parts from one Settings."""

    def __init__(
        self, settings: Settings, retriever: Retriever | None = None, expander: QueryExpander | None = None
    ) -> None:
        """Build the parts the settings name; a given retriever and its query expander replace the hybrid
        retriever's (for baselines)."""
        self.settings = settings
        self._tokenizer = Tokenizer()
        self._embeddings = make_embeddings(settings.embeddings)
        self._store = ChunkStore(settings.store, settings.index_dir, self._embeddings)
        # One expander: the retriever teaches it the corpus vocabulary that the answerer's spelling corrections use.
        expander = expander or QueryExpander(self._tokenizer, load_glossary(settings.glossary, self._tokenizer))
        self._retriever = retriever or HybridRetriever(self._store, self._tokenizer, settings.retrieval, expander)
        answer_embeddings = CachedEmbeddings(self._embeddings, settings.answer.sentence_cache)
        self._generator = make_generator(settings.answer, answer_embeddings, self._tokenizer, expander)

    def ingest(self, paths: Iterable[Path], progress: Progress | None = None) -> IngestReport:
        """Index files and folders; changed files replace their old chunks, unchanged ones are skipped."""
        report = index_files(paths, self._store, self._tokenizer, self.settings, progress)
        if report.indexed:
            self._retriever.refresh()
        return report

    def document_count(self) -> int:
        """How many documents are completely indexed."""
        return len({chunk.source for chunk in self._retriever.chunks})

    def stream(self, question: str) -> Iterator[Event]:
        """Answer a question step by step: first the passages found, then the answer."""
        question = self._validated(question)
        hits = self._retriever.search(question)
        parts = split_question(question)
        if len(parts) > 1:
            hits = self._with_part_hits(hits, parts)
        yield Retrieved(hits)
        if not hits:
            yield Answered(self._generator.abstain(question, detect_language(question)))
            return
        yield Answered(self._generator.generate(question, hits))

    def _with_part_hits(self, hits: list[Hit], parts: list[str]) -> list[Hit]:
        """A question that asks two things may need a passage for each that the whole question ranks low; and a
        passage answering one part covers that part's terms, whatever share of the whole question it covers."""
        found = {(h.chunk.source, h.chunk.position): h for h in hits}
        for part in parts:
            for hit in self._retriever.search(part, k=PART_HITS):
                key = (hit.chunk.source, hit.chunk.position)
                known = found.get(key)
                if known is None or known.term_coverage < hit.term_coverage:
                    found[key] = hit if known is None else replace(known, term_coverage=hit.term_coverage)
        return list(found.values())

    def ask(self, question: str) -> Answer:
        """Answer a question in one call."""
        return collect(self.stream(question))[1]

    def _validated(self, question: str) -> str:
        question = " ".join(clean(question or "").split())
        if not question:
            raise QuestionError("질문을 입력해 주세요. / Please type a question.")
        limit = self.settings.answer.max_question_chars
        if len(question) > limit:
            raise QuestionError(f"질문이 너무 깁니다({len(question)}자, 최대 {limit}자). / The question is too long ({len(question)} characters; at most {limit}).")
        return question
