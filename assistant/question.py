"""The user's turn, parsed once: cleaned and masked text, its standalone form, language, the parts it asks, its
expanded search terms, the kind of value it asks for, an outcome decided before any search, and what it says about
eligibility.

Every later stage reads this object instead of detecting the language or splitting the question again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from .eligibility_reader import Eligibility, EligibilityReader
from .followup import FollowUpRewriter
from .glossary import Query, QueryExpander
from .llm_rewrite import LLMFollowUpRewriter
from .numbers import years
from .pii import mask
from .profile import Profile
from .router import Router
from .routing import GENERIC, PRESUMED, is_vague
from .schema import Utterance
from .text import asks_something, clean, detect_language, split_question
from .tokens import Tokenizer
from .wanted import wanted


class QuestionError(ValueError):
    """A question that cannot be asked as given (empty, too long); the message is shown to the user."""


@dataclass(frozen=True)
class Question:
    """A question as the pipeline sees it."""

    text: str  # standalone: a follow-up rewritten from the conversation, personal data masked
    language: str  # 'ko', 'en' or 'de'
    query: Query  # search terms, with glossary translations and spelling corrections
    parts: tuple[Question, ...] = ()  # a question that asks two things ('A와 B는 각각 몇 개?'): each as its own
    # Whether it asks if the user's company qualifies, for which programs, and the company as told so far.
    eligibility: Eligibility = field(default_factory=lambda: Eligibility(False))
    typed: str = ""  # the turn as the user typed it (personal data masked)
    outcome: str | None = None  # decided before any search: guardrail, harmful, small_talk, out_of_scope, clarification
    personal_data: tuple[str, ...] = ()  # kinds of personal data masked out of the turn
    rewritten_by: str = ""  # who made a follow-up standalone: 'rules' or 'llm' ('' when the turn stood alone)
    wants: frozenset[str] = frozenset()  # kinds of value it asks for ('date', 'count', ...): what an answer must hold
    years: frozenset[int] = frozenset()  # the years it is about ('2024년 TIPS'): an answer about another year is not one
    # A follow-up's own words with the program the conversation is about, which the reader judges sentences against:
    # the rest of the topic carried over helps search but draws the reader to the sentences that answered it.
    focus: Question | None = None

    def each_part(self) -> tuple[Question, ...]:
        """The things asked: the parts, or the question itself."""
        return self.parts or (self,)


class QuestionParser:
    """Parses a user's turn once: checks it, masks personal data, routes what needs no search, makes a follow-up
    standalone, and reads eligibility questions and profile facts. Without a router, a rewriter and an eligibility
    reader (baselines, tuning scripts) every turn is a standalone question for the documents."""

    def __init__(
        self,
        expander: QueryExpander,
        max_chars: int,
        eligibility: EligibilityReader | None = None,
        rewriter: FollowUpRewriter | LLMFollowUpRewriter | None = None,
        tokenizer: Tokenizer | None = None,
        router: Router | None = None,
    ) -> None:
        self._expander = expander
        self._max_chars = max_chars
        self._eligibility = eligibility
        self._rewriter = rewriter
        self._tokenizer = tokenizer
        self._router = router

    def parse(self, text: str, history: Sequence[Utterance] = (), profile: Profile | None = None) -> Question:
        """history: the earlier messages of this conversation, oldest first (the user's, and the assistant's answers
        that a follow-up may point into: 'the second one'); profile: company facts the user gave outside the chat
        (the UI's profile panel), which the conversation's own facts override. Raises QuestionError (in both
        languages) for a turn that cannot be asked."""
        text = _tidy(text)
        if not text:
            raise QuestionError("질문을 입력해 주세요. / Please type a question.")
        if len(text) > self._max_chars:
            raise QuestionError(
                f"질문이 너무 깁니다({len(text)}자, 최대 {self._max_chars}자). / The question is too long "
                f"({len(text)} characters; at most {self._max_chars})."
            )
        text, personal = mask(text)
        # The user's earlier turns, and the assistant's answers that 'the second one' points into.
        asked, replies = (_said(history, role) for role in ("user", "assistant"))
        language = detect_language(text)
        outcome = self._router.route(text) if self._router else None
        if outcome == "small_talk" and asked and self._asks_about_support(text):
            outcome = None  # '금리는요?' after a question about a loan is a follow-up, however short
        about = Eligibility(False)
        standalone, rewritten_by, focus = text, "", ""
        if outcome is None and self._eligibility:
            about = self._eligibility.read(text, asked, profile or Profile())
            standalone = f"{about.continues} {text}" if about.continues else text
        # A presumed off-topic turn is still searched, so it needs its standalone form as much as any other.
        if outcome in (None, PRESUMED) and not about.asked and self._rewriter:
            standalone, rewritten_by, focus = self._rewriter.traced(text, asked, replies)
            if outcome is None and standalone == text and self._tokenizer and is_vague(self._tokenizer.tokens(text)):
                outcome = "clarification"
        question = self._question(standalone, language)
        # A question the router's classifier finds somewhat off-topic, without a word of support programs ('Geld',
        # '금리'), and none of whose words, or not every Korean name in which, the corpus or the glossary knows ('How
        # tall is Mount Everest?', '에베레스트산 높이는?'), is presumed off-topic, which the documents can still
        # overturn: the reader on its own rates some passage as answering anything, and a question in a language the
        # documents are not written in shares no word with them either.
        terms = question.query.terms
        if outcome is None and self._router and not about.asked and not any(t in GENERIC for t in terms):
            if not self._expander.knows(question.query) and self._router.leans_off_topic(text):
                outcome = PRESUMED
        return replace(
            question, eligibility=about, typed=text, outcome=outcome,
            personal_data=personal, rewritten_by=rewritten_by, focus=self._question(focus, language) if focus else None,
        )

    def _question(self, text: str, language: str) -> Question:
        """A standalone question for the documents, with the things it asks as parts."""
        parts = split_question(text)
        own = tuple(
            Question(p, language, self._expander.expand(p), wants=wanted(p), years=years(p)) for p in parts
        ) if len(parts) > 1 else ()
        return Question(text, language, self._expander.expand(text), own, wants=wanted(text), years=years(text))

    def _asks_about_support(self, text: str) -> bool:
        """Whether a turn asks something with a word every support program has ('금리', 'deadline'). A turn ending in
        an exclamation mark without a question mark exclaims: 'Thanks, exactly what I needed!' holds a question word
        and 'need', and asks nothing."""
        if text.rstrip().endswith(("!", "！")) and "?" not in text and "？" not in text:
            return False
        return asks_something(text) and self._tokenizer is not None and any(t in GENERIC for t in self._tokenizer.tokens(text))


def _said(history: Sequence[Utterance], role: str) -> list[str]:
    """What one side said in the conversation, oldest first, tidied and with personal data masked."""
    return [mask(turn)[0] for turn in (_tidy(u.content) for u in history if u.role == role) if turn]


def _tidy(text: str | None) -> str:
    """Clean text with its whitespace collapsed."""
    return " ".join(clean(text or "").split())


def parse_question(text: str, expander: QueryExpander, max_chars: int) -> Question:
    """A single turn parsed as a standalone question for the documents (no routing, no conversation)."""
    return QuestionParser(expander, max_chars).parse(text)
