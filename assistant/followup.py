"""Follow-up questions made standalone from the conversation: '그럼 신청은 어디서 해요?' after a question about
regulation-free zones becomes '규제자유특구 지정 신청은 어디서 해요?', so that search and reading see the topic.

Rules and Kiwi, no model. A turn leans on the conversation when it lacks a subject of its own: a question naming no
program nor any other name ('최종 의결하는 위원회 위원장은 누구예요?'), a turn of almost no words of its own ('수행
기간은요?'), one pointing back ('그거', 'it') or opening with a connective ('그럼', 'and', 'und'). It then takes the
topic words of the user's previous (already standalone) question; what it names replaces the previous question's word
of the same kind (a program, a number: '2호' for '1호', a region, a company size). A turn naming a program of its own
after a connective keeps only the conversation's year and region.

A short turn asking the previous question again about a subject of its own ('그럼 글로벌 혁신특구는요?') takes what
that question asked, generic words too. A correction ('전남 말고 전북이요', 'I meant Gyeongbuk') does the same
without the words it corrects. A turn that only tells company facts ('청주 제조업체고 직원은 7명이에요') leaves the
topic as it was. An acknowledgement before the question ('감사합니다. 경북은요?') is dropped first, and a pointer into
a list the assistant gave ('두 번째 건', 'the first one') is replaced by that item's words before anything else.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from .correction import POINTER, correction
from .numbers import years
from .pointers import pointer, with_particle
from .profile_reader import ProfileReader
from .replies import asks_if_there_is, introduced, listed
from .routing import GENERIC
from .text import asks_something, detect_language
from .tokens import STOPWORDS, Tokenizer

_OPENING = re.compile(
    r"^\s*(?:아\s+)?(그럼|그러면|그리고|그래서|그러니까|그니까|그\s*중에?서?|그중에?|그건|그거|그게|그곳은?|거기(?:서|에|는|엔)?|이건|이거|"
    r"해당\s*사업은?|and|also|so|what\s+about|how\s+about|und|und\s+was\s+ist\s+mit|auch)(?=[\s,]|$)[\s,]*",
    re.I,
)
# 'there' of 'are there …' and 'es' of 'gibt es …' say that something exists, not what came before; 'then' closing
# a turn ('… for 2026 then?') takes up what was said.
_PRONOUN = re.compile(
    r"\b(it|its|they|them|their|this|that|those|these|he|him|his|she|her|sie|er|ihn|ihm|dafür|dabei|davon|dazu|darin|damit"
    r"|daran|darauf|dort)\b|\bthe\s+[\w-]+\s+ones?\b|\b(?:then|dann)\W*$|"
    r"(?<!\bis )(?<!\bare )(?<!\bwas )(?<!\bwere )\bthere\b(?!\s+(?:is|are|was|were)\b)|(?<!\bgibt )\bes\b(?!\s+gibt\b)",
    re.I,
)
# '수행 기간은요?', '2호는요?', '업력이 딱 7년이면요?': the subject is left to the conversation.
_ELLIPSIS = re.compile(r"(?:(?:은|는|이면|면)요\s*[?？]*|[은는]\s*[?？]+)\s*$")
# '그 1%는 …', '이 사업은 …', '그7곳 …': a determiner pointing back (Kiwi's MM), not '그린' or '이번'.
_POINTING_DETERMINERS = {"그", "이", "저", "해당", "그런", "이런", "저런"}
# 'Can cities apply too?', 'Gilt das auch für Städte?': asked as well as what came before.
_ALSO = re.compile(r"\b(?:too|also|as\s+well|either|auch)\b", re.I)
# 'R&D 쪽은 얼마예요?': the other side of what was asked.
_SIDE = re.compile(r"\S\s*쪽(?:은|는|도)(?=\s|[?？]|$)")
_EDGE = re.compile(r"^[\"'(\[]+|[\"')\].,?!:;？]+$")
_TARGET_YEAR = re.compile(r"((?:19|20)\d{2})\s*년?\s*까지|\b(?:by|bis|until|till)\s+((?:19|20)\d{2})\b", re.I)
# Kiwi tags of the Korean words a topic is made of: nouns and numbers.
_TOPIC_TAGS = {"NNG", "NNP", "NR", "SN", "SH"}
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")
# Saying the subject changes: '아 그건 됐고요, …', 'by the way, …', 'unrelated, but …'.
_CHANGE = re.compile(
    r"됐고|그건\s*그렇고|그건\s*그렇다\s*치고|다른\s*(?:질문|얘기|이야기)|\bby\s+the\s+way\b|\banyway\b|\bbtw\b|"
    r"\bunrelated\b|\bswitch(?:ing)?\s+(?:topics?|subjects?)\b|\bnew\s+topic\b|\b(?:another|different|other)\s+(?:question|topic|thing)\b|übrigens|andere\s+frage"
    r"|andere[sn]?\s+thema|themenwechsel|주제를?\s*바꿔",
    re.I,
)
# Thanks and acknowledgements that open a follow-up without being part of it: '감사합니다. 경북은 어떤 업종이에요?'.
_ACKNOWLEDGEMENT = re.compile(
    r"^\s*(?:(?:아|오|네|넵|예|음|ㅇㅋ|오케이|감사합니다|감사해요|고맙습니다|고마워요|그렇군요|알겠습니다|알겠어요|좋아요|"
    r"ok(?:ay)?|thanks|thank\s+you|got\s+it|great|cool|i\s+see|never\s*mind|nvm|danke|alles\s+klar|gut)(?:[\s,.!~]+|$))+",
    re.I,
)
# Asking for the answer's language is no part of the question: 'in english pls - when can we apply?', '영어로 알려줘'.
_LANGUAGE_REQUEST = re.compile(
    r"\b(?:in|auf)\s+(?:english|korean|german|englisch|koreanisch|deutsch)\b(?:\s+(?:pls|plz|please|bitte))?[\s,.:;!-]*"
    r"|(?:영어|한국어|한글|독일어)로\s*(?:(?:답|대답|설명)해\s*(?:줘|주세요)|알려\s*(?:줘|주세요)|부탁(?:해요|합니다))?[\s,.:;!-]*",
    re.I,
)
_WHAT_ABOUT = re.compile(
    r"^\s*(?:and\s+)?(?:what|how)\s+about\b|^\s*und\s+(?:was\s+ist\s+mit|bei)\b|^\s*and\s+(?:the|for)\b", re.I
)
# A name in an English turn: a capitalised word after the first ('the KOSME call centre', 'in Seoul').
_NAME = re.compile(r"(?<=\s)(?!I\b)[A-Z][\w.&-]*|\b[A-Z]{2,}\b")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z\d.&-]*")
_ACRONYM = re.compile(r"\b[A-Z][A-Z\d.&]*[A-Z\d]\b")
_EVERYWHERE = re.compile(r"AI|KI|A\.I\.")
_DEFINITE = re.compile(r"\bthe\b", re.I)
_DEFINITE_DE = re.compile(r"\b(?:der|die|das|den|dem|des)\b", re.I)
_GERMAN_NAME = re.compile(r"[A-Z]{2,}|\d")
# Company facts a follow-up may swap for the previous question's: '경기도 회사는요?', 'and a large company?'.
_SWAPPED_FACTS = ("region", "size_class")
# An elliptical re-ask is short: '그럼 글로벌 혁신특구는요?'; a longer turn asks something of its own.
MAX_REASK_WORDS = 6
# A turn naming at most this many words of its own (beyond GENERIC) is too thin to stand alone.
MAX_OWN_WORDS = 2
MAX_TOPIC_WORDS = 6
# A corrected word this long also takes back the compounds it ends ('Modelle' of 'KI-Kooperationsmodelle').
MIN_COMPOUND_END = 4


class Rewrite(NamedTuple):
    """A turn's standalone form and who made it: 'llm', 'rules', or '' when the turn stood as it was."""

    text: str
    by: str
    # What the answer must be about: the turn's own words with the program the conversation is about, without
    # the rest of the topic carried over ('' when that is the standalone form itself).
    focus: str = ""


