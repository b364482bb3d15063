"""Grounded answers: quote the best supporting sentences with [n] markers, or abstain when evidence is weak."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from .config import AnswerSettings
from .glossary import Query, QueryExpander
from .numbers import numeric_values
from .schema import Answer, Citation, Hit
from .text import detect_language, split_question, split_sentences
from .tokens import Tokenizer

MIN_SENTENCE_CHARS = 12
# A question asking for an amount, a percentage or a date is poorly answered by a sentence without a new one.
MISSING_ANSWER_TYPE = 0.8
# A question about a given number ('2027년 예산') is not answered by a sentence about other numbers only.
MISSING_QUESTION_NUMBER = 0.75
_PERCENT = re.compile(r"%|퍼센트|percent|prozent", re.I)
_DATE = re.compile(
    r"\d{4}|\d{1,2}\s*월|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|(januar|februar|märz|mai|juni|juli|"
    r"oktober|dezember)\b", re.I
)
_ASKS_AMOUNT = re.compile(r"몇|얼마|규모|금액|how (many|much|big|large)|wie (viele|viel|groß)|amount|number of", re.I)
_ASKS_PERCENT = re.compile(r"몇\s*(%|퍼센트|프로)|what (percent|percentage)|how many percent|wie viel prozent", re.I)
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
        parts = split_question(question)
        if len(parts) > 1:
            return self._generate_parts(question, parts, language, hits)
        candidates = self._score(question, language, hits)
        evidence = candidates[0].score if candidates else 0.0
        if evidence < self._settings.min_evidence:
            return self.abstain(question, language, evidence)
        chosen = self._choose(candidates)
        return self._compose(question, language, hits, chosen, evidence)

    def _generate_parts(self, question: str, parts: list[str], language: str, hits: list[Hit]) -> Answer:
        """Answer each part of a two-part question with its own best sentence; abstain only if no part is answered."""
        best = [c[0] for c in (self._score(part, language, hits) for part in parts) if c]
        evidence = max((c.score for c in best), default=0.0)
        chosen = [c for c in best if c.score >= self._settings.min_evidence]
        chosen = [c for i, c in enumerate(chosen) if all(c.sentence != d.sentence for d in chosen[:i])]
        if not chosen:
            return self.abstain(question, language, evidence)
        return self._compose(question, language, hits, chosen, evidence)

    def abstain(self, question: str, language: str, evidence: float = 0.0) -> Answer:
        """The plain 'the documents do not answer' reply, with where to ask instead."""
        help_text = self._settings.help_ko if language == "ko" else self._settings.help_en
        return Answer(question, f"{NOT_FOUND[language]} {help_text}", language, True, [], evidence)

    def _score(self, question: str, language: str, hits: list[Hit]) -> list[_Candidate]:
        rows = [
            (i, sentence)
            for i, hit in enumerate(hits)
            for sentence in split_sentences(_FOOTNOTE.sub("", _body(hit)))
            # A document's title line states nothing.
            if len(sentence) >= MIN_SENTENCE_CHARS and sentence != hit.chunk.title
        ]
        if not rows:
            return []
        vectors = np.asarray(self._embeddings.embed_documents([question] + [s for _, s in rows]))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        cosines = vectors[1:] @ vectors[0]
        query = self._expander.expand(question)
        headings = [set(self._tokenizer.tokens(hit.chunk.heading)) for hit in hits]
        sentence_terms = [set(t) | headings[i] for (i, _), t in zip(rows, self._tokenizer.batch(s for _, s in rows))]
        rarity = _rarity(query, sentence_terms)
        question_numbers = numeric_values(question)
        asks_amount = bool(_ASKS_AMOUNT.search(question))
        asks_percent = bool(_ASKS_PERCENT.search(question))
        asks_date = bool(_ASKS_DATE.search(question))
        settings = self._settings
        candidates = []
        for (i, sentence), cosine, found in zip(rows, cosines, sentence_terms):
            sentence_language = detect_language(sentence)
            # Embeddings of a question and a sentence in different languages sit further apart for the same meaning.
            meaning = float(cosine) * (1.0 if sentence_language == language else settings.cross_language_share)
            score = (
                settings.dense_share * meaning
                + settings.lexical_share * query.weighted_share(found, rarity)
                + settings.coverage_share * hits[i].term_coverage
            )
            numbers = numeric_values(sentence)
            if question_numbers:
                shared = len(question_numbers & numbers) / len(question_numbers)
                score = score * (1.0 if shared else MISSING_QUESTION_NUMBER) + settings.number_share * shared
            if (
                (asks_amount and not numbers - question_numbers)
                or (asks_percent and not _PERCENT.search(sentence))
                or (asks_date and not _DATE.search(sentence))
            ):
                score *= MISSING_ANSWER_TYPE
            candidates.append(_Candidate(i, sentence, sentence_language, score, frozenset(query.matched(found))))
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
            if (candidate.score >= close or adds) and all(candidate.sentence != c.sentence for c in chosen):
                chosen.append(candidate)
                covered |= candidate.terms
        return chosen

    def _compose(self, question: str, language: str, hits: list[Hit], chosen: list[_Candidate], evidence: float) -> Answer:
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
