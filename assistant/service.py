"""The assistant as one service object: what the CLI and the web UI are given, and all they call."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .answer import Delta, make_generator
from .config import Settings
from .embeddings import CachedEmbeddings, make_embeddings
from .glossary import QueryExpander, load_glossary
from .indexer import Progress, index_files
from .question import Question, parse_question
from .reading import Reader, Reading
from .retrieval import HybridRetriever, Retriever
from .schema import Answer, Hit, IngestReport
from .store import ChunkStore
from .tokens import Tokenizer


# Passages retrieved for each part of a two-part question, besides those for the whole question.
PART_HITS = 3


@dataclass(frozen=True)
class Retrieved:
    """Event: the passages found for the question, before they are read."""

    hits: list[Hit]


@dataclass(frozen=True)
class Read:
    """Event: the reader's verdict (which sentences answer, and whether the documents answer at all)."""

    reading: Reading


@dataclass(frozen=True)
class Answered:
    """Event: the final answer (after any Delta events of an answer being written)."""

    answer: Answer


Event = Retrieved | Read | Delta | Answered


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
        # One expander: the retriever teaches it the corpus vocabulary that the question's spelling corrections use.
        self._expander = expander or QueryExpander(self._tokenizer, load_glossary(settings.glossary, self._tokenizer))
        self._retriever = retriever or HybridRetriever(self._store, settings.retrieval, self._expander)
        sentence_embeddings = CachedEmbeddings(self._embeddings, settings.reading.sentence_cache)
        self._reader = Reader(settings.reading, sentence_embeddings, self._tokenizer, self._retriever.idf)
        self._generator = make_generator(settings)

    def ingest(self, paths: Iterable[Path], progress: Progress | None = None) -> IngestReport:
        """Index files and folders; changed files replace their old chunks, unchanged ones are skipped."""
        report = index_files(paths, self._store, self._tokenizer, self.settings, progress)
        if report.indexed:
            self._retriever.refresh()
        return report

    def document_count(self) -> int:
        """How many documents are completely indexed."""
        return len({chunk.source for chunk in self._retriever.chunks})

    def stream(self, text: str) -> Iterator[Event]:
        """Answer a question step by step: the passages found, the reader's verdict, the answer as it is written."""
        question, hits = self.passages(text)
        yield Retrieved(hits)
        reading = self._reader.read(question, hits)
        yield Read(reading)
        for piece in self._generator.write(reading):
            yield piece if isinstance(piece, Delta) else Answered(piece)

    def passages(self, text: str, k: int | None = None) -> tuple[Question, list[Hit]]:
        """The parsed question and the passages retrieved for it (and for each thing it asks)."""
        question = parse_question(text, self._expander, self.settings.answer.max_question_chars)
        hits = self._retriever.search(question, k)
        if question.parts:
            hits = self._with_part_hits(hits, question.parts)
        return question, hits

    @property
    def reader(self) -> Reader:
        return self._reader

    def _with_part_hits(self, hits: list[Hit], parts: tuple[Question, ...]) -> list[Hit]:
        """A question that asks two things may need a passage for each that the whole question ranks low."""
        found = {(h.chunk.source, h.chunk.position): h for h in hits}
        for part in parts:
            for hit in self._retriever.search(part, k=PART_HITS):
                found.setdefault((hit.chunk.source, hit.chunk.position), hit)
        return list(found.values())

    def ask(self, question: str) -> Answer:
        """Answer a question in one call."""
        return collect(self.stream(question))[1]
