"""The assistant as one service object: what the CLI and the web UI are given, and all they call."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .answer import Delta, make_generator
from .chunking import join_chunks
from .config import Settings
from .cross_reader import make_cross_reader
from .eligibility import Assessment, match
from .eligibility_answer import write_assessments
from .eligibility_reader import EligibilityReader
from .followup import FollowUpRewriter
from .embeddings import CachedEmbeddings, StoredEmbeddings, make_embeddings
from .glossary import QueryExpander, load_glossary
from .llm_rewrite import LLMFollowUpRewriter, make_llm_rewriter
from .indexer import Progress, index_files
from .profile import Profile
from .profile_reader import ProfileReader
from .programs import Card, find_programs, load_cards
from .question import Question, QuestionParser
from .reading import Reader, Reading
from .retrieval import HybridRetriever, Retriever
from .router import make_router
from .routing import PRESUMED, reply
from .schema import Answer, Hit, IngestReport, Page, Utterance
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
class Assessed:
    """Event: an eligibility question's verdicts, per program, for the profile the conversation gave."""

    profile: Profile
    assessments: list[Assessment]


@dataclass(frozen=True)
class Answered:
    """Event: the final answer (after any Delta events of an answer being written)."""

    answer: Answer


Event = Retrieved | Read | Assessed | Delta | Answered


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


