"""The answer stage: writes what the assistant says from the reader's verdict, with [n] markers and citations.

The default generator quotes the sentences the reader chose, so every fact and number is in a cited passage; the
optional LLM generator (assistant/llm.py) writes its own text and falls back to this one when its check fails.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from .config import AnswerSettings, Settings
from .reading import Evidence, Reading
from .schema import Answer, Citation

NOT_FOUND = {
    "ko": "제공된 문서에서는 이 질문에 대한 답을 찾지 못했습니다.",
    "en": "The indexed documents do not answer this question.",
    "de": "Die indexierten Dokumente beantworten diese Frage nicht.",
}
# When the question asks for a kind of value (Question.wants), the abstention says which one was not found: the
# documents may well speak of the subject ('신청 마감은 언제예요?' about a notice that says how, not by when).
NOT_GIVEN = {
    "day": {
        "ko": "제공된 문서에서는 이 질문이 묻는 날짜나 기한을 찾지 못했습니다.",
        "en": "The indexed documents do not give the date or deadline this question asks for.",
        "de": "Die indexierten Dokumente nennen das erfragte Datum bzw. die Frist nicht.",
    },
    "date": {
        "ko": "제공된 문서에서는 이 질문이 묻는 시기를 찾지 못했습니다.",
        "en": "The indexed documents do not say when, as this question asks.",
        "de": "Die indexierten Dokumente nennen den erfragten Zeitpunkt nicht.",
    },
    "share": {
        "ko": "제공된 문서에서는 이 질문이 묻는 비율이나 금리를 찾지 못했습니다.",
        "en": "The indexed documents do not give the rate or share this question asks for.",
        "de": "Die indexierten Dokumente nennen den erfragten Satz bzw. Anteil nicht.",
    },
    "money": {
        "ko": "제공된 문서에서는 이 질문이 묻는 금액을 찾지 못했습니다.",
        "en": "The indexed documents do not give the sum of money this question asks for.",
        "de": "Die indexierten Dokumente nennen den erfragten Geldbetrag nicht.",
    },
    "duration": {
        "ko": "제공된 문서에서는 이 질문이 묻는 기간을 찾지 못했습니다.",
        "en": "The indexed documents do not say how long, as this question asks.",
        "de": "Die indexierten Dokumente nennen die erfragte Dauer nicht.",
    },
    "phone": {
        "ko": "제공된 문서에서는 이 질문이 묻는 전화번호를 찾지 못했습니다.",
        "en": "The indexed documents do not give the phone number this question asks for.",
        "de": "Die indexierten Dokumente nennen die erfragte Telefonnummer nicht.",
    },
    "address": {
        "ko": "제공된 문서에서는 이 질문이 묻는 웹 주소를 찾지 못했습니다.",
        "en": "The indexed documents do not give the web address this question asks for.",
        "de": "Die indexierten Dokumente nennen die erfragte Internetadresse nicht.",
    },
    "count": {
        "ko": "제공된 문서에서는 이 질문이 묻는 수를 찾지 못했습니다.",
        "en": "The indexed documents do not give the number this question asks for.",
        "de": "Die indexierten Dokumente nennen die erfragte Zahl nicht.",
    },
    "amount": {
        "ko": "제공된 문서에서는 이 질문이 묻는 금액이나 수치를 찾지 못했습니다.",
        "en": "The indexed documents do not give the amount this question asks for.",
        "de": "Die indexierten Dokumente nennen den erfragten Betrag nicht.",
    },
}
# An abstention still shows where the documents come closest, so a reader can judge for themselves.
CLOSEST = {
    "ko": "가장 가까운 내용은 다음과 같지만, 질문에 대한 답은 아닐 수 있습니다:",
    "en": "The closest passage is the following, but it may not answer the question:",
    "de": "Am nächsten kommt die folgende Stelle, die die Frage aber womöglich nicht beantwortet:",
}
OTHER_LANGUAGE_NOTE = {
    "ko": "관련 내용은 다른 언어로 된 문서에 있어 원문을 그대로 인용합니다.",
    "en": "The supporting passages are quoted in their original language.",
    "de": "Die Belegstellen werden in ihrer Originalsprache zitiert.",
}


@dataclass(frozen=True)
class Delta:
    """The next piece of answer text as a generator writes it (LLM streaming)."""

    text: str


class Generator(Protocol):
    """Writes the answer to a read question; yields Deltas while writing and ends with exactly one Answer."""

    def write(self, reading: Reading) -> Iterator[Delta | Answer]: ...


class ExtractiveGenerator:
    """Quotes the reader's sentences with [n] markers, or says the documents do not answer and where to ask."""

    def __init__(self, settings: AnswerSettings) -> None:
        self._settings = settings

    def write(self, reading: Reading) -> Iterator[Delta | Answer]:
        yield self.answer(reading)

    def answer(self, reading: Reading) -> Answer:
        """The whole answer in one call."""
        question = reading.question
        if reading.answerable and reading.evidence:
            return _quote(question.text, question.language, reading.hits, reading.evidence, reading.confidence)
        language = question.language
        not_found = _not_found(question.wants, language)
        abstention = Answer(
            question.text, f"{not_found} {self._settings.help(language)}", language, True, [], reading.confidence
        )
        closest = reading.closest
        if closest is None or closest.probability < self._settings.closest_min:
            return abstention
        quoted = _quote(question.text, language, reading.hits, [closest], reading.confidence)
        # The note that the passage is in another language goes before 'the closest passage is', not inside the quote.
        note, passage = _split_note(quoted.text, language)
        text = " ".join(p for p in (not_found, note, CLOSEST[language], passage, self._settings.help(language)) if p)
        return replace(quoted, text=text, abstained=True)


def _not_found(wants: frozenset[str], language: str) -> str:
    """What the documents did not give: the kind of value asked for, or an answer at all."""
    kind = next((kind for kind in NOT_GIVEN if kind in wants), None)
    return NOT_GIVEN[kind][language] if kind else NOT_FOUND[language]


def _split_note(text: str, language: str) -> tuple[str, str]:
    """A quote's other-language note and the quoted passages ('' and the text when it has no note)."""
    note = OTHER_LANGUAGE_NOTE[language]
    return (note, text[len(note):].strip()) if text.startswith(note) else ("", text)


def _quote(question: str, language: str, hits: Sequence, chosen: Sequence[Evidence], confidence: float) -> Answer:
    numbers: dict[int, int] = {}
    quoted: dict[int, list[str]] = {}
    parts = []
    for evidence in chosen:
        n = numbers.setdefault(evidence.hit_index, len(numbers) + 1)
        quoted.setdefault(evidence.hit_index, []).append(evidence.sentence)
        parts.append(f"{evidence.sentence} [{n}]")
    if any(e.language != language for e in chosen):
        parts.insert(0, OTHER_LANGUAGE_NOTE[language])
    citations = []
    for i, n in numbers.items():
        chunk = hits[i].chunk
        citations.append(Citation(n, chunk.source, chunk.page, " … ".join(quoted[i]), hits[i].score, chunk.heading, chunk.title))
    return Answer(question, " ".join(parts), language, False, citations, confidence)


def make_generator(settings: Settings) -> Generator:
    """The answer generator the settings name; the LLM one keeps the extractive one as its fallback."""
    extractive = ExtractiveGenerator(settings.answer)
    if settings.answer.generator == "extractive":
        return extractive
    if settings.answer.generator == "llm":
        from .llm import make_llm_generator

        return make_llm_generator(settings, extractive)
    raise ValueError(f"unknown answer generator '{settings.answer.generator}'")
