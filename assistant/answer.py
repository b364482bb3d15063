"""Grounded answers: quote the best supporting sentences with [n] markers, or abstain when evidence is weak."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from .config import AnswerSettings
from .glossary import Query, QueryExpander
from .numbers import numeric_values
from .schema import Answer, Citation, Hit
from .text import declared_gap, detect_language, split_question, split_sentences
from .tokens import Tokenizer

MIN_SENTENCE_CHARS = 12
# A sentence's evidence is multiplied by this for each kind of answer the question asks for and the sentence does
# not give: a new amount, a percentage, a date, the most one company gets, a settled outcome rather than a plan.
MISSING_ANSWER_TYPE = 0.8
# A question about a given number ('2027년 예산') is not answered by a sentence about other numbers only.
MISSING_QUESTION_NUMBER = 0.75
# A declared gap answers a question when it names at least this share of the question's (weighted) terms, and
# GAP_MARGIN more of them than the best statement of fact.
GAP_MIN_SHARE = 0.3
GAP_MARGIN = 0.02
_PERCENT = re.compile(r"%|퍼센트|percent|prozent", re.I)
_DATE = re.compile(
    r"\d{4}|\d{1,2}\s*월|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|(januar|februar|märz|mai|juni|juli|"
    r"oktober|dezember)\b", re.I
)
_ASKS_AMOUNT = re.compile(r"몇|얼마|규모|금액|how (many|much|big|large)|wie (viele|viel|groß)|amount|number of", re.I)
_ASKS_PERCENT = re.compile(r"몇\s*(%|퍼센트|프로)|what (percent|percentage)|how many percent|wie viel prozent", re.I)
# A question about the most one company can get is not answered by a total.
_ASKS_LIMIT = re.compile(
    r"최대|한도|[가-힣]당\b|\beach\b|\bper (company|firm|startup|business|project)|\bmaximum\b|\bup to\b"
    r"|\bone (company|startup|firm)\b|\bpro (unternehmen|firma|projekt)\b|maximal|höchst",
    re.I,
)
_STATES_LIMIT = re.compile(
    r"최대|한도|[가-힣]당|까지|\beach\b|\bper\b|\bup to\b|\bmaximum\b|\blimit|\bbis zu\b|\bpro\b|\bje\b|höchst|maximal", re.I
)
# A question about how something was settled, or what has happened so far, is not answered by a plan
# ('…할 계획이다', 'will select').
_ASKS_OUTCOME = re.compile(
    r"최종|확정|결정(됐|되었|된)|지금까지|현재까지|\bfinal(ly)?\b|\bofficially\b|\bconfirmed\b|\bso far\b|\bto date\b"
    r"|\balready\b|endgültig|offiziell|\bbisher\b|\bschon\b",
    re.I,
)
_STATES_PLAN = re.compile(
    r"계획|예정|방침|\bwill\b|\bplans?\b|\bplanned\b|\bscheduled\b|\bsoll(en)?\b|\bplant\b|geplant", re.I
)
_ASKS_DATE = re.compile(r"언제|며칠|날짜|\bwhen\b|what date|\bwann\b", re.I)
# Footnote markers inside a document ('[5]') would read as this answer's own citation markers.
_FOOTNOTE = re.compile(r"\s*\[\d+\]")

NOT_FOUND = {
    "ko": "제공된 문서에서는 이 질문에 대한 답을 찾지 못했습니다.",
    "en": "The indexed documents do not answer this question.",
    "de": "Die indexierten Dokumente beantworten diese Frage nicht.",
}
OTHER_LANGUAGE_NOTE = {
    "ko": "관련 내용은 다른 언어로 된 문서에 있어 원문을 그대로 인용합니다.",
    "en": "The supporting passages are quoted in their original language.",
    "de": "Die Belegstellen werden in ihrer Originalsprache zitiert.",
}


class Generator(Protocol):
    """Writes an answer to a question from retrieved chunks."""

    def generate(self, question: str, hits: list[Hit]) -> Answer: ...


@dataclass(frozen=True)
class _Candidate:
    hit_index: int
    sentence: str
    language: str
    score: float
    terms: frozenset[str]  # the question terms the sentence contains
    lexical: float  # rarity-weighted share of the question terms it contains
    gap: bool  # the sentence says what the documents do not state


class ExtractiveGenerator:
    """Answers by quoting sentences from the retrieved chunks, so every fact and number is in a cited passage."""

    def __init__(
        self, settings: AnswerSettings, embeddings: Embeddings, tokenizer: Tokenizer, expander: QueryExpander | None = None
    ) -> None:
        self._settings = settings
        self._embeddings = embeddings
        self._tokenizer = tokenizer
        self._expander = expander or QueryExpander(tokenizer)

    def generate(self, question: str, hits: list[Hit]) -> Answer:
        language = detect_language(question)
        sentences = self._sentences(hits)
        parts = split_question(question)
        # Each part of a two-part question gets its own best sentence; a one-part question may get several.
        ranked = [self._score(part, language, hits, sentences) for part in parts]
        best = _answers_per_part(ranked)
        # The evidence of the best statement of fact, also when a declared gap answers instead.
        evidence = max((next((c.score for c in r if not c.gap), 0.0) for r in ranked), default=0.0)
        # A part is answered by a fact with enough evidence, or by a declared gap; parts answered neither way drop out.
        useful = [c for c in best if c.gap or c.score >= self._settings.min_evidence]
        if all(c.gap for c in useful):
            return self.abstain(question, language, evidence, hits, useful)
        chosen = self._choose(ranked[0]) if len(parts) == 1 else useful
        return self._compose(question, language, hits, chosen, evidence)

    def abstain(
        self, question: str, language: str, evidence: float = 0.0, hits: Sequence[Hit] = (), gaps: Sequence[_Candidate] = ()
    ) -> Answer:
        """The plain 'the documents do not answer' reply, with where to ask instead; quotes and cites the documents'
        own statements that they do not say (gaps: distinct candidates taken from hits)."""
        help_text = {"ko": self._settings.help_ko, "de": self._settings.help_de}.get(language, self._settings.help_en)
        if not gaps:
            return Answer(question, f"{NOT_FOUND[language]} {help_text}", language, True, [], evidence)
        quoted = self._compose(question, language, hits, gaps, evidence)
        return replace(quoted, text=f"{NOT_FOUND[language]} {quoted.text} {help_text}", abstained=True)

    def _sentences(self, hits: list[Hit]) -> _Sentences:
        """The quotable sentences of the hits, embedded and tokenized once for every part of the question."""
        rows = [
            (i, sentence)
            for i, hit in enumerate(hits)
            for sentence in split_sentences(_FOOTNOTE.sub("", _body(hit)))
            # A document's title line states nothing.
            if len(sentence) >= MIN_SENTENCE_CHARS and sentence != hit.chunk.title
        ]
        if not rows:
            return _Sentences([], np.zeros((0, 0)), [], [])
        vectors = _unit(self._embeddings.embed_documents([s for _, s in rows]))
        gaps = [declared_gap(s) for _, s in rows]
        headings = [set(self._tokenizer.tokens(hit.chunk.heading)) for hit in hits]
        titles = [set(self._tokenizer.tokens(hit.chunk.title)) for hit in hits]
        # A sentence speaks of its section's subject; a declared gap of what it says is missing, in its whole document.
        tokens = self._tokenizer.batch(s if gap is None else gap for (_, s), gap in zip(rows, gaps))
        terms = [set(t) | (headings[i] if gap is None else titles[i]) for (i, _), t, gap in zip(rows, tokens, gaps)]
        return _Sentences(rows, vectors, terms, [gap is not None for gap in gaps])

    def _score(self, question: str, language: str, hits: list[Hit], sentences: _Sentences) -> list[_Candidate]:
        """Every sentence scored as an answer to the question, best first."""
        rows, sentence_terms = sentences.rows, sentences.terms
        if not rows:
            return []
        cosines = sentences.vectors @ _unit(self._embeddings.embed_documents([question]))[0]
        query = self._expander.expand(question)
        rarity = _rarity(query, sentence_terms)
        question_numbers = numeric_values(question)
        asks_amount = bool(_ASKS_AMOUNT.search(question))
        asks_percent = bool(_ASKS_PERCENT.search(question))
        asks_date = bool(_ASKS_DATE.search(question))
        asks_limit = bool(_ASKS_LIMIT.search(question))
        asks_outcome = bool(_ASKS_OUTCOME.search(question))
        settings = self._settings
        candidates = []
        for (i, sentence), cosine, found, gap in zip(rows, cosines, sentence_terms, sentences.gaps):
            sentence_language = detect_language(sentence)
            # Embeddings of a question and a sentence in different languages sit further apart for the same meaning.
            meaning = float(cosine) * (1.0 if sentence_language == language else settings.cross_language_share)
            lexical = query.weighted_share(found, rarity)
            score = (
                settings.dense_share * meaning
                + settings.lexical_share * lexical
                + settings.coverage_share * hits[i].term_coverage
            )
            numbers = numeric_values(sentence)
            if question_numbers:
                shared = len(question_numbers & numbers) / len(question_numbers)
                score = score * (1.0 if shared else MISSING_QUESTION_NUMBER) + settings.number_share * shared
            unmet = (
                (asks_amount and not numbers - question_numbers)
                + (asks_percent and not _PERCENT.search(sentence))
                + (asks_date and not _DATE.search(sentence))
                + (asks_limit and not _STATES_LIMIT.search(sentence))
                + (asks_outcome and bool(_STATES_PLAN.search(sentence)))
            )
            # Each kind of answer the sentence fails to give counts against it.
            score *= MISSING_ANSWER_TYPE**unmet
            terms = frozenset(query.matched(found))
            candidates.append(_Candidate(i, sentence, sentence_language, score, terms, lexical, gap))
        return sorted(candidates, key=lambda c: c.score, reverse=True)

    def _choose(self, candidates: list[_Candidate]) -> list[_Candidate]:
        """The best sentence, then any nearly as good, or good enough and naming question terms not yet covered
        (the second half of a question that asks two things)."""
        close = max(self._settings.min_evidence, candidates[0].score * self._settings.keep_ratio)
        chosen: list[_Candidate] = []
        covered: set[str] = set()
        for candidate in candidates:
            if len(chosen) == self._settings.max_sentences or candidate.score < self._settings.min_evidence:
                break
            adds = candidate.terms - covered
            # A statement of what the documents do not say is no support for a fact that they do say.
            repeated = candidate.sentence in (c.sentence for c in chosen)
            if (candidate.score >= close or adds) and not candidate.gap and not repeated:
                chosen.append(candidate)
                covered |= candidate.terms
        return chosen

    def _compose(self, question: str, language: str, hits: Sequence[Hit], chosen: Sequence[_Candidate], evidence: float) -> Answer:
        numbers: dict[int, int] = {}
        quoted: dict[int, list[str]] = {}
        parts = []
        for candidate in chosen:
            n = numbers.setdefault(candidate.hit_index, len(numbers) + 1)
            quoted.setdefault(candidate.hit_index, []).append(candidate.sentence)
            parts.append(f"{candidate.sentence} [{n}]")
        if any(c.language != language for c in chosen):
            parts.insert(0, OTHER_LANGUAGE_NOTE[language])
        citations = []
        for i, n in numbers.items():
            chunk = hits[i].chunk
            citations.append(Citation(n, chunk.source, chunk.page, " … ".join(quoted[i]), hits[i].score, chunk.heading, chunk.title))
        return Answer(question, " ".join(parts), language, False, citations, evidence)


@dataclass(frozen=True)
class _Sentences:
    rows: list[tuple[int, str]]  # (hit index, sentence)
    vectors: np.ndarray  # unit-length embeddings, one row per sentence
    terms: list[set[str]]  # search tokens of each sentence and its chunk's heading (a gap: of what it lacks, and title)
    gaps: list[bool]  # whether each sentence declares a gap


def _answers_per_part(ranked: list[list[_Candidate]]) -> list[_Candidate]:
    """Each part's answering sentence (see _best), in the parts' order; the parts with the strongest evidence
    choose first, and a part does not repeat a sentence another part already answers with."""
    chosen: dict[int, _Candidate] = {}
    for i in sorted(range(len(ranked)), key=lambda i: -max((c.score for c in ranked[i][:1]), default=0.0)):
        taken = {c.sentence for c in chosen.values()}
        answer = _best([c for c in ranked[i] if c.sentence not in taken])
        if answer is not None:
            chosen[i] = answer
    return [chosen[i] for i in sorted(chosen)]


def _best(candidates: list[_Candidate]) -> _Candidate | None:
    """The sentence that answers: the best-scoring statement of fact, unless a declared gap names more of the
    question's terms or scores better (the question asks about what a document says it does not state)."""
    fact = next((c for c in candidates if not c.gap), None)
    if fact is None:
        return next((c for c in candidates if c.lexical >= GAP_MIN_SHARE), None)
    gaps = [c for c in candidates if c.gap and c.lexical >= GAP_MIN_SHARE]
    named = max(gaps, key=lambda c: c.lexical, default=None)
    if named is not None and named.lexical >= fact.lexical + GAP_MARGIN:
        return named
    return gaps[0] if gaps and gaps[0].score > fact.score else fact


def _unit(vectors: list[list[float]]) -> np.ndarray:
    matrix = np.asarray(vectors, dtype=np.float32)
    return matrix / (np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-9)


def _rarity(query: Query, sentence_terms: list[set[str]]) -> Callable[[str], float]:
    """Weight of a question term by how few candidate sentences contain it (itself or a translation)."""
    n = len(sentence_terms)
    document_frequency = Counter(t for found in sentence_terms for t in query.matched(found))
    return lambda term: math.log(1 + n / (document_frequency[term] + 0.5))


def _body(hit: Hit) -> str:
    """A chunk's text without the heading line the chunker put on top of it."""
    text = hit.chunk.text
    if hit.chunk.heading and text.startswith(hit.chunk.heading):
        return text[len(hit.chunk.heading) :]
    return text


def make_generator(
    settings: AnswerSettings, embeddings: Embeddings, tokenizer: Tokenizer, expander: QueryExpander | None = None
) -> Generator:
    """The answer generator the settings name."""
    if settings.generator == "extractive":
        return ExtractiveGenerator(settings, embeddings, tokenizer, expander)
    raise ValueError(f"unknown answer generator '{settings.generator}'")
