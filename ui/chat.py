"""One chat turn: the desk's events rendered as chat messages and the sources panel, and what the UI keeps of each
answer (its sources and its inquiry id, for feedback). It renders what the desk yields and holds no answer logic."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from assistant.answer import Delta
from assistant.inquiries import InquiryDesk, Logged
from assistant.pii import mask
from assistant.profile import Profile
from assistant.question import QuestionError
from assistant.schema import Answer, Utterance
from assistant.service import Answered, Retrieved
from assistant.store_errors import StoreUnavailable

from .sources import anchor, render_sources
from .strings import text

log = logging.getLogger(__name__)

SHOWN_QUESTION_CHARS = 500
# Earlier messages kept per conversation: enough for the facts a user gives over a few turns.
KEPT_TURNS = 10
_INLINE_SPECIALS = re.compile(r"[\\`*_\[\]<>|~$]|&(?=#?\w+;)")
_LINE_START_SPECIALS = re.compile(r"^([ \t]*(?:\d+)?)([#+=.)-])", re.MULTILINE)  # headings, lists, rules
_ESCAPED_MARKER = re.compile(r"\\\[(\d+)\\\]")

Message = dict[str, Any]


@dataclass(frozen=True)
class Turn:
    """An answer shown in the chat: the answer (its sources) and where it was logged (for feedback)."""

    answer: Answer
    inquiry_id: int | None = None


@dataclass(frozen=True)
class View:
    """The chat after an event: its messages, the sources panel, the user's earlier messages (masked), the answers
    by message index, and the message the sources panel and feedback are about."""

    messages: list[Message] = field(default_factory=list)
    sources: str = ""
    asked: list[str] = field(default_factory=list)
    turns: dict[int, Turn] = field(default_factory=dict)
    selected: int | None = None

    @property
    def rateable(self) -> bool:
        """Whether the selected answer can be rated (it is in the inquiry log)."""
        turn = self.turns.get(self.selected) if self.selected is not None else None
        return turn is not None and turn.inquiry_id is not None


def escape(value: str) -> str:
    """Make untrusted text render literally in Markdown: backslash-escape HTML and Markdown syntax, nothing more.

    Backslashes rather than HTML entities keep the text readable where Gradio shows it raw (aria-labels, copy).
    """
    value = _INLINE_SPECIALS.sub(lambda m: "\\" + m.group(0), value)
    return _LINE_START_SPECIALS.sub(r"\1\\\2", value)


def shown_question(question: str) -> str:
    """The user's question as shown in the chat: personal data masked, escaped, whitespace collapsed, very long
    text shortened."""
    shown = mask(" ".join((question or "").split()))[0]
    if len(shown) > SHOWN_QUESTION_CHARS:
        shown = shown[:SHOWN_QUESTION_CHARS] + "…"
    return escape(shown)


def shown_answer(answer: Answer, message: int) -> str:
    """The answer as shown in the chat: its text with each [n] linked to its entry in the sources panel, and its
    note (guidance not drawn from the documents) below."""
    numbers = {citation.number for citation in answer.citations}

    def link(marker: re.Match) -> str:
        n = int(marker.group(1))
        if n not in numbers:
            return marker.group(0)
        return f'<a class="cite" href="#{anchor(message, n)}">[{n}]</a>'

    shown = _ESCAPED_MARKER.sub(link, escape(answer.text))
    return shown + (f"\n\n{escape(answer.note)}" if answer.note else "")


def found_status(count: int, language: str) -> str:
    """The status line after retrieval: how many passages were found."""
    return text("found", language, count=count) if count else text("found_none", language)


def select(turns: dict[int, Turn], message: int, language: str) -> tuple[str, bool] | None:
    """The sources panel for a chat message the user picked, and whether that answer can be rated; None when the
    message is not an answer."""
    turn = turns.get(message)
    return None if turn is None else (render_sources(turn.answer, language, message), turn.inquiry_id is not None)


def respond(
    desk: InquiryDesk, question: str, history: list[Message] | None, asked: list[str] | None = None,
    turns: dict[int, Turn] | None = None, profile: Profile | None = None, language: str = "ko", session: str = "",
) -> Iterator[View]:
    """Stream one turn as the desk's events arrive. asked: the user's earlier messages as typed (the chat shows them
    escaped); a cleared chat starts a new conversation. profile: the company facts of the profile panel."""
    history = list(history or [])
    earlier = list(asked or [])[-KEPT_TURNS:] if history else []
    answers = dict(turns or {}) if history else {}
    kept = earlier
    # The earlier questions, each followed by its answer where there was one: 'the second one' may point into them.
    replies = [answers[k].answer.text for k in sorted(answers)][-len(earlier):] if earlier else []
    conversation = [Utterance(role, said) for pair in zip_longest(earlier, replies) for role, said in
                    zip(("user", "assistant"), pair) if said]
    if question and question.strip():
        history.append({"role": "user", "content": shown_question(question)})
        kept = [*earlier, mask(question)[0]]  # the conversation is kept without personal data
    message = len(history)  # where the reply goes

    def view(reply: str, sources: str, selected: int | None = None) -> View:
        return View([*history, {"role": "assistant", "content": reply}], sources, kept, dict(answers), selected)

    searching = text("searching", language)
    yield view(searching, render_sources(None, language, status=searching))
    written = ""  # an answer being written (LLM), shown as it grows; the final answer replaces it
    answer = None
    try:
        for event in desk.stream(question or "", conversation, profile, channel="chat", session=session):
            if isinstance(event, Retrieved):
                status = found_status(len(event.hits), language)
                yield view(status, render_sources(None, language, status=status))
            elif isinstance(event, Delta):
                written += event.text
                yield view(escape(written), render_sources(None, language, status=text("writing", language)))
            elif isinstance(event, Answered):
                answer = event.answer
                answers[message] = Turn(answer)
                yield view(shown_answer(answer, message), render_sources(answer, language, message), message)
            elif isinstance(event, Logged) and answer is not None:
                answers[message] = Turn(answer, event.inquiry_id)
                yield view(shown_answer(answer, message), render_sources(answer, language, message), message)
    except QuestionError as exc:
        yield view(text("cannot_ask", language, reason=escape(str(exc))), render_sources(None, language))
    except StoreUnavailable as exc:  # the index server is away: say so (in both languages); the next turn retries
        log.warning("index server unavailable: %s", exc)
        yield view(escape(str(exc)), render_sources(None, language))
    except Exception:  # the page must survive a failing backend; the details go to the log
        log.exception("answering failed")
        if answer is None:  # an answer already shown stays (unrated when it could not be logged)
            yield view(text("sorry", language), render_sources(None, language))
