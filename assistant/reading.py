"""The reading stage: judges which sentences of the retrieved passages answer the question, and whether any does.

Every sentence of every retrieved passage gets a row of signals (embedding similarity, rarity-weighted shared
terms in the sentence, its neighbours and its passage, term order, new numbers and dates, retrieval rank, ...), and
a model learned from labelled data (evals/train_reader.py: KorQuAD dev articles 0-69 and the tuned suites; the
sentence holding the answer is the positive) turns each row into the probability that the sentence answers. A
sentence answers when its probability reaches the threshold calibrated on a development split and it holds the kind
of value the question asks for, if any (wanted.py: a date for 'when'); the documents answer when some sentence does.
With a cross-reader (cross_reader.py), the best few sentences are read again together with the question, and their
probabilities become the geometric mean of both opinions, against the cross-reader's calibrated threshold.
"""

from __future__ import annotations

import math
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from .chunking import is_quotable, sentence_pieces
from .config import ReadingSettings
from .cross_reader import CrossReader, combined
from .embeddings import unit_rows
from .glossary import Query
from .numbers import numeric_values, years
from .question import Question
from .schema import Hit
from .text import detect_language
from .tokens import Analysis, Tokenizer
from .trees import TreeEnsemble
from .wanted import holds

BUNDLED_MODEL = Path(__file__).with_name("data") / "reader.json"
_WORD = re.compile(r"\w+")
# What kind of answer a question wants: signals for the model to weigh, not rules that decide.
_ASKS_AMOUNT = re.compile(r"몇|얼마|규모|금액|how (many|much|big|large)|wie (viele|viel|groß)|amount|number of", re.I)
_ASKS_DATE = re.compile(r"언제|며칠|날짜|연도|년도|몇\s*년|\bwhen\b|what (date|year)|which year|\bwann\b|welche[ms]? jahr", re.I)
_ASKS_NAME = re.compile(r"누구|누가|어느 (기관|부처|기업|곳)|\bwho\b|\bwhich (ministry|agency|company|organi[sz]ation)|\bwer\b", re.I)
_ASKS_PLACE = re.compile(r"어디|어느 지역|\bwhere\b|\bwhich (region|city|place)|\bwo\b|welche[rn]? (region|stadt)", re.I)
# Known defect, kept because the bundled reader learned from it: month names match inside words ('smart', 'market')
# and 'may' in 'who may apply'. Reader 7 matched whole words (README, held-out) and was not shipped.
_DATE = re.compile(
    r"\d{4}\s*년|\d{1,2}\s*월|\d{1,2}\s*일|'\d{2}|\b(19|20)\d{2}\b|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|(januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember)\b",
    re.I,
)

FEATURES = (
    "cosine", "cosine_gap", "lexical", "lexical_gap", "context", "context_gap", "passage", "heading", "order",
    "unmatched", "new_terms", "numbers_asked", "new_number", "question_numbers", "dates_asked", "has_date",
    "hit_rank", "hit_score_gap", "position", "length", "other_language", "matched_terms", "lexical_rank", "cosine_rank",
    "document_share", "document_rank", "characters", "names_asked", "new_name", "places_asked",
    "first_term", "last_term", "korean_question",
)
# After the signals come the products of the question's and the sentence's vectors, one column per embedding
# dimension ('meaning_0', ...): a reader model belongs to the embedding model it was trained with.


@dataclass(frozen=True)
class Evidence:
    """A sentence of a retrieved passage, with the reader's estimate that it answers (a part of) the question."""

    hit_index: int  # which passage of Reading.hits it comes from
    sentence: str
    language: str
    probability: float
    part: int = 0  # the part of the question it answers (Question.each_part())


@dataclass(frozen=True)
class Reading:
    """What the reader made of the passages: the sentences to quote and whether the documents answer at all."""

    question: Question
    hits: list[Hit]
    evidence: list[Evidence]  # the sentences that answer, in the order to quote them (empty when unanswerable)
    passages: list[int]  # indices into hits, most useful first (by their best sentence)
    answerable: bool
    confidence: float  # the best answering sentence's probability (the closest one's when none answers)
    closest: Evidence | None = None  # the best sentence, whether or not it answers


@dataclass(frozen=True)
class Sentence:
    """A quotable sentence of a passage, with the search tokens of it and of its surroundings."""

    hit_index: int
    index: int  # position within its passage
    count: int  # sentences in its passage
    text: str
    language: str
    tokens: list[str]
    names: frozenset[str]
    context: frozenset[str]  # its own tokens, its neighbours' and its section heading's
    passage: frozenset[str]  # every token of its passage, heading and document title


