"""Search tokens: Kiwi morphemes for Korean, lower-cased light-stemmed words for Latin-script text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Content-bearing Kiwi tags: nouns, numerals, hanja, verb/adjective stems, roots, adverbs. Latin-script words
# (Kiwi's SL tag) are taken by a regex instead, since Kiwi cuts English words such as 'trainees' apart.
_CONTENT_TAGS = {"NNG", "NNP", "NNB", "NR", "SN", "SH", "VV", "VA", "XR", "MAG"}
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:\.[A-Za-z]+)*")
# Function words and question words: they say what kind of answer is wanted, not what it is about.
STOPWORDS = {
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "was", "were", "be", "been", "by",
    "with", "what", "which", "who", "whom", "how", "when", "where", "why", "doe", "do", "did", "will", "can", "it",
    "its", "this", "that", "these", "those", "as", "at", "from", "many", "much", "there", "their", "my", "our",
    "we", "i", "you", "your", "s", "according", "tell", "please", "get", "could", "would", "should", "about",
    "big", "large", "groß", "kind", "me", "have", "has", "had", "does", "any", "like", "want", "say", "give",
    "know", "let", "goe", "go",
    "der", "die", "das", "und", "wie", "viele", "viel", "wird", "werden", "ist", "ein", "eine", "den", "dem",
    "bis", "zu", "von", "wann", "was", "welche", "welcher", "welches", "welchen", "welchem", "man", "sich", "kann",
    "für", "im", "es", "gibt", "geben", "schon", "wer", "hat", "haben", "sind", "sein", "war", "waren", "dass",
    "stimmt", "über", "soll", "sollen", "geht", "gehen", "noch", "auch", "mit", "auf", "aus", "bei", "nach", "um",
    "an", "am", "des", "einer", "einen", "einem", "sie", "er", "wir", "ihr", "uns", "wo", "wieviel", "hoch",
    "ich", "mich", "mir", "mein", "meine", "meinen", "unser", "unsere", "unseren", "muss", "müssen", "darf",
    "dürfen", "ab", "denn",
    "것", "수", "등", "몇", "얼마", "얼마나", "언제", "어디", "누구", "무엇", "뭐", "어떤", "어떻", "어느", "알리",
    "되", "하", "있", "거", "좀", "지금", "안", "나", "건가", "그중", "다음", "가", "중", "각각", "개수", "비교",
    "respectively", "compare", "jeweils", "vergleich",
}
# Ways of writing 'percent', so '몇 퍼센트' meets '10%' and 'Prozent' meets 'percent'.
_PERCENT = {"%", "퍼센트", "프로", "percent", "prozent"}
# 'won' is Korea's currency after an amount ('400 billion won') and a verb elsewhere ('Who won the cup?').
_AMOUNT_BEFORE = re.compile(r"(\d|\b(hundred|thousand|million|billion|trillion|korean|tn|bn))\s*$", re.I)
_CAPITALISED = re.compile(r"(?<=[\w,;] )([A-ZÄÖÜ][\w.-]+)")
_SUFFIXES = (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


def stem(word: str) -> str:
    """Strip common English inflections ('exports' → 'export', 'designated' → 'designat') from long words."""
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


@dataclass(frozen=True)
class Analysis:
    """What a text is about: its search tokens, and the names in it (Korean proper nouns, capitalised words that do
    not start a sentence)."""

    tokens: list[str]
    names: frozenset[str]


class Tokenizer:
    """Turns text into search tokens; loads the Kiwi model on first use, not at construction."""

    def __init__(self) -> None:
        self._kiwi = None

    def _analyzer(self):
        if self._kiwi is None:
            from kiwipiepy import Kiwi

            self._kiwi = Kiwi(num_workers=-1)
        return self._kiwi

    def tokens(self, text: str) -> list[str]:
        """Content tokens of one text, lower-cased, stop words removed."""
        return self.analyse([text])[0].tokens

    def batch(self, texts: Iterable[str]) -> list[list[str]]:
        """Content tokens of many texts at once (faster than one call per text)."""
        return [analysis.tokens for analysis in self.analyse(texts)]

    def morphemes(self, text: str) -> list:
        """Kiwi's morphemes of one text (each with .form and .tag)."""
        return self._analyzer().tokenize(text)

    def analyse(self, texts: Iterable[str]) -> list[Analysis]:
        """Content tokens and names of many texts at once."""
        texts = list(texts)
        return [self._keep(text, result) for text, result in zip(texts, self._analyzer().tokenize(texts))]

    @staticmethod
    def _keep(text: str, morphemes) -> Analysis:
        korean = [m.form.lower() for m in morphemes if m.tag in _CONTENT_TAGS or m.form in _PERCENT]
        # 'M.AX' and 'MAX', 'U.S.' and 'US' are one word.
        latin = [
            stem(m.group().lower().replace(".", ""))
            for m in _LATIN_WORD.finditer(text)
            if m.group().lower() != "won" or _AMOUNT_BEFORE.search(text, 0, m.start())
        ]
        tokens = ("percent" if t in _PERCENT else t for t in korean + latin)
        names = {m.form.lower() for m in morphemes if m.tag == "NNP"}
        names.update(m.group(1).lower() for m in _CAPITALISED.finditer(text))
        return Analysis([t for t in tokens if t not in STOPWORDS], frozenset(names))
