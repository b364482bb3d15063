"""Follow-ups made standalone from the user's earlier turns; new topics left alone."""

import pytest

from assistant.followup import FollowUpRewriter
from assistant.glossary import QueryExpander, load_glossary
from assistant.tokens import Tokenizer

REWRITER = FollowUpRewriter(Tokenizer(), lambda text: ("test-factory",) if "시험 공장" in text else ())
NAMES = {"시험 공장": "test-factory", "규제자유특구": "zone", "글로벌 혁신특구": "global-zone", "start-up fund": "start-up-fund"}
NAMING = FollowUpRewriter(Tokenizer(), lambda text: tuple(v for k, v in NAMES.items() if k in text))


@pytest.mark.parametrize("history, turn, expected", [
    (["규제자유특구는 누가 지정 신청하나요?"], "그럼 우리 같은 회사는 어떻게 참여해요?",
     "규제자유특구 지정 우리 같은 회사는 어떻게 참여해요?"),
    (["스마트공장 지원사업은 어떤 종류가 있어요?", "지역특화형은 어느 지역이 참여해요?"], "그 중 전북은 무슨 분야예요?",
     "스마트공장 지역특화형 전북은 무슨 분야예요?"),
    # another number asks the previous question again: '2호' for '1호', with what it asked
    (["디지털산업혁신펀드 1호는 규모가 얼마였어요?"], "2호는요?", "2호는요? 디지털산업혁신펀드 규모"),
    (["AI 응용제품 신속 상용화 지원사업은 총 얼마 규모예요?"], "and who can apply for it?",
     "AI 응용제품 신속 상용화 who can apply for it?"),
    (["Wer hat die M.AX-Allianz gegründet?"], "Und aus wie vielen Gruppen besteht sie?",
     "M.AX-Allianz gegründet aus wie vielen Gruppen besteht sie?"),    (["규제자유특구 특구사업자는 어떤 지원을 받아요?"], "그래서 구체적으로 뭘 해주는데요?",  # 'so' opening it
     "규제자유특구 특구사업자 구체적으로 뭘 해주는데요?"),
])
def test_follow_ups_take_the_topic_of_the_conversation(history, turn, expected):
    assert REWRITER.rewrite(turn, history) == expected


@pytest.mark.parametrize("history, turn, expected", [
    # thanks before the follow-up are not part of it
    (["지역특화형 스마트공장은 어디 지역이 해요?"], "감사합니다. 경북은 어떤 업종이에요?",
     "지역특화형 스마트공장 경북은 어떤 업종이에요?"),
    (["Who can apply for the region-led AI programme?"], "ok thanks, when is the deadline for it?",
     "region-led AI when is the deadline for it?"),
    # a bare generic noun right before a topic word belongs to its name ('지역 주도형')
    (["2025년 지역 주도형 AI 대전환에 선정된 곳이 어디예요?"], "그 중 제주는 뭘 해요?",
     "2025년 지역 주도형 AI 대전환 제주는 뭘 해요?"),
    (["Which smart factory programmes are there in 2025?"], "what's the support limit for the Chungbuk one?",
     "smart factory programmes 2025 what's the support limit for the Chungbuk one?"),
])
def test_acknowledgements_compound_names_and_the_x_one(history, turn, expected):
    assert REWRITER.rewrite(turn, history) == expected


@pytest.mark.parametrize("history, turn, expected", [
    # the previous question asked about another program: what it asked stays, its program goes
    (["규제자유특구는 수도권 지자체도 신청할 수 있나요?"], "그럼 글로벌 혁신특구는요?", "글로벌 혁신특구는요? 수도권 지자체 신청"),
    (["Tell me about the KOSME policy loans for 2026"], "what about the start-up fund?",
     "the start-up fund? KOSME policy loans 2026"),
    # a correction keeps the question and swaps what it corrects
    (["전남 지역특화형 스마트공장 특화 분야가 뭐예요?"], "아 전남 말고 전북이요", "전북이요 지역특화형 스마트공장 특화 분야"),
    (["How many companies does the advanced track of the win-win programme support?"],
     "sorry, I meant the basic track", "the basic track companies advanced win-win programme support"),
])
def test_the_previous_question_asked_again_about_another_subject(history, turn, expected):
    assert NAMING.rewrite(turn, history) == expected


