"""Follow-ups made standalone by the chat model when one is configured (answer.generator='llm'), checked before use.

The rules (assistant/followup.py) decide whether a turn leans on the conversation at all; only such a turn is shown
to the model, since asking about a standalone question costs a round trip and invites a small model to invent. The
model's rewrite is used only when it is one line of sensible length, in the follow-up's language, different from the
follow-up, keeps the follow-up's own content and question words, and adds only words the conversation holds;
otherwise, and when the model fails or is late, the rules' rewrite stands.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .config import LLMSettings
from .followup import FollowUpRewriter, Rewrite
from .text import QUESTION_WORD, detect_language
from .tokens import Tokenizer

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

SYSTEM_PROMPT = """You rewrite the last message of a conversation about Korean government support programs into \
one standalone question.
Rules:
- Write it in the language of the last message.
- Add only words from the earlier messages: the topic the last message leaves out.
- Output only the question, on one line, without quotes or explanations."""
# One worked example: without it a small model (SmolLM2-135M) answers or explains instead of rewriting.
EXAMPLE = (
    ["창업도약패키지는 누가 신청할 수 있나요?"], "그럼 지원 금액은요?", "창업도약패키지 지원 금액은요?",
)
# The earlier turns shown to the model: the topic of a follow-up lies in the last few.
HISTORY_TURNS = 4
# A rewrite longer than this many times the follow-up and the previous question together has invented something.
MAX_LENGTH_RATIO = 3
# A standalone question needs few tokens (a Korean one more than its characters: small models' vocabularies split
# Hangul finely); the bound also ends a model that rambles.
MAX_TOKENS = 96
_QUOTES = "\"'“”‘’「」『』`"


class LLMFollowUpRewriter:
    """Has a chat model rewrite follow-ups the rules recognise, and keeps the rules' rewrite when the model's fails."""

    def __init__(
        self, rules: FollowUpRewriter, chat_model: BaseChatModel, settings: LLMSettings, tokenizer: Tokenizer
    ) -> None:
        self._rules = rules
        self._model = chat_model
        self._settings = settings
        self._tokenizer = tokenizer

    def rewrite(self, text: str, history: Sequence[str], replies: Sequence[str] = ()) -> str:
        """The standalone form of a turn (the turn itself when it stands alone or nothing came before)."""
        return self.traced(text, history, replies).text

    def traced(self, text: str, history: Sequence[str], replies: Sequence[str] = ()) -> Rewrite:
        """The standalone form of a turn and who made it. A pointer into the assistant's list ('the second one') is
        the rules' to resolve: the model sees the item it points to."""
        pointed = self._rules.point(text, replies)
        if not history or not self._rules.needs_context(pointed):
            return Rewrite(pointed, "rules" if pointed != text else "")
        try:
            written = self._ask(_messages(pointed, history[-HISTORY_TURNS:]))
        except Exception as error:  # unreachable, late or failing model: the rules' rewrite stands in
            log.warning("LLM rewrite failed (%s: %s); using the rules'", type(error).__name__, error)
            return self._rules.traced(text, history, replies)
        written = written.strip().strip(_QUOTES).strip()
        problem = self._problem(written, pointed, history)
        if problem:
            log.info("LLM rewrite %r refused (%s); using the rules'", written, problem)
            return self._rules.traced(text, history, replies)
        return Rewrite(written, "llm")

    def _problem(self, written: str, text: str, history: Sequence[str]) -> str | None:
        """Why the model's rewrite of a follow-up may not be used, or None when it may."""
        if not written:
            return "empty"
        if "\n" in written:
            return "more than one line"
        if written == text:
            return "the follow-up unchanged"
        if len(written) > MAX_LENGTH_RATIO * (len(text) + len(history[-1])):
            return "too long"
        if detect_language(written) != detect_language(text):
            return f"in {detect_language(written)}, not {detect_language(text)}"
        words = self._words(written)
        if dropped := [w for w in self._words(text) if w not in words]:  # it must still ask what the follow-up asks
            return f"the follow-up's words left out: {', '.join(dropped)}"
        known = set(self._words(" ".join([*history, text])))
        if invented := [w for w in words if w not in known]:
            return f"words not in the conversation: {', '.join(invented)}"
        return None

    def _words(self, text: str) -> list[str]:
        """The words of a text that say what it asks, each once: its search tokens (content words) and its question
        words ('언제', 'who'), which search leaves out but which decide what is asked."""
        questions = [m.group().lower() for m in QUESTION_WORD.finditer(text)]
        return list(dict.fromkeys(self._tokenizer.tokens(text) + questions))

    def _ask(self, messages: list[tuple[str, str]]) -> str:
        """The model's reply; TimeoutError past the rewrite deadline, or the model's own error.

        The model runs in a thread so that a server that stops answering cannot hold the question past the deadline.
        """
        replies: queue.Queue = queue.Queue(maxsize=1)
        threading.Thread(target=self._invoke, args=(messages, replies), daemon=True, name="llm-rewrite").start()
        limit = self._settings.rewrite_timeout_s
        try:
            reply = replies.get(timeout=limit)
        except queue.Empty:
            raise TimeoutError(f"no rewrite within {limit:g} s") from None
        if isinstance(reply, BaseException):
            raise reply
        return reply

    def _invoke(self, messages: list[tuple[str, str]], replies: queue.Queue) -> None:
        try:
            replies.put(str(self._model.invoke(messages).text))
        except Exception as error:  # handed to the caller, which decides what a failure means
            replies.put(error)


def _messages(text: str, history: Sequence[str]) -> list[tuple[str, str]]:
    example_history, example_text, example_rewrite = EXAMPLE
    return [
        ("system", SYSTEM_PROMPT),
        ("human", _conversation(example_text, example_history)),
        ("ai", example_rewrite),
        ("human", _conversation(text, history)),
    ]


def _conversation(text: str, history: Sequence[str]) -> str:
    earlier = "\n".join(f"- {turn}" for turn in history)
    return f"Earlier messages:\n{earlier}\n\nLast message: {text}\n\nStandalone question:"


def make_llm_rewriter(settings: LLMSettings, rules: FollowUpRewriter, tokenizer: Tokenizer) -> LLMFollowUpRewriter:
    """The rewriter over the chat model of the settings, whose own client gives up at the rewrite deadline."""
    from .llm import make_chat_model  # here, not above: assistant.llm imports the question module, which imports this

    model_settings = settings.model_copy(
        update={"timeout_s": settings.rewrite_timeout_s, "max_tokens": MAX_TOKENS}
    )
    return LLMFollowUpRewriter(rules, make_chat_model(model_settings), settings, tokenizer)
