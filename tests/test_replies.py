"""What an answer introduces: the thing it says exists, when the question asked whether there is one."""

import pytest

from assistant.replies import asks_if_there_is, introduced, listed
from assistant.tokens import Tokenizer


@pytest.mark.parametrize("question, asks", [
    ("화장품 회사용 상품도 있어요?", True), ("세금 감면 같은 것도 있나요?", True), ("Is there a loan for food makers?", True),
    ("Gibt es eine Förderung für Gießereien?", True),
    ("신청할 수 있어요?", False), ("지원받을수있나요?", False), ("How big is the fund?", False),
])
def test_a_question_whether_something_exists_is_told_from_one_whether_one_may(question, asks):
    assert asks_if_there_is(question) is asks


@pytest.mark.parametrize("reply, name", [
    ("케이뷰티론이 있으며, 공급 규모를 늘립니다. [1]", "케이뷰티론"),
    ("창업 기업에는 스타트업 특례보증이 있습니다.", "스타트업 특례보증"),
    ("2026년 과제 가운데 하나로 '5극 3특과 연계한 지역 AX 확산'이 있습니다.", "5극 3특과 연계한 지역 AX 확산"),
    ("Ja, die neue AX-Sprint-Schiene mit 140 Milliarden Won erhöht den Kreditsaldo.", "AX-Sprint-Schiene"),
    ("Yes, there is the Smart Factory Basic track.", "Smart Factory Basic"),
    ("해당 내용은 문서에서 찾지 못했습니다.", ""),
])
def test_an_answer_introduces_the_thing_it_says_exists(reply, name):
    assert introduced(reply) == name


@pytest.mark.parametrize("reply, items", [
    ("- 기초\n- 고도화 [1]\n- 상생형", ["기초", "고도화", "상생형"]),
    ("구분 | 지원\n기초 | 1억\n고도화 | 2억", ["구분", "기초", "고도화"]),
    ("세부사업은 AI 팩토리, 스마트공장, 그리고 제조데이터입니다.", ["AI 팩토리", "스마트공장", "제조데이터입니다"]),
    ("The calls are the basic track and the advanced track.", ["the basic track", "the advanced track"]),
    ("하나의 사업만 있습니다.", []),
    # the list a colon announces, not the sentence with the most commas
    ("A joint programme, new in 2025, for the region's industry: Gyeongbuk (food), Jeonnam (food) and Jeonbuk "
     "(agri-bio). [1] It sums up, call by call, who may apply to MSS, MOTIE and local programmes, as stated in 2022. [2]",
     ["Gyeongbuk", "Jeonnam", "Jeonbuk"]),
])
def test_an_answer_lists_its_bullets_rows_or_enumerated_parts(reply, items):
    assert listed(reply, Tokenizer()) == items
