"""Follow-ups made standalone from the user's earlier turns; new topics left alone."""

import pytest

from assistant.followup import FollowUpRewriter
from assistant.tokens import Tokenizer

REWRITER = FollowUpRewriter(Tokenizer(), lambda text: ("test-factory",) if "시험 공장" in text else ())


@pytest.mark.parametrize("history, turn, expected", [
    (["규제자유특구는 누가 지정 신청하나요?"], "그럼 우리 같은 회사는 어떻게 참여해요?",
     "규제자유특구 지정 우리 같은 회사는 어떻게 참여해요?"),
    (["스마트공장 지원사업은 어떤 종류가 있어요?", "지역특화형은 어느 지역이 참여해요?"], "그 중 전북은 무슨 분야예요?",
     "스마트공장 지역특화형 전북은 무슨 분야예요?"),
    (["디지털산업혁신펀드 1호는 규모가 얼마였어요?"], "2호는요?", "디지털산업혁신펀드 2호는요?"),
    (["AI 응용제품 신속 상용화 지원사업은 총 얼마 규모예요?"], "and who can apply for it?",
     "AI 응용제품 신속 상용화 who can apply for it?"),
    (["Wer hat die M.AX-Allianz gegründet?"], "Und aus wie vielen Gruppen besteht sie?",
     "M.AX-Allianz gegründet aus wie vielen Gruppen besteht sie?"),
])
def test_follow_ups_take_the_topic_of_the_conversation(history, turn, expected):
    assert REWRITER.rewrite(turn, history) == expected


@pytest.mark.parametrize("history, turn", [
    (["M.AX 얼라이언스는 분과가 몇 개예요?"], "아 그건 됐고요, 산불 피해 입은 회사는 정책자금을 어떻게 신청해요?"),
    (["규제자유특구는 누가 지정 신청하나요?"], "시험 공장 지원 규모는 얼마예요?"),  # names a program of its own
    (["규제자유특구는 누가 지정 신청하나요?"], "2030년까지 AI 팩토리를 몇 개 만드나요?"),
    ([], "그럼 신청은 어디서 해요?"),  # nothing came before
])
def test_standalone_turns_and_new_topics_stay_as_they_are(history, turn):
    assert REWRITER.rewrite(turn, history) == turn
