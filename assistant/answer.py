"""Grounded answers: quote the best supporting sentences with [n] markers, or abstain when evidence is weak."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from .config import AnswerSettings
from .schema import Answer, Citation, Hit
from .text import detect_language, split_sentences
from .tokens import Tokenizer

# How the sentence score mixes meaning (embedding cosine) and shared words; chosen on the shipped suite.
DENSE_SHARE = 0.6
LEXICAL_SHARE = 0.4
SAME_LANGUAGE_BONUS = 0.03
MIN_SENTENCE_CHARS = 12
_NUMBER = re.compile(r"\d")
# Footnote markers inside a document ('[5]') would read as this answer's own citation markers.
_FOOTNOTE = re.compile(r"\s*\[\d+\]")
_ASKS_AMOUNT = re.compile(r"몇|얼마|규모|금액|how (many|much|big|large)|wie (viele|viel|groß)|amount|number of", re.I)

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


class ExtractiveGenerator:
    """Answers by quoting sentences from the retrieved chunks, so every fact and number is in a cited passage."""

    def __init__(self, settings: AnswerSettings, embeddings: Embeddings, tokenizer: Tokenizer) -> None:
        self._settings = settings
        self._embeddings = embeddings
        self._tokenizer = tokenizer

    def generate(self, question: str, hits: list[Hit]) -> Answer:
        language = detect_language(question)
        candidates = self._score(question, language, hits)
        evidence = candidates[0].score if candidates else 0.0
        if evidence < self._settings.min_evidence:
            return self.abstain(question, language, evidence)
        chosen = self._choose(candidates)
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
            if len(sentence) >= MIN_SENTENCE_CHARS
        ]
        if not rows:
            return []
        query_terms = set(self._tokenizer.tokens(question))
        vectors = np.asarray(self._embeddings.embed_documents([question] + [s for _, s in rows]))
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        cosines = vectors[1:] @ vectors[0]
        asks_amount = bool(_ASKS_AMOUNT.search(question))
        candidates = []
        for (i, sentence), cosine, terms in zip(rows, cosines, self._tokenizer.batch(s for _, s in rows)):
            context = set(terms) | set(self._tokenizer.tokens(hits[i].chunk.heading))
            lexical = len(query_terms & context) / len(query_terms) if query_terms else 0.0
            score = DENSE_SHARE * float(cosine) + LEXICAL_SHARE * lexical
            sentence_language = detect_language(sentence)
            if sentence_language == language:
                score += SAME_LANGUAGE_BONUS
            if asks_amount and not _NUMBER.search(sentence):
                score *= 0.8
            candidates.append(_Candidate(i, sentence, sentence_language, score))
        return sorted(candidates, key=lambda c: c.score, reverse=True)

    def _choose(self, candidates: list[_Candidate]) -> list[_Candidate]:
        floor = max(self._settings.min_evidence, candidates[0].score * 0.85)
        chosen: list[_Candidate] = []
        for candidate in candidates:
            if candidate.score < floor or len(chosen) == self._settings.max_sentences:
                break
            if all(candidate.sentence != c.sentence for c in chosen):
                chosen.append(candidate)
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


def _body(hit: Hit) -> str:
    """A chunk's text without the heading line the chunker put on top of it."""
    text = hit.chunk.text
    if hit.chunk.heading and text.startswith(hit.chunk.heading):
        return text[len(hit.chunk.heading) :]
    return text


def make_generator(settings: AnswerSettings, embeddings: Embeddings, tokenizer: Tokenizer) -> Generator:
    """The answer generator the settings name."""
    if settings.generator == "extractive":
        return ExtractiveGenerator(settings, embeddings, tokenizer)
    raise ValueError(f"unknown answer generator '{settings.generator}'")