class FollowUpRewriter:
    """Rewrites a follow-up into a standalone question from the user's earlier turns and the assistant's answers."""

    def __init__(
        self, tokenizer: Tokenizer, name_programs: Callable[[str], tuple[str, ...]],
        names_subject: Callable[[str], bool] = lambda text: False,
    ) -> None:
        """names_subject: whether a text names a thing of its own that is not a program ('등대공장', the glossary's)."""
        self._tokenizer = tokenizer
        self._name_programs = name_programs
        self._names_subject = names_subject
        self._profiles = ProfileReader(tokenizer, name_programs)

    def rewrite(self, text: str, history: Sequence[str], replies: Sequence[str] = ()) -> str:
        """The standalone form of a turn (the turn itself when it stands alone or nothing came before). history: the
        user's earlier turns, oldest first; replies: the assistant's answers, oldest first."""
        return self.traced(text, history, replies).text

    def traced(self, text: str, history: Sequence[str], replies: Sequence[str] = ()) -> Rewrite:
        """The standalone form of a turn, who made it, and what the answer must be about."""
        previous = ""
        # Each earlier turn made standalone in turn, so topics carry over several turns; its pointer goes into the
        # answers given before it (the i-th user turn follows the first i answers).
        for i, earlier in enumerate(history):
            if not (previous and self._tells_facts(earlier)):
                previous = self._standalone(*self._pointed(earlier, replies[:i]), previous)[0]
                # Asked whether something exists, the answer named it, and the next turn is about it.
                new = introduced(replies[i]) if i < len(replies) and asks_if_there_is(earlier) else ""
                previous = f"{new} {previous}" if new and new.lower() not in previous.lower() else previous
        standalone, focus = self._standalone(*self._pointed(text, replies), previous)
        return Rewrite(standalone, "rules" if standalone != text else "", focus if focus != standalone else "")

    def point(self, text: str, replies: Sequence[str]) -> str:
        """The turn with a pointer to an item the assistant listed ('두 번째 건', 'the first one') replaced by that
        item's words, from the latest answer that lists that far; the turn as it was when none does."""
        return self._pointed(text, replies)[0]

    def _pointed(self, text: str, replies: Sequence[str]) -> tuple[str, bool]:
        """The turn with its pointer resolved, and whether it still leans on the conversation: a short item that is
        not a program belongs to the topic it was listed under ('the first one' of the five growth measures, '두 번째
        지역'); a program or a longer item names itself ('that last one' of the AI programmes)."""
        found = pointer(text) if replies else None
        if not found:
            return text, False
        start, end, position = found
        for reply in reversed(replies):
            items = listed(reply, self._tokenizer)
            if len(items) >= 2 and position < len(items):
                words = " ".join(self.topic_words(items[position], everything=True)) or items[position]
                pointed = f"{text[:start]}{words}{with_particle(words, text[end:])}".strip()
                return pointed, len(words.split()) <= MAX_OWN_WORDS and not self._name_programs(words)
        return text, False

    def needs_context(self, text: str) -> bool:
        """Whether a turn leans on the conversation for what it is about."""
        text = _own_words(text)
        if _CHANGE.search(text):
            return False
        named = bool(self._name_programs(text))
        if correction(text) or named and _asks_again(text):
            return True
        if named:
            return False
        if _OPENING.match(text) or _PRONOUN.search(text) or _ELLIPSIS.search(text):
            return True
        if _nameless_reference(text) and not self._names_subject(text):  # 'the National Growth Fund' names one
            return True
        if _SIDE.search(text) or _ALSO.search(text) or self._points_back(text) or self._adds_to(text):
            return True
        # A question naming no program or other name, asked in a conversation about one, is about it ('최종
        # 의결하는 위원회 위원장은 누구예요?' after the designation procedure); a request with words of its own may be new.
        return asks_something(text) and not self._names_something(text) or len(self._content(text)) <= MAX_OWN_WORDS

    def _names_something(self, text: str) -> bool:
        """Whether a turn gives its subject a name other than a region's (which a follow-up swaps): a subject the
        glossary knows ('등대공장'); a word in Latin script in a Korean turn ('RE100', 'AI 팩토리'); a capitalised word or
        an acronym in an English one, an acronym in a German one (every German noun is capitalised), but not 'AI' or
        'KI' there, which every document is about."""
        if self._names_subject(text):
            return True
        language = detect_language(text)
        if language == "ko":
            names = _LATIN_WORD.findall(text)
        else:
            names = [n for n in (_ACRONYM if language == "de" else _NAME).findall(text) if not _EVERYWHERE.fullmatch(n)]
        return any("region" not in self._kinds(name) for name in names)

    def _points_back(self, text: str) -> bool:
        """Whether a Korean turn opens with a determiner pointing back ('그 1%는', '이 사업은', '이런 전략은')."""
        # After a conjunctive adverb ('근데 이런 전략은 …').
        first = next((m for m in self._tokenizer.morphemes(text) if m.tag != "MAJ"), None)
        return first is not None and first.tag == "MM" and first.form in _POINTING_DETERMINERS

    def _asks_its_own(self, text: str) -> bool:
        """Whether a turn names something to ask about beyond programs and numbers ('… 문의 전화번호 있어요?', not
        '2025년 AI트랙은 얼마였어요?')."""
        words = self.topic_words(text)
        named = self._program_words(words)
        return any(w not in named and not any(ch.isdigit() for ch in w) for w in words)

    def _adds_to(self, text: str) -> bool:
        """Whether a Korean turn asks about something as well as what came before ('기초지자체도 신청할 수 있어요?',
        '세금 감면 같은 것도 있어요?'): the particle 도 after a noun."""
        morphemes = self._tokenizer.morphemes(text)
        return any(
            m.tag == "JX" and m.form == "도" and before.tag.startswith("N") for before, m in zip(morphemes, morphemes[1:])
        )

    def _tells_facts(self, text: str) -> bool:
        """Whether a turn only tells company facts, answering the assistant rather than asking ('청주 식품
        제조업체고 직원은 7명이에요', "We're a car parts maker in Ulsan")."""
        return not asks_something(text) and not self._name_programs(text) and bool(self._profiles.read(text).known())

    def _standalone(self, text: str, pointed: bool, previous: str) -> tuple[str, str]:
        """The turn made standalone from the previous question, and its focus (see Rewrite)."""
        if not previous or not (pointed or self.needs_context(text)):
            own = _own_words(text)
            setting = self._setting(own, previous) if previous else ""
            if not setting:
                return text, text
            standalone = f"{setting} {_OPENING.sub('', own, count=1)}"
            return standalone, standalone
        text = _own_words(text)
        corrects = correction(text)
        meant = corrects.meant if corrects else ""
        # '그거 말고 제조데이터 상품가공 사업 문의 전화번호 있어요?': a question of its own about another program is new;
        # '올해 거 말고 2025년 AI트랙은 얼마였어요?' about the same program corrects the year of the previous question.
        other_program = set(self._name_programs(meant)) - set(self._name_programs(previous))
        if other_program and asks_something(meant) and not _asks_again(meant) and self._asks_its_own(meant):
            return meant, meant
        own = _OPENING.sub("", meant or text, count=1).strip() or text
        again = _asks_again(text)
        earlier = self.topic_words(previous, everything=again or bool(corrects))
        gone = self._replaced(own, earlier, again)
        gone |= self._corrected(corrects.corrected, earlier) if corrects else set()
        # Asked again about a subject of its own: what the previous question asked comes along, generic words too.
        reasks = bool(corrects) or again and bool(gone or self._name_programs(own))
        if again and not reasks:
            earlier = self.topic_words(previous)
        own_words = {w.lower() for w in own.split()}
        kept = [w for w in earlier if w not in gone and w.lower() not in own_words]
        if reasks or pointed:  # the turn's own subject first, so that a later follow-up's topic starts with it
            standalone = " ".join([own, *kept]).strip()
            return standalone, standalone
        if not kept:
            return text, text
        # The program's words and what singles it out (a year, a region) are what the answer must be about; the
        # rest of the earlier question ('통합공고 과제') pulls the reader to the sentences that answered it.
        program = self._program_words(earlier)
        focus = [w for w in kept if w in program or self._kinds(w)] if program else kept
        return " ".join([*kept, own]), " ".join([*focus, own])

    def _setting(self, own: str, previous: str) -> str:
        """The year and region of the conversation that a turn (its own words) opening with a connective and naming a
        program of its own stays in ('그럼 긴급경영안정자금은 얼마나 배정됐어요?' after '2026년 정책자금 신청은 …'): the
        previous question's words of a kind the turn does not name itself."""
        if not _OPENING.match(own) or _CHANGE.search(own) or not self._name_programs(own):
            return ""
        named = self._kinds(own)
        # A year the previous question set as a target ('bis 2030', '2030년까지') is not the conversation's year.
        targets = {int(y) for found in _TARGET_YEAR.findall(previous) for y in found if y}
        return " ".join(
            w for w in self.topic_words(previous)
            if (kinds := self._kinds(w) & {"number", "region"}) and not kinds & named
            and ("region" in kinds or years(w) - targets)
        )

    def _replaced(self, own: str, earlier: list[str], asked_again: bool) -> set[str]:
        """The previous question's words that the turn's own words stand in for: those of a kind the turn names
        (a program, a number, a region …), and, when the turn asks the previous question again about its subject,
        siblings sharing the subject's head noun ('산불' of '산불 피해' for '호우 피해', '긴급경영안정자금' for
        '창업기 자금')."""
        kinds = self._kinds(own)
        gone = self._program_words(earlier) if self._name_programs(own) else set()
        if kinds:
            gone |= {w for w in earlier if kinds & self._kinds(w)}
        if not asked_again:
            return gone
        subject = self.topic_words(own, everything=True)
        head = self._head(subject[-1]) if subject else ""
        if not head or subject == [head]:  # a bare head ('자금은요?') asks about another side
            return gone
        for i, word in enumerate(earlier):
            if self._head(word) != head:
                continue
            if word.lower() != head:
                gone.add(word)  # a compound with the same head: '긴급경영안정자금' for '창업기 자금'
            elif i and self._content(earlier[i - 1]) and self._head(earlier[i - 1]) != head:
                gone.add(earlier[i - 1])  # the word modifying the shared head: '산불' of '산불 피해'
        return gone

    def _head(self, word: str) -> str:
        """The noun a word ends in ('긴급경영안정자금' → '자금'); a Latin-script word is its own head."""
        nouns = [m.form for m in self._tokenizer.morphemes(word) if m.tag in ("NNG", "NNP")]
        return nouns[-1].lower() if nouns and not _LATIN.match(word) else word.lower()

    def _corrected(self, corrected: str, earlier: list[str]) -> set[str]:
        """The previous question's words a correction takes back: the ones it repeats, or its subject when the
        correction points back to it ('그거 말고')."""
        if POINTER.match(corrected):
            return self._program_words(earlier) or {w for w in earlier if self._content(w)}
        named = {w.lower() for w in self.topic_words(corrected, everything=True)}
        return {
            w for w in earlier
            if w.lower() in named or any(w.lower().endswith(n) for n in named if len(n) >= MIN_COMPOUND_END)
        }

    def _program_words(self, words: list[str]) -> set[str]:
        """The words that make up the names of programs: without one of them, the words name other programs."""
        named = self._name_programs(" ".join(words))
        if not named:
            return set()
        return {w for i, w in enumerate(words) if self._name_programs(" ".join(words[:i] + words[i + 1:])) != named}

    def _kinds(self, text: str) -> set[str]:
        """The kinds of thing a text names that a follow-up may swap: a number ('2호' for '1호', '2026년' for
        '2025년'), a region, a company size."""
        kinds = {"number"} if any(ch.isdigit() for ch in text) else set()
        known = self._profiles.read(text).known()
        return kinds | {name for name in _SWAPPED_FACTS if name in known}

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


