"""Stand-ins for the LLM answer path's tests (a streaming chat model, a quoting fallback, readings, a silent server),
a recorder around a real embedding model, and a cross-reader judging by a table."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from assistant.answer import Delta
from assistant.glossary import Query
from assistant.question import Question
from assistant.reading import Evidence, Reading
from assistant.schema import Answer, Chunk, Citation, Hit


class FakeChatModel(BaseChatModel):
    """Streams a fixed reply word by word (spaces kept) and records every prompt; raises `error` instead when set,
    and waits `delay_s` before each piece to play a slow server."""

    reply: str = ""
    error: Exception | None = None
    delay_s: float = 0.0
    calls: list[list[BaseMessage]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "fake-streaming-chat"

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="".join(self._pieces(messages))))])

    def _stream(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        for piece in self._pieces(messages):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))

    def _pieces(self, messages: list[BaseMessage]) -> Iterator[str]:
        self.calls.append(messages)
        if self.error is not None:
            raise self.error
        for piece in re.findall(r"\S+\s*", self.reply):
            time.sleep(self.delay_s)
            yield piece


class QuotingFallback:
    """The extractive generator's part: one Answer quoting the first evidence sentence, or an abstention."""

    def __init__(self) -> None:
        self.calls = 0

    def write(self, reading: Reading) -> Iterator[Delta | Answer]:
        self.calls += 1
        question = reading.question
        if not reading.answerable:
            yield Answer(question.text, "문서에 답이 없습니다.", question.language, True, [], reading.confidence)
            return
        evidence = reading.evidence[0]
        hit = reading.hits[evidence.hit_index]
        citation = Citation(1, hit.chunk.source, hit.chunk.page, evidence.sentence, hit.score)
        yield Answer(question.text, f"{evidence.sentence} [1]", question.language, False, [citation], reading.confidence)


def make_reading(
    question: str, language: str, passages: list[tuple[str, str]], order: list[int] | None = None, answerable: bool = True
) -> Reading:
    """A reading of (source, text) passages; `order` is Reading.passages (default: as given)."""
    hits = [
        Hit(Chunk(text, source, 1, "", source, "en" if text.isascii() else "ko", i), score=1.0 - i / 10)
        for i, (source, text) in enumerate(passages)
    ]
    order = list(range(len(hits))) if order is None else order
    evidence = [Evidence(order[0], hits[order[0]].chunk.text.split(". ")[0], hits[order[0]].chunk.language, 0.9)]
    return Reading(
        Question(question, language, (question,), Query(terms=question.split())),
        hits,
        evidence if answerable else [],
        order,
        answerable,
        0.9 if answerable else 0.1,
    )


class SilentServer:
    """A loopback TCP server that accepts connections and never answers, for timeout tests."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.accepted = threading.Event()
        self._connections: list[socket.socket] = []
        self._hung_up = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> SilentServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._socket.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(), which close() alone does not
        self._socket.close()
        self.hang_up()
        self._thread.join(timeout=5)

    def hang_up(self) -> None:
        """Close every connection, now and from now on: a client waiting on one gets its error at once."""
        self._hung_up.set()
        for connection in self._connections:
            connection.close()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            if self._hung_up.is_set():
                connection.close()
                continue
            self._connections.append(connection)
            self.accepted.set()


class Recording(Embeddings):
    """A real model that notes every text it is asked to embed (not a fake: the vectors are the model's)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner, self.asked = inner, []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.asked.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class FakeCrossReader:
    """Judges sentences by a table (others get the default), recording what it was asked."""

    def __init__(self, judgements: dict[str, float] | None = None, default: float = 0.5, threshold: float = 0.05) -> None:
        self._judgements = judgements or {}
        self._default = default
        self._threshold = threshold
        self.calls: list[tuple[str, list[str]]] = []

    @property
    def threshold(self) -> float:
        return self._threshold

    def judge(self, question: str, sentences: Sequence[str]) -> np.ndarray:
        self.calls.append((question, list(sentences)))
        return np.array([self._judgements.get(s, self._default) for s in sentences], dtype=float)