@pytest.mark.parametrize("history, turn", [
    (["M.AX 얼라이언스는 분과가 몇 개예요?"], "아 그건 됐고요, 산불 피해 입은 회사는 정책자금을 어떻게 신청해요?"),
    (["규제자유특구는 누가 지정 신청하나요?"], "시험 공장 지원 규모는 얼마예요?"),  # names a program of its own
    (["규제자유특구는 누가 지정 신청하나요?"], "2030년까지 AI 팩토리를 몇 개 만드나요?"),
    ([], "그럼 신청은 어디서 해요?"),  # nothing came before
    (["규제자유특구는 누가 지정 신청하나요?"], "글로벌 혁신특구 지정 신청 기간과 선정 방법, 지원 내용은 어떻게 되나요?"),
])
def test_standalone_turns_and_new_topics_stay_as_they_are(history, turn):
    assert NAMING.rewrite(turn, history) == turn


@pytest.mark.parametrize("history, turn, expected", [
    # what the turn names replaces the previous question's thing of the same kind: a number, a region
    (["2025년 시험 공장 지원사업은 과제당 얼마 지원했어요?"], "2026년은요?", "2026년은요? 시험 공장 지원사업 과제당 지원"),
    (["How many firms does the test factory programme support in Jeonbuk?"], "no wait, I meant Gyeongbuk",
     "Gyeongbuk firms test factory programme support"),
    # a subject sharing its head noun with the previous one replaces it, and the question is asked again
    (["긴급경영안정자금으로 산불 피해 기업 대출 금리가 얼마였어요?"], "호우 피해는요?",
     "호우 피해는요? 긴급경영안정자금 피해 기업 대출 금리"),
    (["긴급경영안정자금 2026년 규모가 얼마예요?"], "창업기 자금은요?", "창업기 자금은요? 2026년 규모"),
    # a bare head or generic words ask about another side of the same subject, which stays
    (["긴급경영안정자금으로 산불 피해 기업 대출 금리가 얼마였어요?"], "피해는요?", "긴급경영안정자금 산불 피해 기업 대출 피해는요?"),
    (["정책자금 AX 스프린트 트랙 금리가 얼마예요?"], "금리 혜택은요?", "정책자금 AX 스프린트 트랙 금리 혜택은요?"),
])
def test_the_turns_subject_replaces_the_previous_one_of_its_kind(history, turn, expected):
    assert NAMING.rewrite(turn, history) == expected


@pytest.mark.parametrize("history, turn, expected", [
    # what a correction names is dropped, also from the previous question
    (["글로벌 혁신특구 2024년에 지정된 곳이 어디예요?"], "아 2024년 말고 2025년이요", "2025년이요 글로벌 혁신특구 지정 곳"),
    (["규제자유특구 2026년 신청 마감이 언제예요?"], "아 규제자유특구 말고 글로벌 혁신특구요", "글로벌 혁신특구요 2026년 신청 마감"),
    # '그거 말고' takes back the previous question's subject: its program
    (["시험 공장 2026년 규모가 얼마예요?"], "아니 그거 말고 성장기 자금이요", "성장기 자금이요 2026년 규모"),
])
def test_corrections_drop_what_they_take_back(history, turn, expected):
    assert NAMING.rewrite(turn, history) == expected


@pytest.mark.parametrize("history, turn, expected", [
    (["우리 회사가 충북 시험 공장 지원 받을 수 있어요?", "청주에 있는 식품 제조업체고 직원은 7명이에요"], "그럼 신청은 어디서 해요?",
     "충북 시험 공장 신청은 어디서 해요?"),
    (["Can my company get the region-led AI transformation support?", "We're a car parts maker in Ulsan with 40 staff"],
     "who do we contact?", "region-led AI transformation who do we contact?"),
])
def test_company_facts_told_in_between_leave_the_topic_as_it_was(history, turn, expected):
    assert NAMING.rewrite(turn, history) == expected


def test_an_english_turn_pointing_back_with_the_and_naming_nothing_takes_the_topic():
    history = ["Who can apply to the 2026 autonomous factory programme?"]
    assert NAMING.rewrite("What standards must the project apply?", history) == (
        "2026 autonomous factory What standards must the project apply?"
    )


@pytest.mark.parametrize("turn", [
    "what's the KOSME call centre number for policy loans?",  # 'the', but it names something: a new subject
    "are there grants for hiring young engineers",  # 'there' of 'are there' points nowhere
    "gibt es Zuschüsse für Roboter in Busan",  # nor does 'es' of 'gibt es'
    "unrelated, but how many industrial complexes are there in Korea?",
    "Wo soll der RE100-Industriepark gebaut werden?",  # German nouns are all capitalised: a name has an acronym
])
def test_turns_with_a_subject_of_their_own_stay_as_they_are(turn):
    assert NAMING.rewrite(turn, ["Who can apply to the 2026 autonomous factory programme?"]) == turn


