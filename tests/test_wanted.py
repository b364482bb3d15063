"""What kind of value a question asks for, and whether a sentence holds one."""

import pytest

from assistant.wanted import holds, wanted


@pytest.mark.parametrize(
    "question, kinds",
    [
        ("신청 마감은 언제예요?", {"day"}),
        ("규제자유특구는 언제 처음 지정됐어요?", {"date"}),
        ("When will the results be announced?", {"date"}),
        ("Bis wann läuft die Frist?", {"date"}),
        ("What is the deadline for the 2030 target?", {"date"}),  # a deadline may be a year
        ("What is the closing date?", {"day"}),
        ("정책자금 금리는 몇 프로예요?", {"share"}),
        ("금리는요?", {"share"}),
        ("What is the interest rate of the new market entry fund?", {"share"}),
        ("충북 소기업형 스마트공장은 몇 개 기업을 선정하나요?", {"count"}),
        ("How many companies were selected?", {"count"}),
        ("Wie viele Firmen werden ausgewählt?", {"count"}),
        ("기업당 최대 얼마까지 받을 수 있나요?", {"money"}),
        ("Wie viel Geld gibt es?", {"money"}),
        ("How much does the first stage take?", {"amount"}),
        ("KAMP 플랫폼 구축에 들어가는 총사업비는 얼마인가요?", {"money"}),
        ("한 곳당 최대 얼마까지 지원받나요?", {"money"}),
        ("How much R&D money can a single company get?", {"money"}),
        ("How big is the DX innovation fund?", {"money"}),
        ("Wie hoch ist 2021 der staatliche Zuschuss für einen Betrieb?", {"money"}),
        ("미국에 투자한다는 돈이 총 몇 달러 규모예요?", {"money"}),
        ("울산 이차전지 특화단지의 부지 면적은 얼마나 되나요?", {"amount"}),  # an area, not money
        ("금리를 얼마나 낮게 받나요?", {"share"}),
        ("반도체 저리대출은 최대 몇 년까지 빌릴 수 있나요?", {"duration"}),
        ("지원 기간은 얼마 동안이에요?", {"duration"}),
        ("What is the repayment period?", {"duration"}),
        ("Wie lange läuft die Förderung?", {"duration"}),
        ("몇 년도에 시작됐나요?", set()),
        ("콜센터 전화번호가 어떻게 되나요?", {"phone"}),
        ("제 번호 [전화번호]인데 지원 한도 알려주세요", set()),  # a masked number is not what is asked
        ("Unter welcher Internetadresse finde ich das Portal?", {"address"}),
        ("신청은 어디서 해요?", set()),
        ("Who may apply?", set()),
        ("올해 5곳은 어디어디로 정해졌어요?", {"place"}),
        ("올해 어느 지자체 두 곳이 됐나요?", {"place"}),  # which ones, not how many
        ("Which two regions got picked?", {"place"}),
        ("Where's the pilot one going to be built?", {"place"}),  # where a thing is built: a place
        ("그 시범 산단은 어디에 지어요?", {"place"}),
        ("Wo genau sollen die gebaut werden?", {"place"}),
        ("Where can I apply?", set()),  # where to apply is an office or a site, not a region
        ("Welche Regionen verbindet der Gürtel?", {"place"}),
        ("원전 수출은 어느 나라와 협력했나요?", set()),  # a country: no list here knows them all
    ],
)
def test_the_kind_of_value_a_question_asks_for(question, kinds):
    assert wanted(question) == kinds


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("신청은 2026년 3월 31일까지 받는다.", "date"),
        ("Applications ran from 1 to 14 August 2025.", "date"),
        ("접수는 연중 수시로 받는다.", "date"),
        ("협약 기간은 9개월이다.", "date"),
        ("대출금리 | 연 1.9% 고정금리", "share"),
        ("The government pays up to 70 percent.", "share"),
        ("80여 개 기업을 지원하였다.", "count"),
        ("Two regions will be picked.", "count"),
        ("기업당 최대 1억 2천만 원을 지원한다.", "amount"),
        ("기업당 최대 1억 2천만 원을 지원한다.", "money"),
        ("The fund totals 400 billion.", "money"),
        ("Der Fonds umfasst 42 Milliarden Won.", "money"),
        ("기초 | 50 | 70%", "money"),  # a table row: the unit is in its header
        ("대출기간 | 5년(거치 2년 포함)", "duration"),
        ("An ageing complex is one where construction began 20 or more years ago.", "duration"),
        ("Einmal bewilligt, kann ein Unternehmen die Dienste höchstens acht Monate lang nutzen.", "duration"),
        ("중소기업 통합콜센터(국번 없이 1357)", "phone"),
        ("전담반(055-751-9646~9647)", "phone"),
        ("누리집 | digital.kosmes.or.kr", "address"),
        ("구분 | 5극 | 동남권 | 부산·울산·경남", "place"),
        ("후보지는 아산시와 충주시다.", "place"),
        ("Three candidate sites were picked, among them a complex in Chungnam.", "place"),
        ("Die Zone liegt in Gyeongbuk.", "place"),
    ],
)
def test_a_sentence_holding_the_kind_asked_for(sentence, kind):
    assert holds(sentence, frozenset({kind}))


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("신청은 스마트제조혁신추진단 누리집에서 받는다.", "date"),
        ("Who may apply: small manufacturing firms in Chungbuk.", "date"),  # 'may' is a verb here, not May
        ("세제 지원: 법인세 감면 등", "share"),
        ("The 2026 call was announced in 2025.", "count"),  # years count nothing
        # Nor do dates, ordinals, a law's article, a number in a name or a percentage.
        ("Excluded: firms selected in 2023–2024 and for the advanced-1 track.", "count"),
        ("On 9 May 2025 the ministry announced the 2nd call.", "count"),
        ("법 제12조에 따라 2026. 2. 22. 1차 공모를 냈고 국비 70%를 지원한다.", "count"),
        ("재해로 피해를 입은 중소벤처기업은 지원받을 수 있습니다.", "money"),  # '지원' is not won
        ("46개사를 새로 뽑았다.", "money"),
        ("강원 | 정밀의료 | 4개 질환의 진단 솔루션 개발", "money"),  # a table row counting things holds no sum
        ("Chungbuk | 2024 | 30 projects", "money"),
        ("청년전용창업자금은 올해 2,100억원에서 내년 2,500억원으로 늘린다.", "duration"),  # years, not how long
        ("신청은 2026년 3월 31일까지 받는다.", "phone"),
        ("신청은 기업마당에서 받는다.", "address"),
        ("지역거점 창업도시 | 2026년 5곳, 2030년까지 10곳 조성", "place"),  # how many, not which ('도시' is no city's name)
        ("광역 지방정부 2곳을 새로 선정한다.", "place"),
        ("The ministry will pick two regions in the capital's favour.", "place"),
    ],
)
def test_a_sentence_without_it(sentence, kind):
    assert not holds(sentence, frozenset({kind}))


