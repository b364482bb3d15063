"""Follow-ups rewritten by the chat model when one is configured: checked, with the rules' rewrite as the fallback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.config import AnswerSettings, LLMSettings
from assistant.followup import FollowUpRewriter, Rewrite
from assistant.glossary import QueryExpander
from assistant.llm_rewrite import LLMFollowUpRewriter, make_llm_rewriter
from assistant.question import QuestionParser
from assistant.schema import Answer, Utterance
from assistant.service import AssistantService, collect
from assistant.tokens import Tokenizer
from fakes import FakeChatModel, SilentServer
from test_llm import _free_port, llama_server_on

TOKENIZER = Tokenizer()
RULES = FollowUpRewriter(TOKENIZER, lambda text: ())
HISTORY = ["스마트공장 구축 지원사업의 기초 단계는 얼마 지원해요?"]
FOLLOW_UP = "그럼 고도화 단계는요?"
BY_RULES = Rewrite(RULES.rewrite(FOLLOW_UP, HISTORY), "rules")


def _rewriter(model: FakeChatModel, **settings) -> LLMFollowUpRewriter:
    return LLMFollowUpRewriter(RULES, model, LLMSettings(**settings), TOKENIZER)


def test_the_rules_rewrite_this_follow_up_so_a_fallback_is_visible():
    assert BY_RULES.text != FOLLOW_UP and "스마트공장" in BY_RULES.text


def test_a_good_rewrite_is_used_and_the_model_sees_the_conversation():
    model = FakeChatModel(reply="스마트공장 구축 지원사업의 고도화 단계는 얼마 지원해요?")
    assert _rewriter(model).traced(FOLLOW_UP, HISTORY) == Rewrite(model.reply, "llm")
    prompt = model.calls[0][-1].content
    assert HISTORY[0] in prompt and FOLLOW_UP in prompt


def test_an_english_follow_up_is_rewritten_in_english():
    model = FakeChatModel(reply="Who manages the industrial digital innovation fund?")
    history = ["How big is the industrial digital innovation fund?"]
    assert _rewriter(model).traced("and who manages it?", history) == Rewrite(model.reply, "llm")


@pytest.mark.parametrize("reply", [
    "스마트공장 구축 지원사업의 고도화 단계는 최대 2억 원인가요?",  # a number the conversation never said
    "스마트공장 구축 지원사업의 고도화 단계는 누가 심사해요?",  # a word the conversation never said
    "How much is the advanced stage of the smart factory program?",  # another language
    "스마트공장 구축 지원사업의\n고도화 단계는요?",  # more than one line
    "",  # nothing
    "   ",  # nothing but spaces
    FOLLOW_UP,  # the follow-up unchanged
    HISTORY[0],  # the earlier question again: what the follow-up asks is gone
    "스마트공장 구축 지원사업의 고도화 단계는 언제 지원해요?",  # asks another question ('언제' for '얼마')
    "스마트공장 " * 40 + "고도화 단계는요?",  # far longer than the conversation warrants
])
def test_a_rewrite_that_fails_the_check_falls_back_to_the_rules(reply):
    model = FakeChatModel(reply=reply)
    assert _rewriter(model).traced(FOLLOW_UP, HISTORY) == BY_RULES and len(model.calls) == 1


def test_a_failing_model_falls_back_to_the_rules():
    model = FakeChatModel(error=ConnectionError("server went away"))
    assert _rewriter(model).traced(FOLLOW_UP, HISTORY) == BY_RULES and len(model.calls) == 1


def test_a_model_slower_than_the_rewrite_deadline_falls_back_to_the_rules(caplog):
    model = FakeChatModel(reply="스마트공장 고도화 단계는요?", delay_s=60)  # far past the deadline: it never arrives
    assert _rewriter(model, rewrite_timeout_s=0.3).traced(FOLLOW_UP, HISTORY) == BY_RULES
    assert "no rewrite within 0.3 s" in caplog.text


def test_a_server_that_never_answers_falls_back_by_the_rewrite_deadline(caplog):
    with SilentServer() as server:
        settings = LLMSettings(base_url=f"http://127.0.0.1:{server.port}/v1", rewrite_timeout_s=0.5, timeout_s=60)
        rewriter = make_llm_rewriter(settings, RULES, TOKENIZER)
        assert rewriter.traced(FOLLOW_UP, HISTORY) == BY_RULES
        assert server.accepted.is_set()  # the request reached the server: this was a timeout, not a refusal
    assert "no rewrite within 0.5 s" in caplog.text


def test_no_server_at_all_falls_back_to_the_rules():
    settings = LLMSettings(base_url=f"http://127.0.0.1:{_free_port()}/v1", rewrite_timeout_s=5)
    assert make_llm_rewriter(settings, RULES, TOKENIZER).traced(FOLLOW_UP, HISTORY) == BY_RULES


@pytest.mark.parametrize("history, turn", [
    (HISTORY, "2030년까지 AI 팩토리를 몇 개 만드나요?"),  # a question of its own
    (HISTORY, "아 그건 됐고요, 산불 피해 입은 회사는 정책자금을 어떻게 신청해요?"),  # says the subject changes
    ([], FOLLOW_UP),  # nothing came before
])
def test_a_standalone_question_never_calls_the_model(history, turn):
    model = FakeChatModel(reply="스마트공장 고도화 단계는요?")
    assert _rewriter(model).traced(turn, history) == Rewrite(turn, "") and model.calls == []


def test_the_parser_records_who_rewrote_the_follow_up():
    expander = QueryExpander(TOKENIZER)
    good = FakeChatModel(reply="스마트공장 구축 지원사업의 고도화 단계는 얼마 지원해요?")
    by_llm = QuestionParser(expander, 500, rewriter=_rewriter(good), tokenizer=TOKENIZER).parse(FOLLOW_UP, [Utterance("user", HISTORY[0])])
    assert (by_llm.text, by_llm.rewritten_by, by_llm.typed) == (good.reply, "llm", FOLLOW_UP)
    by_rules = QuestionParser(expander, 500, rewriter=RULES, tokenizer=TOKENIZER).parse(FOLLOW_UP, [Utterance("user", HISTORY[0])])
    assert (by_rules.text, by_rules.rewritten_by) == (BY_RULES.text, "rules")
    alone = QuestionParser(expander, 500, rewriter=RULES, tokenizer=TOKENIZER).parse(HISTORY[0])
    assert alone.rewritten_by == ""



def test_the_json_names_the_rewriter_only_for_a_rewritten_follow_up():
    fields = Answer("q", "a", "ko", False).to_dict(1.0)
    assert "rewritten_by" not in fields  # every other answer keeps the fields it had
    assert Answer("q", "a", "ko", False, rewritten_by="llm").to_dict(1.0) == fields | {"rewritten_by": "llm"}

@pytest.fixture(scope="module")
def llama_server(tmp_path_factory) -> Iterator[str]:
    """The base URL of test_llm's llama.cpp server with SmolLM2-135M; killed after the module's tests."""
    with llama_server_on(_free_port(), tmp_path_factory.mktemp("llama") / "server.log") as url:
        yield url


@pytest.mark.llm
def test_a_follow_up_through_a_real_llama_cpp_server_is_rewritten_and_answered(indexed, llama_server):
    settings, _ = indexed
    llm = LLMSettings(
        base_url=llama_server, max_tokens=48, max_passages=2, first_token_timeout_s=30, timeout_s=60,
        rewrite_timeout_s=30,
    )
    service = AssistantService(settings.model_copy(update={"answer": AnswerSettings(generator="llm"), "llm": llm}))
    history, follow_up = ["산업 디지털 전환 펀드는 언제까지 운영되나요?"], "그럼 규모는 얼마예요?"
    hits, answer = collect(service.stream(follow_up, [Utterance("user", history[0])]))
    line = answer.to_dict(0.0)
    # Whichever rewrote it, the rewrite carries the earlier question's topic and says who made it.
    assert "펀드" in line["rewritten_question"] and line["rewritten_by"] in {"llm", "rules"}, line
    if line["rewritten_by"] == "rules":
        assert line["rewritten_question"] == RULES.rewrite(follow_up, history), line
    # And the answer is still produced from the fund's document.
    assert hits[0].chunk.source == "dx_fund_en.md" and not answer.abstained, line
    assert answer.generator in {"llm", "llm-fallback"} and answer.citations, line