@pytest.mark.parametrize("reply, turn, expected", [
    ("세부사업은 자율형공장, 제조AI특화 스마트공장, 상생형 AI트랙입니다. [1]", "두 번째 건 세부 요건은 어디서 봐요?",
     "제조AI특화 스마트공장 세부 요건은 어디서 봐요?"),
    ("Autonomous factories (30 projects), manufacturing-AI smart factories (400) and the win-win AI track (20).",
     "how much does the government pay for the first one?", "how much does the government pay for Autonomous factories?"),
    ("- 자율형공장\n- 제조AI특화 스마트공장\n- 상생형 AI트랙", "마지막 거는 누가 신청해요?", "상생형 AI트랙은 누가 신청해요?"),
    ("전라북도 | 농생명 바이오 | 67억 원 [1] 경상북도 | 배터리 | 50억 원 [1]", "Und das zweite?", "Und 경상북도?"),
    # a comma inside a number or brackets parts no items; '뒤에 거' is the latter, 'beim ersten' the first
    ("AX 스프린트 우대트랙(1,400억 원, 신설), 케이뷰티론, 그리고 비수도권 우대가 있습니다.", "두번째거 한도는?", "케이뷰티론 한도는?"),
    ("제조현장 문제해결 유형과 지역산업 육성 유형의 두 가지입니다.", "뒤에 거는 어떻게 해요?", "지역산업 육성 유형 가지는 어떻게 해요?"),
    ("Regulierung, Fachkräfte und Innovation.", "Was ist beim ersten geplant?", "Was ist Regulierung geplant?"),
    ("Regulierung, Fachkräfte und Innovation.", "Das zweite: wer hilft?", "Fachkräfte: wer hilft?"),
    ("광주, 울산, 전남이 선정됐습니다.", "세번째곳은 뭐 해요?", "전남 선정은 뭐 해요?"),
    # the particle agrees with the item put in ('두번째 지역은' → '전라남도는', '첫 번째 건이' → '자율형공장이')
    ("경상북도, 전라남도, 전라북도 3곳입니다.", "두번째 지역은 예산이 얼마예요?", "전라남도는 예산이 얼마예요?"),
    ("자율형공장, 제조AI특화 스마트공장입니다.", "첫 번째 건이 더 커요?", "자율형공장이 더 커요?"),
])
def test_a_pointer_into_the_assistants_list_is_replaced_by_the_item(reply, turn, expected):
    assert REWRITER.point(turn, [reply]) == expected


@pytest.mark.parametrize("reply, turn", [
    ("세부사업은 자율형공장, 제조AI특화 스마트공장입니다.", "두 번째 지정은 언제였어요?"),  # an ordinal before its own noun
    ("The first zones were designated in 2019.", "when were the first zones designated?"),
    ("자율형공장만 해당합니다.", "두 번째 건은요?"),  # the answer lists nothing
    ("A, B", "the third one?"),  # past the end of the list
])
def test_turns_that_point_at_nothing_listed_stay_as_they_are(reply, turn):
    assert REWRITER.point(turn, [reply]) == turn


def test_a_pointer_that_names_its_item_still_keeps_the_topic_it_was_listed_under():
    """'beim ersten' once resolved names something ('Regulierung'), but the question is about that item of the
    growth package."""
    rewritten = REWRITER.rewrite(
        "Was ist beim ersten geplant?", ["Was umfasst das Wachstumspaket?"], ["Regulierung, Fachkräfte und Innovation."]
    )
    assert "Regulierung" in rewritten and "Wachstumspaket" in rewritten


def test_a_follow_up_pointing_at_an_item_that_names_itself_takes_only_the_item():
    history = ["2026 통합공고에 AI 공장 세부사업이 뭐뭐 있어요?"]
    reply = "자율형공장 30개 과제, 제조AI특화 스마트공장 400개 과제, 대중소 상생형 AI트랙 20개 과제입니다."
    assert REWRITER.rewrite("두 번째 건은 얼마 지원해요?", history, [reply]) == "제조AI특화 스마트공장 400개 과제는 얼마 지원해요?"
    assert REWRITER.rewrite("두 번째 건은 얼마 지원해요?", history) == (
        "2026 통합공고 AI 공장 세부사업 두 번째 건은 얼마 지원해요?"  # without the answer, the topic is all there is
    )


