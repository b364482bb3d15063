"""Search tokens: Kiwi morphemes for Korean, lower-cased words for other languages."""

from __future__ import annotations

from collections.abc import Iterable

# Content-bearing Kiwi tags: nouns, numerals, foreign words, hanja, verb/adjective stems, roots, adverbs.
_CONTENT_TAGS = {"NNG", "NNP", "NNB", "NR", "SN", "SL", "SH", "VV", "VA", "XR", "MAG"}
_STOPWORDS = {
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "was", "were", "be", "by", "with",
    "what", "which", "who", "how", "when", "where", "does", "do", "did", "will", "can", "it", "its", "this", "that",
    "as", "at", "from", "many", "much", "there", "their", "my", "our", "we", "i", "you", "your",
    "der", "die", "das", "und", "wie", "viele", "wird", "werden", "ist", "ein", "eine", "den", "bis", "zu", "von",
    "것", "수", "등",
}


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
        return self._keep(self._analyzer().tokenize(text))

    def batch(self, texts: Iterable[str]) -> list[list[str]]:
        """Content tokens of many texts at once (faster than one call per text)."""
        return [self._keep(result) for result in self._analyzer().tokenize(list(texts))]

    @staticmethod
    def _keep(morphemes) -> list[str]:
        out = []
        for m in morphemes:
            if m.tag in _CONTENT_TAGS:
                form = m.form.lower()
                if form not in _STOPWORDS:
                    out.append(form)
        return out
