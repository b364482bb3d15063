"""InquiryDesk: every public answer is logged once, last, masked; a logged inquiry becomes a suite case."""

from __future__ import annotations

import json

import pytest

from assistant.datastore import Inquiry, InquiryFilter, SqliteDataStore
from assistant.evaluation import load_suites
from assistant.inquiries import InquiryDesk, Logged, eval_case
from assistant.question import QuestionError
from assistant.service import Answered, Retrieved


@pytest.fixture
def desk(service, tmp_path) -> InquiryDesk:
    return InquiryDesk(service, SqliteDataStore(tmp_path / "data"))


def test_a_turn_ends_with_logged_after_its_answer(desk) -> None:
    events = list(desk.stream("2030년까지 AI 팩토리를 몇 개 만드나요?", session="s1"))
    assert isinstance(events[0], Retrieved) and isinstance(events[-2], Answered) and isinstance(events[-1], Logged)
    logged = desk.store.inquiry(events[-1].inquiry_id)
    assert (logged.session, logged.channel, logged.outcome) == ("s1", "chat", "answered")
    assert logged.citations[0]["source"] == "ai_factory_ko.md" and logged.latency_ms > 0


def test_a_turn_that_cannot_be_asked_is_not_logged(desk) -> None:
    with pytest.raises(QuestionError):
        list(desk.stream("   "))
    assert desk.store.inquiries(InquiryFilter()) == []


def test_personal_data_never_reaches_the_log(desk) -> None:
    answer, logged = desk.ask("제 주민번호는 850315-2987654입니다. 규제자유특구는 언제 지정되었나요?")
    stored = desk.store.inquiry(logged.inquiry_id)
    assert answer.outcome == "personal_data"
    assert "2987654" not in stored.model_dump_json() and stored.channel == "api"


def test_suite_cases_from_the_log_load_as_suite_lines(tmp_path) -> None:
    answered = Inquiry(id=7, question="지원 한도는?", language="ko", outcome="answered",
                       citations=[{"source": "notice_ko.pdf", "page": 2, "snippet": "최대 1억 원", "score": 1}],
                       helpful=False, comment="한도가 틀렸어요")
    refused = Inquiry(id=8, question="Wie ist das Wetter?", language="de", outcome="out_of_scope", abstained=True)
    lines = [eval_case(answered), eval_case(refused)]
    assert lines[0]["expected_sources"] == ["notice_ko"] and "unhelpful" in lines[0]["tags"]
    assert lines[0]["notes"] == "한도가 틀렸어요" and "outcome" not in lines[0]
    assert lines[1]["answerable"] is False and lines[1]["outcome"] == "out_of_scope"
    suite = tmp_path / "from_log.jsonl"
    suite.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    assert [c.id for c in load_suites([suite])] == ["inquiry-7", "inquiry-8"]
