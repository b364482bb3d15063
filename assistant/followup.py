"""Follow-up questions made standalone from the conversation: '그럼 신청은 어디서 해요?' after a question about
regulation-free zones becomes '규제자유특구 지정 신청은 어디서 해요?', so that search and reading see the topic.

Rules and Kiwi, no model: a turn that opens with a connective or pronoun ('그럼', '그 중', 'and', 'what about', 'und'),
ends in an elliptical '…은요?', or names almost nothing itself, takes the topic words of the user's previous
(already standalone) question. A turn that names a program of its own is a new topic and stays as it is, unless it
asks the previous question again about that other subject ('그럼 글로벌 혁신특구는요?', 'what about the start-up
fund?', '전남 말고 전북이요'): then it takes what the previous question asked, without the subject it replaces.
An acknowledgement before the question ('감사합니다. 경북은요?', 'ok, and …') is dropped first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from .routing import GENERIC
from .tokens import STOPWORDS, Tokenizer

_OPENING = re.compile(
    r"^\s*(?:아\s+)?(그럼|그러면|그리고|그\s*중에?서?|그중에?|그건|그거|그게|그곳은?|거기(?:서|에|는|엔)?|이건|해당\s*사업은?|"
    r"and|also|so|what\s+about|how\s+about|und|und\s+was\s+ist\s+mit|auch)(?=[\s,]|$)[\s,]*",
    re.I,
)
_PRONOUN = re.compile(
    r"\b(it|its|they|them|their|this|that|those|these|there|sie|es|dafür|dort)\b|\bthe\s+[\w-]+\s+ones?\b", re.I
)
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
# Thanks and acknowledgements that open a follow-up without being part of it: '감사합니다. 경북은 어떤 업종이에요?'.
_ACKNOWLEDGEMENT = re.compile(
    r"^\s*(?:(?:아|오|네|넵|예|음|ㅇㅋ|오케이|감사합니다|감사해요|고맙습니다|고마워요|그렇군요|알겠습니다|알겠어요|좋아요|"
    r"ok(?:ay)?|thanks|thank\s+you|got\s+it|great|cool|i\s+see|danke|alles\s+klar|gut)(?:[\s,.!~]+|$))+",
    re.I,
)
# Asking the previous question again about another subject: '그럼 글로벌 혁신특구는요?', 'what about the start-up
# fund?', '전남 말고 전북이요' (not '기다리지 말고'), 'sorry, I meant the basic track'.
_WHAT_ABOUT = re.compile(
    r"^\s*(?:what|how)\s+about\b|^\s*und\s+(?:was\s+ist\s+mit|bei)\b|^\s*and\s+(?:the|for)\b", re.I
)
_CORRECTION = re.compile(r"[^\s지]\s*말고\b|\bI\s+mean[t]?\b|\bich\s+meinte?\b|\bsondern\b|^\s*아니(?:요|고)?[\s,]", re.I)
# An elliptical re-ask is short: '그럼 글로벌 혁신특구는요?'; a longer turn asks something of its own.
MAX_REASK_WORDS = 6
# A turn naming at most this many words of its own (beyond GENERIC) is too thin to stand alone.
MAX_OWN_WORDS = 2
MAX_TOPIC_WORDS = 6


class Rewrite(NamedTuple):
    """A turn's standalone form and who made it: 'llm', 'rules', or '' when the turn stood as it was."""

    text: str
    by: str


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

    def traced(self, text: str, history: Sequence[str]) -> Rewrite:
        """The standalone form of a turn and who made it."""
        standalone = self.rewrite(text, history)
        return Rewrite(standalone, "rules" if standalone != text else "")

    def _standalone(self, text: str, previous: str) -> str:
        if not previous or not self.needs_context(text):
            return text
        text = _ACKNOWLEDGEMENT.sub("", text, count=1).strip() or text
        if self._reasks(text):
            return self._reasked(text, previous)
        rest = _OPENING.sub("", text, count=1).strip() or text
        own = {w.lower() for w in rest.split()}
        has_number = any(ch.isdigit() for ch in rest)
        topic = [
            w for w in self.topic_words(previous)
            if w.lower() not in own and not (has_number and any(ch.isdigit() for ch in w))
        ]
        return f"{' '.join(topic)} {rest}".strip() if topic else text

    def _reasked(self, text: str, previous: str) -> str:
        """A turn asking the previous question about another subject, with what that question asked: its words
        (generic ones too: '규모', 'how many') except the ones naming the subject the turn replaces."""
        own = {w.lower() for w in text.split()}
        replaced = bool(self._name_programs(text))  # the turn names another program: the previous one's words go
        asked = [
            w for w in self.topic_words(previous, everything=True)
            if w.lower() not in own and not (replaced and self._name_programs(w))
        ]
        # The turn's own subject first, so that a later follow-up's topic starts with it.
        return f"{_OPENING.sub('', text, count=1).strip() or text} {' '.join(asked)}".strip()

    def _reasks(self, text: str) -> bool:
        """Whether a turn asks the previous question again about another subject it names."""
        short = len(text.split()) <= MAX_REASK_WORDS
        return bool(_CORRECTION.search(text)) or short and bool(
            self._name_programs(text) and (_WHAT_ABOUT.match(text) or _ELLIPSIS.search(text))
        )

    def needs_context(self, text: str) -> bool:
        """Whether a turn leans on the conversation for what it is about."""
        text = _ACKNOWLEDGEMENT.sub("", text, count=1).strip() or text
        if _CHANGE.search(text):
            return False
        if self._reasks(text):
            return True
        if self._name_programs(text):
            return False
        if _OPENING.match(text) or _PRONOUN.search(text) or _ELLIPSIS.search(text):
            return True
        return len(self._content(text)) <= MAX_OWN_WORDS

    def _content(self, text: str, morphemes: list | None = None, generic: bool = False) -> list[str]:
        """The topic-bearing words of a text that are not generic (generic ones too when asked): Korean nouns and
        numbers (Kiwi; its morphemes when the text was cut from a longer word already analysed), Latin-script search
        tokens."""
        morphemes = self._tokenizer.morphemes(text) if morphemes is None else morphemes
        korean = [m.form.lower() for m in morphemes if m.tag in _TOPIC_TAGS]
        latin = [t for t in self._tokenizer.tokens(text) if _LATIN.match(t)]
        return [w for w in korean + latin if (generic or w not in GENERIC) and w not in STOPWORDS]

    def topic_words(self, text: str, everything: bool = False) -> list[str]:
        """The words of a question that say what it is about, in order: words with content beyond question and
        generic words (generic ones too with everything), without their particles ('규제자유특구는' →
        '규제자유특구'). A bare generic noun right before a kept word is part of its name ('지역 주도형')."""
        words: list[str] = []
        bare = ""  # a generic word without particles, kept if a topic word follows
        for raw in _OPENING.sub("", text, count=1).split():
            word = _EDGE.sub("", raw)
            morphemes = self._tokenizer.morphemes(word)
            # The word without its particles and endings ('규제자유특구는' → '규제자유특구', '분과가' → '분과').
            cut = next((m.start for m in morphemes if m.tag.startswith(("J", "E", "VC", "XSV", "XSA"))), len(word))
            # Judged on the morphemes in context: '누' of '누가' alone would pass for a noun.
            context = [m for m in morphemes if m.start < cut]
            if self._content(word[:cut], context, everything) and word[:cut] not in words:
                words.extend([bare, word[:cut]] if bare and bare not in words else [word[:cut]])
            bare = word if cut == len(word) and self._content(word, context, generic=True) else ""
        return words[:MAX_TOPIC_WORDS]