def test_a_pointer_goes_to_the_latest_answer_that_lists_that_far():
    replies = ["규제 신속확인, 실증특례, 임시허가입니다.", "문의하면 30일 안에 회신합니다."]
    assert REWRITER.point("그럼 세 번째 건요?", replies) == "그럼 임시허가요?"
    assert REWRITER.point("그럼 세 번째 건요?", [*replies, "A, B, C입니다."]) == "그럼 C요?"


@pytest.mark.parametrize("history, turn", [
    (["산업 AI 내재화 전략 목표가 뭐예요?"], "그 1%는 어디서 나온 수치임?"),  # a determiner pointing back
    (["규제자유특구 처음 지정된 게 언제예요?"], "그7곳 기대효과는?"),
    (["Wie viel geht in die regionalen Wachstumsindustrien?"], "R&D 쪽은 얼마 배정돼요?"),  # the other side of it
    (["글로벌 혁신특구 국제공동 R&D는 어떤 기관들이랑 해요?"], "Gibt es dabei auch Hilfe gegen Technologieabfluss?"),
    (["Was plant das Ministerium bei den RE100-Industrieparks?"], "Wo genau soll der Pilotpark gebaut werden?"),
    (["스마트제조혁신 3.0 전략 목표가 뭐예요?"], "근데 이런 전략은 왜 나온 거예요?"),
    (["글로벌 혁신특구 기업들 해외 공동연구도 지원받아요?"], "how much per project tho?"),  # short, naming nothing
    (["규제자유특구 지정은 누가 신청해요?"], "시군 같은 기초지자체도 할 수 있어요?"),  # as well as: "도" after a noun
    (["Who can join the regulation-free zone programme?"], "Can universities and research institutes join too?"),
    (["Wie viel Förderung gibt es bei den RE100-Industrieparks?"], "Wie viel bekommt eine Firma maximal?"),  # generic words
])
def test_turns_pointing_back_in_other_ways_take_the_topic(history, turn):
    assert NAMING.rewrite(turn, history).endswith(turn) and NAMING.rewrite(turn, history) != turn


def test_a_correction_asking_its_own_question_about_another_program_is_that_question():
    history = ["시험 공장 지원기간은 얼마나 돼요?"]
    turn = "음 기간은 나중에 볼게요. 그거 말고 글로벌 혁신특구 문의 전화번호 있어요?"
    assert NAMING.rewrite(turn, history) == "글로벌 혁신특구 문의 전화번호 있어요?"
    # about the same program, it corrects the previous question (here its year) and keeps what that asked
    corrected = NAMING.rewrite("아 아니 올해 거 말고 2025년 시험 공장은 얼마였어요?", ["2026년 시험 공장 정부지원금 얼마예요?"])
    assert "2025년" in corrected and "정부지원금" in corrected and "2026년" not in corrected


def test_a_pointer_to_a_program_names_it_without_the_topic_it_was_listed_under():
    reply = "자율형공장, 시험 공장, 글로벌 혁신특구입니다."
    turn = "How much does the government pay for that last one?"
    assert NAMING.rewrite(turn, ["Which AI programmes does MSS run?"], [reply]) == (
        "How much does the government pay for 글로벌 혁신특구?"
    )


def test_saying_the_topic_switches_keeps_the_old_one_out():
    history = ["How big was the smart factory budget in 2019?"]
    turn = "Switching topics - what's this one-strike-out rule in the 2026 policy loans?"
    assert NAMING.rewrite(turn, history) == turn


def test_an_earlier_pointer_is_resolved_against_the_answers_before_it():
    history = ["2023년 산업 디지털 전환 R&D 유형이 뭐예요?", "세 번째 건 과제 몇 개예요?"]
    replies = ["산업 AI 솔루션, 가치사슬 DX, 전사적 DX 유형이 있습니다.", "4개 과제입니다."]
    assert "전사적 DX" in REWRITER.rewrite("그건 어떤 회사를 키우려는 거에요?", history, replies)


def test_an_apology_opening_a_correction_is_no_part_of_what_it_corrects():
    history = ["혁신창업사업화자금 올해 얼마 나와요?"]
    rewritten = NAMING.rewrite("아 죄송 그거 말고 이차보전 규모요", history)
    assert "이차보전" in rewritten and "혁신창업사업화자금" not in rewritten


