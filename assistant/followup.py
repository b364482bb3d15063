"""Follow-up questions made standalone from the conversation: '그럼 신청은 어디서 해요?' after a question about
regulation-free zones becomes '규제자유특구 지정 신청은 어디서 해요?', so that search and reading see the topic.

Rules and Kiwi, no model: a turn that opens with a connective or pronoun ('그럼', '그 중', 'and', 'what about', 'und'),
ends in an elliptical '…은요?', or names almost nothing itself, takes the topic words of the user's previous
(already standalone) question. A turn that names a program of its own is a new topic and stays as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .routing import GENERIC
from .tokens import STOPWORDS, Tokenizer

_OPENING = re.compile(
    r"^\s*(?:아\s+)?(그럼|그러면|그리고|그\s*중에?서?|그중에?|그건|그거|그게|그곳은?|거기(?:서|에|는|엔)?|이건|해당\s*사업은?|"
    r"and|also|so|what\s+about|how\s+about|und|und\s+was\s+ist\s+mit|auch)(?=[\s,]|$)[\s,]*",
    re.I,
)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|this|that|those|these|there|sie|es|dafür|dort)\b", re.I)
# '수행 기간은요?', '2호는요?', '업력이 딱 7년이면요?': the subject is left to the conversation.
_ELLIPSIS = re.compile(r"(?:은|는|이면|면)요\s*[?？]*\s*$")
_EDGE = re.compile(r"^[\"'(\[]+|[\"')\].,?!:;？]+$")
# Kiwi tags of the Korean words a topic is made of: nouns and numbers.
_TOPIC_TAGS = {"NNG", "NNP", "NR", "SN", "SH"}
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")
# Saying the subject changes: '아 그건 됐고요, …', 'by the way, …'.
_CHANGE = re.compile(
    r"됐고|그건\s*그렇고|그건\s*그렇다\s*치고|다른\s*(?:질문|얘기|이야기)|\bby\s+the\s+way\b|\banyway\b|"
    r"\b(?:another|different)\s+question\b|übrigens|andere\s+frage",
    re.I,
)
# A turn naming at most this many words of its own (beyond GENERIC) is too thin to stand alone.
MAX_OWN_WORDS = 2
MAX_TOPIC_WORDS = 6


class FollowUpRewriter:
    """Rewrites a follow-up into a standalone question from the user's earlier turns."""

    def __init__(self, tokenizer: Tokenizer, name_programs: Callable[[str], tuple[str, ...]]) -> None:
        self._tokenizer = tokenizer
        self._name_programs = name_programs

    def rewrite(self, text: str, history: Sequence[str]) -> str:
        """The standalone form of a turn (the turn itself when it stands alone or nothing came before)."""
        previous = ""
        for earlier in history:  # each earlier turn made standalone in turn, so topics carry over several turns
            previous = self._standalone(earlier, previous)
        return self._standalone(text, previous)

    def _standalone(self, text: str, previous: str) -> str:
        if not previous or not self.needs_context(text):
            return text
        rest = _OPENING.sub("", text, count=1).strip() or text
        own = {w.lower() for w in rest.split()}
        has_number = any(ch.isdigit() for ch in rest)
        topic = [
            w for w in self.topic_words(previous)
            if w.lower() not in own and not (has_number and any(ch.isdigit() for ch in w))
        ]
        return f"{' '.join(topic)} {rest}".strip() if topic else text

    def needs_context(self, text: str) -> bool:
        """Whether a turn leans on the conversation for what it is about."""
        if self._name_programs(text) or _CHANGE.search(text):
            return False
        if _OPENING.match(text) or _PRONOUN.search(text) or _ELLIPSIS.search(text):
            return True
        return len(self._content(text)) <= MAX_OWN_WORDS

    def _content(self, text: str, morphemes: list | None = None) -> list[str]:
        """The topic-bearing words of a text that are not generic: Korean nouns and numbers (Kiwi; its morphemes when
        the text was cut from a longer word already analysed), Latin-script search tokens."""
        morphemes = self._tokenizer.morphemes(text) if morphemes is None else morphemes
        korean = [m.form.lower() for m in morphemes if m.tag in _TOPIC_TAGS]
        latin = [t for t in self._tokenizer.tokens(text) if _LATIN.match(t)]
        return [w for w in korean + latin if w not in GENERIC and w not in STOPWORDS]

    def topic_words(self, text: str) -> list[str]:
        """The words of a question that say what it is about, in order: words with content beyond question and
        generic words, without their particles ('규제자유특구는' → '규제자유특구')."""
        words: list[str] = []
        for raw in _OPENING.sub("", text, count=1).split():
            word = _EDGE.sub("", raw)
            morphemes = self._tokenizer.morphemes(word)
            # The word without its particles and endings ('규제자유특구는' → '규제자유특구', '분과가' → '분과').
            cut = next((m.start for m in morphemes if m.tag.startswith(("J", "E", "VC"))), len(word))
            # Judged on the morphemes in context: '누' of '누가' alone would pass for a noun.
            if self._content(word[:cut], [m for m in morphemes if m.start < cut]) and word[:cut] not in words:
                words.append(word[:cut])
        return words[:MAX_TOPIC_WORDS]
