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
# Not after an ordinal ('am 10. September', '1. 개요') and not before a lower-case word ('U.S. investment').
_SENTENCE_END = re.compile(r"(?<=[.!?。])(?<!\D\d\.)(?<!\D\d\d\.)\s+(?![a-z])|\n+")
# A line break inside a paragraph (a PDF wraps its lines) is not a sentence break: join such lines unless the line
# ends a sentence or the next one starts a list item or a new paragraph.
_WRAPPED_LINE = re.compile(r"(?<![.!?。:;])[ \t]*\n(?![ \t]*([-•▲*#]|\d+[.)]|\n))[ \t]*")


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
    pieces = (p.strip(" -•▲*#\t") for p in _SENTENCE_END.split(_WRAPPED_LINE.sub(" ", text)) if p)
    return [p for p in pieces if len(p) > 1]