def _own_words(text: str) -> str:
    """A turn without the acknowledgement before it and any request for the answer's language ('ok thanks, in
    english pls - when can we apply?' → 'when can we apply?'); the turn itself when nothing else is left."""
    return _LANGUAGE_REQUEST.sub("", _ACKNOWLEDGEMENT.sub("", text, count=1)).strip() or text


def _asks_again(text: str) -> bool:
    """Whether a turn has the form of the previous question asked again: short, elliptical ('…는요?') or 'what
    about …'."""
    short = len(text.split()) <= MAX_REASK_WORDS
    return short and bool(_WHAT_ABOUT.match(text) or _ELLIPSIS.search(text))


def _nameless_reference(text: str) -> bool:
    """Whether an English or German turn refers to something with 'the' while naming nothing itself ('What standards
    must the project apply?', 'Wo soll der Pilotpark gebaut werden?'): a new subject comes with a name ('the KOSME
    call centre'; in German, where every noun is capitalised, an acronym or a number: 'der RE100-Industriepark')."""
    language = detect_language(text)
    if language == "de":
        return bool(_DEFINITE_DE.search(text)) and not _GERMAN_NAME.search(text)
    short = len(text.split()) <= MAX_REASK_WORDS  # 'how much per project tho?' names nothing either
    return language == "en" and (short or bool(_DEFINITE.search(text))) and not _NAME.search(text)