@pytest.mark.parametrize("history, replies, turn, wanted", [
    # Asked whether something exists, the answer named it; the next turn asks about it.
    (["창업 기업용 보증 상품도 있나요?"], ["스타트업 특례보증이 있으며, 업력 3년 이내 기업이 대상입니다."], "한도는 얼마예요?",
     "스타트업 특례보증"),
    (["Is there a loan for food makers?"], ["Yes: the Food Tech Growth Loan lends up to 1 billion won. [1]"],
     "and what is the rate?", "Food Tech Growth Loan"),
    (["Gibt es eine Förderung für Gießereien?"], ["Ja, das Programm 'Grüne Gießerei' zahlt bis zu 50 % der Kosten."],
     "Und wer darf sich bewerben?", "Grüne Gießerei"),
])
def test_a_follow_up_to_a_question_whether_something_exists_is_about_what_the_answer_named(history, replies, turn, wanted):
    assert wanted in REWRITER.rewrite(turn, history, replies)


def test_a_question_whether_one_may_apply_takes_no_name_from_its_answer():
    rewritten = REWRITER.rewrite("마감은 언제예요?", ["지역 주도형 AI 사업에 신청할 수 있어요?"],
                                 ["광역 지방정부가 신청하며, 기업은 선정된 지자체의 프로그램에 참여합니다."])
    assert "광역" not in rewritten and "지역 주도형" in rewritten


def test_a_follow_up_asking_its_own_side_leaves_the_previous_side_behind():
    """'정부지원금' is what the previous question asked (every program has government funds), not its topic."""
    rewritten = REWRITER.rewrite("신청 기간은 언제예요?", ["스마트공장 고도화 사업 정부지원금은 얼마예요?"])
    assert "고도화" in rewritten and "정부지원금" not in rewritten


@pytest.mark.parametrize("turn, own", [
    ("never mind. in english pls - when is the deadline?", "when is the deadline?"),
    ("영어로 답해줘. 예산은 얼마예요?", "예산은 얼마예요?"),
    ("Danke, auf Deutsch bitte: wer darf sich bewerben?", "wer darf sich bewerben?"),
])
def test_a_request_for_the_answers_language_is_no_part_of_the_follow_up(turn, own):
    previous = "스마트공장 고도화 사업은 누가 운영해요?"
    assert REWRITER.rewrite(turn, [previous]) == REWRITER.rewrite(own, [previous]) != own


def test_the_focus_keeps_the_program_and_drops_what_the_earlier_question_asked():
    rewrite = NAMING.traced("정부지원금은 최대 얼마예요?", ["2026 시험 공장 통합공고에 과제가 몇 개예요?"])
    assert rewrite.text == "2026 시험 공장 통합공고 정부지원금은 최대 얼마예요?"  # "과제" is generic
    assert rewrite.focus == "2026 시험 공장 정부지원금은 최대 얼마예요?"  # the year singles the program out
    # a standalone turn, and a topic without a program, need no focus of their own
    assert NAMING.traced("시험 공장 정부지원금은 최대 얼마예요?", []).focus == ""
    assert NAMING.traced("신청 마감은요?", ["스마트 물류 바우처는 누가 받아요?"]).focus == ""


@pytest.mark.parametrize("history, turn, expected", [
    # 'he' points back as much as 'it' does
    (["What is the vision of the ministry work plan?"], 'what did he mean by "fake labour"?',
     'vision ministry work plan what did he mean by "fake labour"?'),
    # what 'ich meinte' corrects comes before it, and takes back the compound it ends
    (["Wie viele führende KI-Kooperationsmodelle sind geplant?"],
     "Nein, nicht die Modelle – ich meinte, wie viele KI-Fabriken es bis 2030 geben soll.",
     "wie viele KI-Fabriken es bis 2030 geben soll. führende geplant"),
])
def test_pointing_back_with_he_and_correcting_what_came_before_i_meant(history, turn, expected):
    assert REWRITER.rewrite(turn, history) == expected