class Reader:
    """Scores the sentences of retrieved passages as answers and decides whether the documents answer."""

    def __init__(
        self,
        settings: ReadingSettings,
        embeddings: Embeddings,
        tokenizer: Tokenizer,
        idf: Callable[[str], float],
        model: TreeEnsemble | None = None,
        cross: CrossReader | None = None,
    ) -> None:
        self._settings = settings
        self._cross = cross
        self._embeddings = embeddings
        self._tokenizer = tokenizer
        self._idf = idf
        self._model = model
        self._analyses: OrderedDict[str, Analysis] = OrderedDict()

    @property
    def model(self) -> TreeEnsemble:
        """The sentence model, read on first use (training builds features without one)."""
        if self._model is None:
            path = BUNDLED_MODEL if self._settings.model == "bundled" else Path(self._settings.model)
            self._model = TreeEnsemble.load(path, FEATURES)
        return self._model

    @property
    def threshold(self) -> float:
        """The probability at which a sentence counts as answering (the combined one with a cross-reader)."""
        if self._settings.threshold is not None:
            return self._settings.threshold
        return self._cross.threshold if self._cross is not None else self.model.threshold

    def read(self, question: Question, hits: list[Hit]) -> Reading:
        """The reader's verdict on the passages."""
        sentences = self.sentences(hits)
        ranked: list[list[Evidence]] = []
        answering: list[list[Evidence]] = []
        for part_index, part in enumerate(question.each_part()):
            rows = self.features(part, question.language, hits, sentences)
            scores = self.model.probabilities(rows) if len(rows) else np.zeros(0)
            scores = self._reread(part, sentences, scores)
            scores = self._named_rows_first(part, sentences, scores)
            order = np.argsort(-scores, kind="stable")
            ranked.append([_evidence(sentences[i], float(scores[i]), part_index) for i in order])
            # A sentence answers when the model says so, it holds the kind of value asked for (a date for 'when') and
            # it is about the year asked, if any.
            answering.append([
                e for e, s in zip(ranked[-1], (sentences[i] for i in order))
                if e.probability >= self.threshold and holds(s.text, part.wants, s.names)
                and not _another_year(part.years, s)
            ])
        # A two-part question is answered as far as the documents answer it: the parts they do not answer drop out.
        closest = max((r[0] for r in ranked if r), key=lambda e: e.probability, default=None)
        best = self._choose([r for r in answering if r])
        confidence = max((e.probability for e in best), default=closest.probability if closest else 0.0)
        by_passage: dict[int, float] = {}
        for evidence in (e for r in ranked for e in r):
            by_passage[evidence.hit_index] = max(by_passage.get(evidence.hit_index, 0.0), evidence.probability)
        passages = sorted(by_passage, key=lambda i: -by_passage[i])
        passages += [i for i in range(len(hits)) if i not in by_passage]
        return Reading(question, hits, best, passages, bool(best), confidence, closest)

    def _reread(self, part: Question, sentences: list[Sentence], scores: np.ndarray) -> np.ndarray:
        """The scores with the cross-reader's opinion on the reader's best sentences: each becomes the geometric mean
        of the two probabilities, so either model can veto. Only sentences that could reach the threshold are read
        (the mean reaches t only if the reader's probability reaches t²); the others rank after the ones read."""
        if self._cross is None or not len(scores):
            return scores
        floor = self.threshold**2
        best = np.argsort(-scores, kind="stable")[: self._settings.reread]
        chosen = best[scores[best] >= floor]
        if not len(chosen):
            return scores
        judged = self._cross.judge(part.text, [sentences[i].text for i in chosen])
        mixed = scores.copy()
        mixed[chosen] = combined(scores[chosen], judged)
        unread = np.ones(len(scores), dtype=bool)
        unread[chosen] = False
        mixed[unread] = np.minimum(scores[unread], mixed[chosen].min())
        return mixed

    def _named_rows_first(self, part: Question, sentences: list[Sentence], scores: np.ndarray) -> np.ndarray:
        """The scores with the table row whose first cell the question names ('지원 기간 | 최대 2년' for '지원 기간은
        얼마나 돼요?') put first, when it answers: notices state their facts in such rows, and the sentence model,
        trained mostly on prose, rates them below prose that only shares the question's words. Only a row that
        answers on its own is moved (whether the documents answer stays the model's call), and only the one row of
        its passage the question names (several named rows are a comparison, not a lookup)."""
        asked = set(part.query.search_tokens())
        named: dict[int, list[int]] = {}
        for n, sentence in enumerate(sentences):
            if "|" not in sentence.text or scores[n] < self.threshold:
                continue
            key = set(self._tokenize([sentence.text.split("|")[0]])[0])
            # A year or a count in the first cell names no fact ('2020 | Results reported by MSS').
            if key and key <= asked and not all(t.isdigit() for t in key):
                if holds(sentence.text, part.wants, sentence.names):
                    named.setdefault(sentence.hit_index, []).append(n)
        first = [rows[0] for rows in named.values() if len(rows) == 1]
        if not first:
            return scores
        lifted = scores.copy()
        lifted[first] = np.maximum(scores[first], min(1.0, float(scores.max()) + 1e-3))
        return lifted

    def _choose(self, ranked: list[list[Evidence]]) -> list[Evidence]:
        """Each part's best answering sentence, then (one-part questions) any further one nearly as good."""
        chosen: list[Evidence] = []
        for candidates in ranked:
            fresh = [e for e in candidates if e.sentence not in {c.sentence for c in chosen}]
            if fresh:
                chosen.append(fresh[0])
        if len(ranked) == 1:
            top = ranked[0][0].probability
            close = max(self.threshold, top * self._settings.keep_ratio)
            for evidence in ranked[0][1:]:
                if len(chosen) >= self._settings.max_sentences or evidence.probability < close:
                    break
                if evidence.sentence not in {c.sentence for c in chosen}:
                    chosen.append(evidence)
        return chosen

    def sentences(self, hits: list[Hit]) -> list[Sentence]:
        """The quotable sentences of the passages, with their tokens."""
        rows: list[tuple[int, int, int, str]] = []
        leads: list[str] = []  # what a table row's cells are (its table's header row)
        for i, hit in enumerate(hits):
            pieces = sentence_pieces(hit.chunk)
            for j, (sentence, lead) in enumerate(pieces):
                rows.append((i, j, len(pieces), sentence))
                leads.append(lead)
        analyses = self._analyse([r[3] for r in rows])
        tokens = [a.tokens for a in analyses]
        lead_tokens = self._tokenize(leads)
        headings = [set(self._tokenize([h.chunk.heading])[0]) for h in hits]
        titles = [set(self._tokenize([h.chunk.title])[0]) for h in hits]
        passages: dict[int, set[str]] = {}
        for (i, _, _, _), found in zip(rows, tokens):
            passages.setdefault(i, set(headings[i]) | titles[i]).update(found)
        sentences = []
        for n, ((i, j, count, text), found) in enumerate(zip(rows, tokens)):
            context = set(found) | headings[i] | set(lead_tokens[n])
            for m in (n - 1, n + 1):
                if 0 <= m < len(rows) and rows[m][0] == i:
                    context.update(tokens[m])
            if is_quotable(text, hits[i].chunk):
                sentences.append(Sentence(
                    i, j, count, text, detect_language(text), found, analyses[n].names, frozenset(context),
                    frozenset(passages[i]),
                ))
        return sentences

    def features(self, question: Question, language: str, hits: list[Hit], sentences: list[Sentence]) -> np.ndarray:
        """One row of FEATURES per sentence, as an answer to the question (asked in language)."""
        if not sentences:
            return np.zeros((0, 0))
        vectors = unit_rows(self._embeddings.embed_documents([s.text for s in sentences]))
        asked = unit_rows([self._embeddings.embed_query(question.text)])[0]
        cosine = vectors @ asked
        query = question.query
        weights = {t: self._idf(t) for t in set(query.terms)}
        top_weight = max(weights.values(), default=1.0) or 1.0
        pairs = list(zip(query.terms, query.terms[1:]))
        question_numbers = numeric_values(question.text)
        asks_amount = float(bool(_ASKS_AMOUNT.search(question.text)))
        asks_date = float(bool(_ASKS_DATE.search(question.text)))
        question_tokens = set(query.search_tokens())
        question_pairs = _character_pairs(question.text)
        asks_name = float(bool(_ASKS_NAME.search(question.text)))
        asks_place = float(bool(_ASKS_PLACE.search(question.text)))
        # What is asked about sits at the end of a Korean question ('…의 금리는?') and near the start of an English
        # or German one ('What is the interest rate of …'): whether the sentence names it.
        first, last = (query.terms[0], query.terms[-1]) if query.terms else ("", "")
        korean = float(language == "ko")
        best_score = max(h.score for h in hits)
        # A document that several passages come from is more likely the one the question is about.
        sources = [h.chunk.source for h in hits]
        document_share = {src: sources.count(src) / len(sources) for src in sources}
        document_rank = {src: float(sources.index(src)) for src in sources}
        rows = []
        for s, cos in zip(sentences, cosine):
            own = query.matched(set(s.tokens))
            around = query.matched(set(s.context))
            numbers = numeric_values(s.text)
            new_tokens = [t for t in s.tokens if t not in question_tokens]
            unmatched = [weights[t] for t in weights if t not in around]
            rows.append([
                float(cos),
                0.0,  # cosine_gap, below
                query.weighted_share(set(s.tokens), self._idf),
                0.0,  # lexical_gap
                query.weighted_share(set(s.context), self._idf),
                0.0,  # context_gap
                query.weighted_share(set(s.passage), self._idf),
                query.weighted_share(set(self._heading_tokens(hits[s.hit_index])), self._idf),
                _in_order(pairs, s.tokens, query),
                max(unmatched, default=0.0) / top_weight,
                len(new_tokens) / (len(s.tokens) or 1),
                asks_amount,
                float(bool(numbers - question_numbers)),
                len(question_numbers & numbers) / len(question_numbers) if question_numbers else -1.0,
                asks_date,
                float(bool(_DATE.search(s.text))),
                float(s.hit_index),
                hits[s.hit_index].score - best_score,
                s.index / s.count,
                math.log(1 + len(s.text)),
                float(s.language != language),
                float(len(own)),
                0.0,  # lexical_rank
                0.0,  # cosine_rank
                document_share[sources[s.hit_index]],
                document_rank[sources[s.hit_index]],
                len(question_pairs & _character_pairs(s.text)) / (len(question_pairs) or 1),
                asks_name,
                float(bool(s.names - question_tokens)),
                asks_place,
                float(first in around),
                float(last in around),
                korean,
            ])
        matrix = np.asarray(rows, dtype=float)
        for column, gap, rank in ((0, 1, 23), (2, 3, 22), (4, 5, None)):
            matrix[:, gap] = matrix[:, column] - matrix[:, column].max()
            if rank is not None:
                matrix[:, rank] = np.argsort(np.argsort(-matrix[:, column], kind="stable"), kind="stable")
        # Which directions of the (cross-lingual) embedding space the question and the sentence share: lets the
        # model learn what kind of sentence answers what kind of question, in any language.
        return np.hstack([matrix, vectors * asked])

    def _heading_tokens(self, hit: Hit) -> list[str]:
        return self._tokenize([f"{hit.chunk.title} {hit.chunk.heading}"])[0]

    def _tokenize(self, texts: list[str]) -> list[list[str]]:
        return [a.tokens for a in self._analyse(texts)]

    def _analyse(self, texts: list[str]) -> list[Analysis]:
        """Tokens and names of texts, remembered: the same document sentences come back question after question."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._analyses]
        if missing:
            self._analyses.update(zip(missing, self._tokenizer.analyse(missing)))
        found = [self._analyses[t] for t in texts]
        while len(self._analyses) > self._settings.token_cache:
            self._analyses.popitem(last=False)
        return found


def _another_year(asked: frozenset[int], sentence: Sentence) -> bool:
    """Whether the sentence is about other years than the one asked and no sentence around it names the asked one:
    2023's call does not answer when 2024's closes, nor a program's 2021 budget its 2022 one. A sentence naming no
    year may be about any ('올해')."""
    if not asked:
        return False
    named = years(sentence.text)
    return bool(named) and not asked & named and not asked & {int(t) for t in sentence.context if t.isdigit()}


def _in_order(pairs: list[tuple[str, str]], tokens: list[str], query: Query) -> float:
    """Share of the question's neighbouring term pairs that the sentence also has, in that order."""
    if not pairs:
        return 0.0
    position = {}
    for i, token in enumerate(tokens):
        position.setdefault(token, i)
    found = sum(1 for a, b in pairs if a in position and b in position and position[a] < position[b])
    return found / len(pairs)


def _character_pairs(text: str) -> set[str]:
    """Neighbouring letters within words: they meet across Korean endings and spelling slips that tokens miss."""
    return {w[i : i + 2] for w in _WORD.findall(text.lower()) for i in range(len(w) - 1)}


def _evidence(sentence: Sentence, probability: float, part: int) -> Evidence:
    return Evidence(sentence.hit_index, sentence.text, sentence.language, probability, part)

