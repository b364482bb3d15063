"""The user's turn, parsed once: cleaned text, language, the parts it asks, and its expanded search terms.

Every later stage reads this object instead of detecting the language or splitting the question again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .eligibility_reader import Eligibility, EligibilityReader
from .glossary import Query, QueryExpander
from .text import clean, detect_language, split_question


class QuestionError(ValueError):
    """A question that cannot be asked as given (empty, too long); the message is shown to the user."""


@dataclass(frozen=True)
class Question:
    """A question as the pipeline sees it."""

    text: str
    language: str  # 'ko', 'en' or 'de'
    query: Query  # search terms, with glossary translations and spelling corrections
    parts: tuple[Question, ...] = ()  # a question that asks two things ('A와 B는 각각 몇 개?'): each as its own
    # Whether it asks if the user's company qualifies, for which programs, and the company as told so far.
    eligibility: Eligibility = field(default_factory=lambda: Eligibility(False))

    def each_part(self) -> tuple[Question, ...]:
        """The things asked: the parts, or the question itself."""
        return self.parts or (self,)


def parse_question(
    text: str,
    expander: QueryExpander,
    max_chars: int,
    eligibility: EligibilityReader | None = None,
    history: Sequence[str] = (),
) -> Question:
    """Clean and check a question, then parse it; raise QuestionError (in both languages) when it cannot be asked.
    history: the user's earlier messages in this conversation, oldest first."""
    text = " ".join(clean(text or "").split())
    if not text:
        raise QuestionError("질문을 입력해 주세요. / Please type a question.")
    if len(text) > max_chars:
        raise QuestionError(
            f"질문이 너무 깁니다({len(text)}자, 최대 {max_chars}자). / The question is too long ({len(text)} characters; at most {max_chars})."
        )
    language = detect_language(text)
    parts = split_question(text)
    own = tuple(Question(p, language, expander.expand(p)) for p in parts) if len(parts) > 1 else ()
    about = eligibility.read(text, history) if eligibility else Eligibility(False)
    return Question(text, language, expander.expand(text), own, about)