def _documents(card: Card) -> set[str]:
    """The corpus documents a card cites or names as sources."""
    return {c.cite.document for c in card.criteria} | {s.document for s in card.sources if s.document}


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
        sentence_embeddings = CachedEmbeddings(
            StoredEmbeddings(self._embeddings, self._store.sentence_vectors), settings.reading.sentence_cache
        )
        self._reader = Reader(
            settings.reading, sentence_embeddings, self._tokenizer, self._retriever.idf,
            cross=make_cross_reader(settings.reading),
        )
        self._generator = make_generator(settings)
        self.cards: list[Card] = load_cards(settings.programs_dir) if settings.programs_dir.is_dir() else []
        eligibility = EligibilityReader(
            ProfileReader(self._tokenizer, self.name_programs), self.name_programs
        ) if self.cards else None
        self._parser = QuestionParser(
            self._expander, settings.answer.max_question_chars, eligibility,
            self._rewriter(settings), self._tokenizer,
            make_router(settings.routing, self._embeddings, settings.embeddings.model),
        )

    def _rewriter(self, settings: Settings) -> FollowUpRewriter | LLMFollowUpRewriter:
        """The rules' follow-up rewriter, with the chat model over it when the model writes answers."""
        rules = FollowUpRewriter(self._tokenizer, self.name_programs, self._expander.names_subject)
        if settings.answer.generator != "llm":
            return rules
        return make_llm_rewriter(settings.llm, rules, self._tokenizer)

    def name_programs(self, text: str) -> tuple[str, ...]:
        """Ids of the programs (cards) a text names."""
        return find_programs(self.cards, text)

    def ingest(self, paths: Iterable[Path], progress: Progress | None = None) -> IngestReport:
        """Index files and folders; changed files replace their old chunks, unchanged ones are skipped."""
        report = index_files(paths, self._store, self._tokenizer, self.settings, progress)
        if report.indexed:
            self._retriever.refresh()
        return report

    def document_count(self) -> int:
        """How many documents are completely indexed."""
        return len({chunk.source for chunk in self._retriever.chunks})

    def page_text(self, source: str, page: int | None) -> Page | None:
        """A page of an indexed document as the index holds it (the whole document when it has no pages): its chunks
        joined in order without the overlaps they share; None when the index has no such document or page."""
        chunks = [c for c in self._retriever.chunks if c.source == source and c.page == page]
        if not chunks:
            return None
        return Page(source, page, join_chunks(chunks), chunks[0].title)

    def stream(self, text: str, history: Sequence[Utterance] = (), profile: Profile | None = None) -> Iterator[Event]:
        """Answer a turn step by step: the passages found, the reader's verdict, the answer as it is written. A
        question whether the user's company qualifies is answered from the program cards; a turn routed before any
        search (small talk, a takeover attempt …) gets its reply at once. Every answer carries its outcome.
        history: the earlier messages of this conversation, oldest first; profile: company facts given outside the
        chat (a profile form), which the conversation's own facts override."""
        question = self.parse(text, history, profile)
        for event in self._answer(question):
            yield Answered(self._finish(question, event.answer)) if isinstance(event, Answered) else event

    def _answer(self, question: Question) -> Iterator[Event]:
        if question.outcome and question.outcome != PRESUMED:
            yield Answered(self._routed(question))
            return
        if question.eligibility.asked:
            yield from self._assess(question)
            return
        hits = self._search(question)
        yield Retrieved(hits)
        reading = self._reader.read(question.focus or question, hits)
        yield Read(reading)
        if question.outcome and not (reading.answerable and reading.confidence >= self.settings.answer.off_topic_min):
            yield Answered(self._routed(question))
            return
        for piece in self._generator.write(reading):
            yield piece if isinstance(piece, Delta) else Answered(piece)

    def _routed(self, question: Question) -> Answer:
        """The fixed reply of a turn routed before any search."""
        examples = ", ".join(card.name.in_language(question.language) for card in self.cards[:3])
        text = reply(question.outcome, question.language, examples)
        return Answer(question.text, text, question.language, True, [], 0.0, "routing", outcome=question.outcome)

    def _finish(self, question: Question, answer: Answer) -> Answer:
        """The answer with its outcome, and a warning when the turn held personal data (masked before anything
        else saw it)."""
        outcome = answer.outcome if answer.generator == "routing" else "unanswerable" if answer.abstained else "answered"
        # The standalone question, not the focus the reader judged the sentences against.
        answer = replace(answer, question=question.text, rewritten_by=question.rewritten_by)
        if question.personal_data and outcome in {"answered", "unanswerable"}:
            note = f"{reply('personal_data', question.language)} {answer.note}".strip()
            return replace(answer, outcome="personal_data", note=note)
        return replace(answer, outcome=outcome)

    def parse(self, text: str, history: Sequence[Utterance] = (), profile: Profile | None = None) -> Question:
        """The user's turn, parsed once for every later stage."""
        return self._parser.parse(text, history, profile)

    def passages(self, text: str, k: int | None = None) -> tuple[Question, list[Hit]]:
        """The parsed question and the passages retrieved for it (and for each thing it asks)."""
        question = self.parse(text)
        return question, self._search(question, k)

    def assess(self, profile: Profile, programs: Sequence[str] = ()) -> list[Assessment]:
        """The named programs' assessments (default: every program's), best first."""
        return match(self.cards, profile, programs)

    def _assess(self, question: Question) -> Iterator[Event]:
        about = question.eligibility
        assessments = self.assess(about.profile, about.programs)
        scope = "named" if about.programs else "any" if about.any_program else "related"
        if scope == "related":
            # A program without a card ('AI 팩토리'): those whose documents the question retrieves, or all when it
            # retrieves none of theirs.
            found = {hit.chunk.source for hit in self._search(question)}
            assessments = [a for a in assessments if found & _documents(a.card)] or assessments
        yield Assessed(about.profile, assessments)
        yield Answered(write_assessments(
            question.text, question.language, about.profile, assessments, scope,
            self.settings.answer.help(question.language),
        ))

    def _search(self, question: Question, k: int | None = None) -> list[Hit]:
        hits = self._retriever.search(question, k)
        if question.parts:
            hits = self._with_part_hits(hits, question.parts)
        return hits

    @property
    def reader(self) -> Reader:
        return self._reader

    @property
    def retriever(self) -> Retriever:
        return self._retriever

    def _with_part_hits(self, hits: list[Hit], parts: tuple[Question, ...]) -> list[Hit]:
        """A question that asks two things may need a passage for each that the whole question ranks low."""
        found = {(h.chunk.source, h.chunk.position): h for h in hits}
        for part in parts:
            for hit in self._retriever.search(part, k=PART_HITS):
                found.setdefault((hit.chunk.source, hit.chunk.position), hit)
        return list(found.values())

    def ask(self, question: str, history: Sequence[Utterance] = ()) -> Answer:
        """Answer a question in one call."""
        return collect(self.stream(question, history))[1]
