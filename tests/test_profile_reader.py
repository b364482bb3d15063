"""Profile facts read from what users write, in Korean and English."""

import datetime

import pytest

from assistant.profile import Profile, label
from assistant.profile_reader import ProfileReader
from assistant.tokens import Tokenizer

READER = ProfileReader(Tokenizer(), lambda text: ("test-factory",) if "스마트공장" in text else (),
                       today=datetime.date(2026, 11, 22))


@pytest.mark.parametrize("text, facts", [
    ("우리 회사(경북, 제조업, 직원 45명)가 스마트공장 지원을 받을 수 있나요?",
     {"region": "gyeongbuk", "sector": "manufacturing", "employees": 45}),
    ("포항시에 있는 제조업체이고 창업 3년차입니다. 세금 체납은 없어요",
     {"region": "gyeongbuk", "sector": "manufacturing", "years_in_business": 3, "tax_arrears": False}),
    ("경상북도 구미 소재 중소기업, 매출 12억 원", {"region": "gyeongbuk", "size_class": "sme", "revenue_krw": 1_200_000_000}),
    ("부산에서 소프트웨어 회사를 운영합니다. 상시근로자 8인", {"region": "busan", "sector": "ict", "employees": 8}),
    ("2020년에 설립한 서울 소재 중견기업", {"region": "seoul", "size_class": "middle", "years_in_business": 6}),
    ("소기업입니다", {"size_class": "small"}),
    ("광주광역시 광산구 벤처기업, 이노비즈 인증", {"region": "gwangju", "certifications": ("venture", "innobiz")}),
    ("작년에 스마트공장 지원을 받았어요", {"received_support": ("test-factory",)}),
    ("스마트공장 지원은 받은 적이 없어요", {}),
    ("We are a manufacturer in Busan with 50 employees, founded in 2019, annual revenue of 3.5 billion won",
     {"region": "busan", "sector": "manufacturing", "employees": 50, "years_in_business": 7, "revenue_krw": 3_500_000_000}),
    ("Our SME in North Gyeongsang has no tax arrears", {"region": "gyeongbuk", "size_class": "sme", "tax_arrears": False}),
    ("We have been 3 years in business and we owe taxes", {"years_in_business": 3, "tax_arrears": True}),
    ("업력이 딱 7년 된 소기업인데 신청할 수 있을까요?", {"years_in_business": 7, "size_class": "small"}),
    ("We are a two-year-old small software company in Daejeon",
     {"years_in_business": 2, "size_class": "small", "sector": "ict", "region": "daejeon"}),
    ("A middle-market company founded four years ago", {"size_class": "middle", "years_in_business": 4}),
    ("We are a small and medium-sized manufacturer", {"size_class": "sme", "sector": "manufacturing"}),
    # A city or county asking for itself is a local government; a company located there is not.
    ("경기도 수원시도 규제자유특구 지정을 신청할 수 있나요?", {"applicant": "local_government", "region": "gyeonggi"}),
    ("Can Incheon Metropolitan City apply for a zone?", {"applicant": "local_government", "region": "incheon"}),
    ("Our county government in Gyeongnam wants to apply", {"applicant": "local_government", "region": "gyeongnam"}),
    ("수원시에 있는 회사입니다", {"region": "gyeonggi"}),
    # A kind of applicant is the writer only when they say so; asked about, it is someone else.
    ("저희는 강원도 지자체입니다. 신청할 수 있나요?", {"applicant": "local_government", "region": "gangwon"}),
    ("강원도 지자체인데 신청할 수 있나요?", {"applicant": "local_government", "region": "gangwon"}),
    ("시군 같은 기초지자체도 신청할수있어요?", {}),
    ("그럼 지자체 신청 마감은 언제예요?", {}),
    ("Can a local government apply?", {}),
    ("Our factory in Gyeonggi Province has 30 employees", {"region": "gyeonggi", "employees": 30}),
    ("How big is the DX innovation fund?", {}),
    ("AI 팩토리 지원 규모는 얼마인가요?", {}),
])
def test_reads_the_facts_a_message_states_and_nothing_else(text, facts):
    assert READER.read(text).known() == facts


def test_a_later_turn_corrects_an_earlier_one():
    profile = READER.read("경북 제조업, 직원 45명").merged(READER.read("아, 직원은 52명입니다"))
    assert profile.known() == {"region": "gyeongbuk", "sector": "manufacturing", "employees": 52}


def test_values_read_as_labels_in_both_languages():
    assert label("region", "gyeongbuk", "ko") == "경북" and label("region", "gyeongbuk", "en") == "North Gyeongsang"
    assert label("revenue_krw", 1_200_000_000, "ko") == "12.0억 원"
    assert label("tax_arrears", False, "en") == "no" and label("certifications", ("venture",), "ko") == "벤처기업"


def test_a_profile_refuses_unknown_codes_in_words():
    with pytest.raises(ValueError, match="'gyeongbok' is not a region code"):
        Profile(region="gyeongbok")
