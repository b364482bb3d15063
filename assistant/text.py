"""Language-aware text helpers shared by ingestion, retrieval and answering."""

from __future__ import annotations

import re
import unicodedata

_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_LATIN = re.compile(r"[A-Za-z]")
_GERMAN_HINTS = re.compile(r"[äöüßÄÖÜ]|\b(der|die|das|und|wie|viele|wird|werden|ist|nicht|bis)\b", re.IGNORECASE)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A sentence ends at . ! ? followed by whitespace, or at a line break; decimals like 1.5 have no space and stay whole.
# Not after an ordinal ('am 10. September', '1. 개요'), inside a dotted date ('2025. 10. 24.') and not before a
# lower-case word ('U.S. investment'), nor after an abbreviation that runs on ('7 Mrd. Won', 'Dec. 17', 'Dr. Kim').
_ABBREVIATION = (
    r"(?<!\b(?:Nr|Dr|Mr|Ms|No|Co|St|vs|ca|Jr)\.)"
    r"(?<!\b(?:Mrd|Mio|Tsd|Mrs|bzw|Abs|Art|vgl|ggf|Inc|Ltd|Gov|Rep|Sen|Gen|Nos|Str|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
    r"|e\.g|i\.e|z\.B|u\.a|d\.h)\.)"
    r"(?<!\b(?:Prof|Corp|inkl|zzgl|Sept)\.)"
)
_SENTENCE_END = re.compile(
    r"(?<=[.!?。])(?<!\D\d\.)(?<!\D\d\d\.)" + _ABBREVIATION + r"\s+(?![a-z]|\d{1,2}\.)|\n+"
)
# A line break inside a paragraph (a PDF wraps its lines) is not a sentence break: join such lines unless the line
# ends a sentence or a table row, or the next one starts a list item (notices mark them □ ○ ※ -), a table row or a
# new paragraph.
_WRAPPED_LINE = re.compile(r"(?<![.!?。:;|])[ \t]*\n(?![ \t]*([-•▲*#□■○◦●※▷▶|]|\d+[.)]|[가-하][.)]|\n))[ \t]*")


def clean(text: str) -> str:
    """Drop lone surrogates and control characters and normalise Unicode so every later stage gets valid text."""
    text = _SURROGATE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return unicodedata.normalize("NFC", text)


def detect_language(text: str) -> str:
    """Return 'ko', 'de' or 'en' from the script and a few German function words."""
    hangul = len(_HANGUL.findall(text))
    latin = len(_LATIN.findall(text))
    if hangul and hangul >= latin * 0.25:
        return "ko"
    if _GERMAN_HINTS.search(text):
        return "de"
    return "en"


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, joining lines that a PDF wrapped and keeping list items apart."""
    pieces = (p.strip(" -•▲*#□■○◦●※▷▶\t") for p in _SENTENCE_END.split(_WRAPPED_LINE.sub(" ", text)) if p)
    return [p for p in pieces if len(p) > 1]


# What a text adds in brackets ('AI 응용제품 신속 상용화 지원사업 (2026~2027년)', '경북（식품）').
_BRACKETED = re.compile(r"\s*[(（][^)）]*[)）]")


def unbracketed(text: str) -> str:
    """The text without what it says in brackets."""
    return _BRACKETED.sub("", text)


# A Korean topic phrase at the start of a sentence ('펀드는 ', '이 사업은 ').
_KOREAN_TOPIC = re.compile(r"^.*?[은는]\s")

QUESTION_WORD = re.compile(
    r"몇|얼마|언제|어디|누구|무엇|뭐|어느|어떤|\b(how|what|which|when|who|where|wie|was|welche[rsnm]?|wann|wer|wo)\b", re.I
)


def asks_something(text: str) -> bool:
    """Whether a text asks: a question mark or a question word."""
    return "?" in text or "？" in text or bool(QUESTION_WORD.search(text))


# Where a two-part question divides: a clause break, or (Korean) the conjunction after the first thing asked about.
_CLAUSE_BREAK = re.compile(r"(?<=[고며])\s*,\s*|,\s*(?:and|und)\s+|\s+(?:and|und)\s+(?=(?:how|what|which|when|who|where|wie|was|welche|wann|wer|wo)\b)", re.I)
_KOREAN_AND = re.compile(r"(?<=[가-힣A-Za-z0-9])(?:이랑|랑|와|과|하고)\s+")


def split_question(question: str) -> list[str]:
    """The parts of a question that asks two things ('A와 B는 각각 몇 개?', 'How many X, and what is Y?'), else [question].

    Each part keeps enough words to be searched and answered on its own.
    """
    lowered = question.lower()
    asks_twice = len(QUESTION_WORD.findall(question)) >= 2 or any(w in lowered for w in ("각각", "비교", "respectively", "compare"))
    if not asks_twice:
        return [question]
    parts = [p.strip(" ,") for p in _CLAUSE_BREAK.split(question) if p and p.strip(" ,")]
    if len(parts) < 2:
        parts = [p.strip() for p in _KOREAN_AND.split(question, maxsplit=1)]
    if len(parts) < 2 or any(len(p) < 2 for p in parts):
        return [question]
    # 'A와 B는 각각 몇 개인가요?': A shares B's predicate, which says what is asked about it.
    shared = _predicate(parts[-1])
    return [p if QUESTION_WORD.search(p) else f"{p} {shared}".strip() for p in parts[:-1]] + [parts[-1]]


def _predicate(part: str) -> str:
    """What a question part asks: the words after its Korean topic ('규모가 각각 얼마인가요?' of '펀드는 규모가 각각
    얼마인가요?'), else the words from its question word on."""
    topic = _KOREAN_TOPIC.search(part)
    if topic:
        return part[topic.end() :]
    word = QUESTION_WORD.search(part)
    return part[word.start() :] if word else ""
