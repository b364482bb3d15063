"""The optional LLM answer path: a chat model writes the answer from the best passages, streamed as it is written.

The reader has already decided whether the documents answer; the model only words the answer. Whenever it fails,
is late, or states a number or name that its cited passages do not contain, the extractive answer is given instead
(generator 'llm-fallback'; a model that failed or was late is named in the answer's note, in Korean and English).
The streamed Deltas are a preview: the final Answer is what the assistant says.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from typing import TYPE_CHECKING

from .answer import Delta, Generator
from .chunking import without_footnotes
from .config import LLMSettings, Settings
from .grounding import Claims, claims, markers, unsupported_claims
from .question import Question
from .reading import Reading
from .schema import Answer, Chunk, Citation, Hit
from .text import split_sentences

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"ko": "Korean", "en": "English", "de": "German"}
# What the model is told to say when the passages do not answer (and what _SAYS_NOT_FOUND recognises).
NOT_IN_PASSAGES = {
    "ko": "제공된 문서에는 이 질문에 대한 답이 없습니다.",
    "en": "The passages do not contain the answer.",
    "de": "Die Textstellen enthalten die Antwort nicht.",
}
SYSTEM_PROMPT = """You answer questions about Korean government support programs for small and medium-sized \
enterprises, using only the numbered passages the user gives you.
Rules:
- State only what the passages say. Add no number, name, date or program that is not in them.
- After each claim put the number of the passage it comes from in square brackets, like [1] or [2].
- Answer in {language}, even when the passages are in another language. Keep every number's value.
- If the passages do not contain the answer, reply only: {not_found}
- Be brief: at most three sentences."""
# A model's way of saying the passages do not answer, in any of the three languages.
_SAYS_NOT_FOUND = re.compile(
    r"(문서|자료|본문|지문)[^.。]{0,30}(없습니다|없다|않습니다|않는다|찾을 수 없|찾지 못)|(답|정보)[이가은는]?\s*없"
    r"|\b(passages?|documents?|texts?|sources?|context)\b[^.]{0,40}\b(do|does|did) not\b"
    r"|\bnot (contained|included|mentioned|stated|found|given) in the (passages?|documents?|texts?|context)\b"
    r"|\bno information\b|\bcannot (answer|find)\b"
    r"|\b(Textstellen|Passagen|Dokumente|Texte|Quellen)\b[^.]{0,40}\b(nicht|keine)\b|\bkeine (Angaben|Informationen)\b",
    re.IGNORECASE,
)
# '[1, 2]' cites two passages; written as '[1][2]' every marker is one the check and the citations understand.
_MARKER_LIST = re.compile(r"\[(\d+(?:\s*,\s*\d+)+)\]")
# Under an answer quoted because the model could not write it: users should know why it reads differently.
MODEL_UNAVAILABLE = (
    "언어 모델 서버에 연결할 수 없어 문서의 문장을 그대로 인용했습니다. / The language model server is unavailable, so "
    "the answer quotes the documents."
)
MODEL_LATE = (
    "언어 모델이 제한 시간 안에 답하지 않아 문서의 문장을 그대로 인용했습니다. / The language model did not answer in "
    "time, so the answer quotes the documents."
)
SNIPPET_CHARS = 400
_END = object()  # the model finished


class LLMGenerator:
    """Has a chat model write the answer from the reader's best passages, with [n] markers, checked before shown."""

    def __init__(self, settings: LLMSettings, fallback: Generator, chat_model: BaseChatModel | None = None) -> None:
        self._settings = settings
        self._fallback = fallback
        self._model = chat_model if chat_model is not None else make_chat_model(settings)

    def write(self, reading: Reading) -> Iterator[Delta | Answer]:
        # The reader's 'no' stands: the model is never asked a question the documents do not answer (nor one
        # without passages to answer from).
        if not reading.answerable or not reading.passages:
            yield from self._fallback.write(reading)
            return
        hits = [reading.hits[i] for i in reading.passages[: self._settings.max_passages]]
        passages = [_passage_text(hit.chunk) for hit in hits]
        written: list[str] = []
        try:
            with closing(self._stream(_messages(reading.question, hits, passages))) as pieces:
                for piece in pieces:
                    written.append(piece)
                    yield Delta(piece)
        except Exception as error:  # unreachable, late or failing model: the quoted answer stands in, and says so
            log.warning("LLM answer failed (%s: %s); quoting instead", type(error).__name__, error)
            yield self._fallback_answer(reading, MODEL_LATE if isinstance(error, TimeoutError) else MODEL_UNAVAILABLE)
            return
        text = _split_marker_lists("".join(written)).strip()
        problem = grounding_problem(text, passages)
        if problem:
            log.info("LLM answer refused (%s); quoting instead", problem)
            yield self._fallback_answer(reading)
            return
        yield _answer(reading, hits, passages, text)

    def _fallback_answer(self, reading: Reading, note: str = "") -> Answer:
        *_, answer = self._fallback.write(reading)
        return replace(answer, generator="llm-fallback", note=f"{answer.note} {note}".strip())

    def _stream(self, messages: list[tuple[str, str]]) -> Iterator[str]:
        """The model's text pieces as they arrive; TimeoutError past either deadline, or the model's own error.

        The model runs in a thread so that a server that stops answering cannot hold the caller past a deadline.
        """
        pieces: queue.Queue = queue.Queue()
        stop = threading.Event()
        threading.Thread(target=self._produce, args=(messages, pieces, stop), daemon=True, name="llm-stream").start()
        started = time.monotonic()
        limit, what = min(self._settings.first_token_timeout_s, self._settings.timeout_s), "first token"
        try:
            while True:
                try:
                    item = pieces.get(timeout=max(started + limit - time.monotonic(), 0))
                except queue.Empty:
                    raise TimeoutError(f"no {what} within {limit:g} s") from None
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                limit, what = self._settings.timeout_s, "whole answer"
                yield item
        finally:
            stop.set()

    def _produce(self, messages: list[tuple[str, str]], pieces: queue.Queue, stop: threading.Event) -> None:
        try:
            with closing(self._model.stream(messages)) as stream:  # closing ends the request when the reader gave up
                for chunk in stream:
                    if stop.is_set():
                        return
                    if text := str(chunk.text):
                        pieces.put(text)
            pieces.put(_END)
        except Exception as error:  # handed to the reader, which decides what a failure means
            pieces.put(error)


