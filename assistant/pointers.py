"""Pointers into a list the assistant gave ('두 번째 건', 'the first one', 'das letzte'), and the Korean particle
after the words put in a pointer's place."""

from __future__ import annotations

import re

# A pointer to an item an answer of the assistant listed: '두 번째 건', '마지막 거는', 'the first one', 'that last
# one', 'the latter', 'das zweite?'. A bare ordinal before another noun ('the first zones', '두 번째 지정') is not one.
_ITEM_NOUN = r"(?:\s*(?:것|거|건|꺼|곳|데|사업|과제|항목|프로그램|지역|기관|분과|유형|트랙)|(?=[은는이가을를요의]|\s*[?？]|$))"
_POINTING = re.compile(
    rf"(?:그\s*중\s*)?(?:(?P<ko>첫|두|세|네|다섯)\s*번째|(?P<ko2>첫째|둘째|셋째|넷째|마지막)){_ITEM_NOUN}"
    r"|(?P<ko3>앞|뒤)(?:에|의)?\s*(?:것|거|건|꺼)|(?P<ko4>후자)"
    r"|\b(?:the|that|this)\s+(?:(?P<en>first|second|third|fourth|fifth|last)(?:\s+(?:one|programme|program|item|option)\b|"
    r"(?=\s*[?,.]|\s+of\s+them\b))|(?P<en2>former|latter)\b)"
    # German nouns are capitalised: an ordinal before a lower-case word or a stop stands for a noun ('beim ersten').
    r"|\b(?:der|die|das|dem|den|beim|vom|zum|im|am)\s+(?P<de>erst|zweit|dritt|viert|fünft|letzt)(?:e|en|er|es|em)\b"
    r"(?=\s*[?,.:;!]|(?-i:\s+[a-zäöü])|\s*$)",  # lower case even though the rest ignores case
    re.I,
)
_POSITIONS = {
    "첫": 0, "두": 1, "세": 2, "네": 3, "다섯": 4, "첫째": 0, "둘째": 1, "셋째": 2, "넷째": 3, "마지막": -1, "first": 0,
    "second": 1, "third": 2, "fourth": 3, "fifth": 4, "last": -1, "former": 0, "latter": -1, "erst": 0, "zweit": 1,
    "dritt": 2, "viert": 3, "fünft": 4, "letzt": -1, "앞": 0, "뒤": -1, "후자": -1,
}
# Particles in two forms: after a closing consonant and after a vowel.
_PARTICLES = (("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"))


def pointer(text: str) -> tuple[int, int, int] | None:
    """Where a turn points into a list (start, end) and the item's position (-1: the last), or None."""
    found = _POINTING.search(text)
    if not found:
        return None
    return found.start(), found.end(), _POSITIONS[next(word for word in found.groupdict().values() if word).lower()]


def with_particle(word: str, rest: str) -> str:
    """The rest of a turn after a word put in its place, its particle agreeing with the word's last syllable
    ('두 번째 지역은' → '전라남도는', not '전라남도은')."""
    last = word[-1:]
    if not rest or not "가" <= last <= "힣":
        return rest
    closed = (ord(last) - ord("가")) % 28 != 0  # the syllable ends in a consonant
    for after_consonant, after_vowel in _PARTICLES:
        if rest.startswith((after_consonant, after_vowel)):
            wrong = after_vowel if closed else after_consonant
            after = rest[len(wrong):len(wrong) + 1]
            if rest.startswith(wrong) and (not after.isalnum() or after == "요"):  # '는요?' too
                return (after_consonant if closed else after_vowel) + rest[len(wrong):]
    return rest
