"""Eligibility questions in chat: routed to the cards, answered per criterion with citations, in both languages,
continued over turns; general questions about who may apply still go to the documents."""

from assistant.schema import Utterance
from assistant.service import Answered, Assessed, Retrieved


def _events(service, text, history=()):
    return list(service.stream(text, history))


def test_an_eligibility_question_gets_a_verdict_per_criterion_with_sources(service):
    events = _events(service, "우리 회사(경북, 제조업, 직원 45명)가 시험 공장 지원을 받을 수 있나요?")
    assert not any(isinstance(e, Retrieved) for e in events)
    assessed = next(e for e in events if isinstance(e, Assessed))
    assert assessed.profile.known() == {"region": "gyeongbuk", "sector": "manufacturing", "employees": 45}
    assert [(a.card.id, a.verdict) for a in assessed.assessments] == [("test-factory", "need_info")]
    answer = events[-1].answer
    assert not answer.abstained and answer.generator == "eligibility"
    assert "소재지 경북" in answer.text and "업종 제조업" in answer.text
    assert "✔ 제조업을 영위할 것 (충족) [1]" in answer.text
    assert "? 중소기업일 것 (확인 필요) [1]" in answer.text and "✔ 비수도권 소재 (충족) [2]" in answer.text
    assert "기업 규모는 어떻게 되나요?" in answer.text and "1357" in answer.note and "1357" not in answer.text
    assert [(c.source, c.snippet) for c in answer.citations] == [
        ("notice_ko.md", "제조업을 영위하는 중소기업"), ("notice_ko.md", "비수도권에 소재한 기업"),
        ("notice_ko.md", "국세 또는 지방세를 체납 중인 기업"),
    ]


def test_the_answer_to_the_question_asked_back_continues_the_assessment(service):
    first = "우리 회사(경북, 제조업, 직원 45명)가 시험 공장 지원을 받을 수 있나요?"
    answer = service.ask("소기업이고 세금 체납은 없습니다", history=[Utterance("user", first)])
    assert "신청 요건 충족" in answer.text and "여쭙니다" not in answer.text
    arrears = service.ask("소기업인데 지방세 체납이 있어요", history=[Utterance("user", first)])
    assert "신청 요건 미충족" in arrears.text and "체납액을 모두 내면 신청할 수 있습니다." in arrears.text


def test_a_question_for_a_fact_after_an_eligibility_question_goes_to_the_documents(service):
    """'경북 회사는 마감이 언제예요?' names a fact of the company, but asks when: it is not an answer to the question asked
    back, so it is searched rather than assessed."""
    first = "우리 회사(경북, 제조업, 직원 45명)가 시험 공장 지원을 받을 수 있나요?"
    events = _events(service, "그럼 경북 회사는 신청 마감이 언제예요?", [Utterance("user", first)])
    assert isinstance(events[0], Retrieved) and not any(isinstance(e, Assessed) for e in events)


def test_english_and_no_named_program(service):
    answer = service.ask("We are a manufacturer in Seoul, 3 years in business. Which programs can we apply for?")
    assert "Your company as you described it: location Seoul, sector manufacturing" in answer.text
    assert "The 2 programs I can assess that fit your company best:" in answer.text
    # The start-up loan fits (3 < 7 years); the factory track is ruled out by its capital-region clause.
    assert answer.text.index("Test start-up loan — meets the requirements") < answer.text.index(
        "Test smart factory support — does not meet the requirements")
    assert "✘ Located outside the capital region (not met)" in answer.text


def test_general_questions_still_go_to_the_documents(service):
    events = _events(service, "2030년까지 AI 팩토리를 몇 개 만드나요?")
    assert isinstance(events[0], Retrieved) and not any(isinstance(e, Assessed) for e in events)
    # 'Who may apply' asked in general, not about the user's own company, is a document question too.
    assert not any(isinstance(e, Assessed) for e in _events(service, "시험 공장 지원은 누가 신청할 수 있나요?"))
    # A fact stated after a document question does not turn into an eligibility answer.
    assert isinstance(_events(service, "직원은 45명입니다", [Utterance("user", "2030년까지 AI 팩토리를 몇 개 만드나요?")])[0], Retrieved)


def test_a_program_without_a_card_is_said_so_and_related_programs_are_checked(service):
    events = _events(service, "우리 회사가 AI 팩토리 지원을 받을 수 있나요?")
    answer = events[-1].answer
    assert "질문하신 사업은 신청 자격을 정리해 둔 사업 목록에 없어" in answer.text
    # No card cites the AI-factory document, so every program is checked rather than none.
    assert {a.card.id for a in next(e for e in events if isinstance(e, Assessed)).assessments} == {
        "test-factory", "test-startup-loan"}