@pytest.mark.parametrize("history, turn, expected", [
    # a program of its own, opened with a connective: it stays in the conversation's year
    (["2026년 규제자유특구 신청은 언제부터 받아요?"], "그럼 글로벌 혁신특구는 몇 곳이에요?", "2026년 글로벌 혁신특구는 몇 곳이에요?"),
    (["When does the 2026 start-up fund open?"], "and how big is the 규제자유특구 budget?",
     "2026 how big is the 규제자유특구 budget?"),
    # and its region
    (["경북 규제자유특구는 어떤 분야예요?"], "그럼 글로벌 혁신특구는요?", "글로벌 혁신특구는요? 경북 분야"),
    # a year set as a target is not the conversation's year; a turn naming its own year keeps it
    (["규제자유특구를 2030년까지 몇 개 만들어요?"], "그럼 글로벌 혁신특구는 몇 곳이에요?", "그럼 글로벌 혁신특구는 몇 곳이에요?"),
    (["2026년 규제자유특구 신청은 언제부터 받아요?"], "그럼 2025년 글로벌 혁신특구는 몇 곳이었어요?",
     "그럼 2025년 글로벌 혁신특구는 몇 곳이었어요?"),
    # without a connective, a turn naming a program stands alone
    (["2026년 규제자유특구 신청은 언제부터 받아요?"], "글로벌 혁신특구는 몇 곳이에요?", "글로벌 혁신특구는 몇 곳이에요?"),
])
def test_a_connective_turn_naming_its_own_program_stays_in_the_conversations_year_and_region(history, turn, expected):
    assert NAMING.rewrite(turn, history) == expected


@pytest.mark.parametrize("history, turn, expected", [
    # 'then' closing a turn takes up what was said
    (["When was the 시험 공장 programme launched?"], "what was the ministry's AI budget for 2026 then?",
     "시험 공장 programme launched what was the ministry's AI budget for 2026 then?"),
    # a year and words every plan has ('핵심과제') are no subject of their own
    (["시험 공장 참여기관은 몇 개예요?"], "2026년 핵심과제는 뭐예요?", "시험 공장 참여기관 2026년 핵심과제는 뭐예요?"),
])
def test_then_and_a_turn_of_plan_words_lean_on_the_conversation(history, turn, expected):
    assert REWRITER.rewrite(turn, history) == expected


@pytest.mark.parametrize("history, turn, expected", [
    # a question naming nothing of its own, in a conversation about a program, is about it
    (["규제자유특구 지정 절차가 어떻게 돼요?"], "최종 의결하는 위원회 위원장은 누구예요?",
     "규제자유특구 지정 최종 의결하는 위원회 위원장은 누구예요?"),
    (["What is the region-led AI transformation programme?"], "what was Daegu doing in the 2025 round?",
     "region-led AI transformation what was Daegu doing in the 2025 round?"),  # a region is swapped, not new
    (["Wie viele KI-Fabriken gibt es?"], "Für wie viele Unternehmen gibt es die maßgeschneiderte KI-Beratung?",
     "KI-Fabriken Für wie viele Unternehmen gibt es die maßgeschneiderte KI-Beratung?"),  # KI names no subject
])
def test_a_question_naming_nothing_of_its_own_is_about_the_conversations_program(history, turn, expected):
    assert NAMING.rewrite(turn, history) == expected


@pytest.mark.parametrize("history, turn", [
    (["규제자유특구 지정 절차가 어떻게 돼요?"], "RE100 산업단지는 어디에 만들어요?"),  # a name in Latin script
    (["Who can apply to the zone?"], "How big is the National Growth Fund in the 2026 plan?"),
    (["Wer darf eine Sonderzone beantragen?"], "Themenwechsel: Wie groß ist der Wachstumsfonds?"),  # says it changes
    (["규제자유특구 지정 절차가 어떻게 돼요?"], "중진공 정책자금 콜센터 번호 알려주세요"),  # a request with words of its own
])
def test_a_question_with_a_name_or_a_new_topic_of_its_own_stands_alone(history, turn):
    assert NAMING.rewrite(turn, history) == turn


TOKENIZER = Tokenizer()
SUBJECTS = FollowUpRewriter(
    TOKENIZER, lambda text: tuple(v for k, v in NAMES.items() if k in text),
    QueryExpander(TOKENIZER, load_glossary("bundled", TOKENIZER)).names_subject,
)


@pytest.mark.parametrize("history, turn", [
    (["스마트공장 지원 사업 신청 자격이 뭐예요?"], "등대공장은 어떤 공장이에요?"),
    (["Who can apply to the zone?"], "how big will the national growth fund be in the 2026 work plan?"),  # no capital
])
def test_a_question_naming_a_subject_the_glossary_knows_stands_alone(history, turn):
    assert SUBJECTS.rewrite(turn, history) == turn
    assert NAMING.rewrite(turn, history) != turn  # without the glossary's subjects it is taken for a follow-up