def test_a_year_alone_gives_no_deadline():
    """'2025년 … 사업' names the program; it says when, not by which day."""
    name = "사업명: 2025년 충청북도 소기업형 스마트공장 구축지원사업"
    assert holds(name, frozenset({"date"})) and not holds(name, frozenset({"day"}))
    assert holds("신청 마감 | 2026. 1. 7.", frozenset({"day"}))
    assert not holds(name, frozenset({"count"}))  # nor a number


def test_a_sentence_announcing_what_follows_holds_no_value_of_its_own():
    """A notice's opening line names its law, year and program; the deadline and amounts come after it."""
    opening = "「중소기업 스마트제조혁신 촉진에 관한 법률」 제12조에 따라 2026년도 지원사업 참여기업 모집을 다음과 같이 공고합니다."
    for kind in ("date", "amount", "count"):
        assert not holds(opening, frozenset({kind}))
    assert not holds("The 2026 call for 30 projects is announced as follows.", frozenset({"count"}))
    assert holds(opening, frozenset())  # it may still answer who announces what


def test_any_sentence_answers_a_question_asking_no_kind_of_value():
    assert holds("신청은 누리집에서 받는다.", frozenset())


@pytest.mark.parametrize(
    "question",
    [
        "What must a company submit when it applies?",  # 'when' as a conjunction
        "금리 우대는 누가 받아요?",  # the rate named as a topic, not asked for
    ],
)
def test_a_word_that_only_looks_like_asking_for_a_value(question):
    assert wanted(question) == frozenset()


@pytest.mark.parametrize(
    "sentence",
    ["The ministry will announce the winners next month.", "올해 안에 두 곳을 더 지정한다.", "Die Frist endet am Freitag."],
)
def test_a_date_relative_to_the_day_a_news_report_was_written(sentence):
    assert holds(sentence, frozenset({"date"}))


def test_a_korean_place_is_one_of_the_sentences_proper_nouns():
    """Korean region names hide inside other words ('대전환'), so they are read from Kiwi's proper nouns instead."""
    sentence = "올해는 경북과 전남이 뽑혔다."
    assert holds(sentence, frozenset({"place"}), frozenset({"경북", "전남"}))
    assert not holds(sentence, frozenset({"place"}))
    assert not holds("AI 대전환을 추진한다.", frozenset({"place"}))