def grounding_problem(text: str, passages: list[str]) -> str | None:
    """Why an answer written from the numbered passages may not be shown, or None when it may.

    It must cite ([n]) only passages that exist, cite at least one, and state no number or name that its cited
    passages lack; saying the passages do not answer is an abstention, which the reader has already ruled out.
    """
    if _SAYS_NOT_FOUND.search(text):
        return "the model says the passages do not answer"
    cited = markers(text)
    if not cited:
        return "no [n] marker"
    if unknown := [n for n in cited if not 1 <= n <= len(passages)]:
        return f"marker for no passage: {unknown}"
    if unsupported := unsupported_claims(text, [passages[n - 1] for n in cited]):
        return f"not in the cited passages: {', '.join(unsupported)}"
    return None


def _split_marker_lists(text: str) -> str:
    return _MARKER_LIST.sub(lambda m: "".join(f"[{n.strip()}]" for n in m.group(1).split(",")), text)


def _passage_text(chunk: Chunk) -> str:
    """Footnote markers inside a document ('[5]') would read as citation markers to the model and to the check."""
    return without_footnotes(chunk.text).strip()


def _messages(question: Question, hits: list[Hit], passages: list[str]) -> list[tuple[str, str]]:
    system = SYSTEM_PROMPT.format(language=LANGUAGE_NAMES[question.language], not_found=NOT_IN_PASSAGES[question.language])
    numbered = "\n\n".join(
        f"[{n}] {_where(hit.chunk)}\n{passage}" for n, (hit, passage) in enumerate(zip(hits, passages), start=1)
    )
    return [("system", system), ("human", f"Passages:\n\n{numbered}\n\nQuestion: {question.text}")]


def _where(chunk: Chunk) -> str:
    return f"{chunk.source}, page {chunk.page}" if chunk.page is not None else chunk.source


def _answer(reading: Reading, hits: list[Hit], passages: list[str], text: str) -> Answer:
    stated = claims(text)
    citations = []
    for n in sorted(markers(text)):
        hit = hits[n - 1]
        chunk = hit.chunk
        citations.append(
            Citation(n, chunk.source, chunk.page, _snippet(passages[n - 1], stated), hit.score, chunk.heading, chunk.title)
        )
    question = reading.question
    return Answer(question.text, text, question.language, False, citations, reading.confidence, "llm")


def _snippet(passage: str, stated: Claims) -> str:
    """The passage, or when it is long, its sentences that hold the answer's numbers and names (so the snippet
    alone still backs them), or else its opening."""
    if len(passage) <= SNIPPET_CHARS:
        return passage
    backing = [s for s in split_sentences(passage) if stated.backed_by(s)]
    if backing:
        return " … ".join(backing)
    return passage[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"


def make_chat_model(settings: LLMSettings) -> BaseChatModel:
    """The LangChain chat model the settings name; nothing is contacted until it is asked."""
    if settings.provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            base_url=settings.base_url,
            model=settings.model,
            temperature=settings.temperature,
            num_predict=settings.max_tokens,
            client_kwargs={"timeout": settings.timeout_s},
        )
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key,
        model=settings.model,
        timeout=settings.timeout_s,
        max_retries=0,  # a retry would only run into the deadline; the quoted answer is the retry
        temperature=settings.temperature,
        max_tokens=settings.max_tokens,
    )


def make_llm_generator(settings: Settings, fallback: Generator) -> LLMGenerator:
    """The LLM generator of the settings (Settings.llm), quoting with the fallback when the model cannot answer."""
    return LLMGenerator(settings.llm, fallback)
