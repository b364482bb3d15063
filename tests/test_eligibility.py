"""The eligibility engine: each rule, '중소기업' that cannot tell small from medium, verdicts, ranking."""

import pytest

from assistant.eligibility import assess, check, match
from assistant.profile import Profile
from assistant.programs import load_cards

from conftest import write_programs


@pytest.fixture(scope="module")
def cards(tmp_path_factory):
    programs, _ = write_programs(tmp_path_factory.mktemp("cards"))
    return {card.id: card for card in load_cards(programs)}


def _criterion(cards, field):
    return next(c for card in cards.values() for c in card.criteria if c.field == field)


@pytest.mark.parametrize("field, profile, status", [
    ("sector", {"sector": "manufacturing"}, "met"),
    ("sector", {"sector": "ict"}, "not_met"),
    ("sector", {}, "unknown"),
    ("region", {"region": "gyeongbuk"}, "met"),
    ("region", {"region": "gyeonggi"}, "not_met"),
    ("size_class", {"size_class": "sme"}, "met"),  # every SME class is allowed
    ("size_class", {"size_class": "middle"}, "not_met"),
    ("years_in_business", {"years_in_business": 6.9}, "met"),
    ("years_in_business", {"years_in_business": 7}, "not_met"),  # 'below 7': exactly 7 is out
    ("tax_arrears", {"tax_arrears": False}, "met"),
    ("tax_arrears", {"tax_arrears": True}, "not_met"),
])
def test_each_rule(cards, field, profile, status):
    assert check(_criterion(cards, field), Profile(**profile)) == status


def test_sme_is_unknown_when_the_card_allows_only_some_sme_classes(cards):
    small_only = _criterion(cards, "size_class").model_copy(update={"value": ("small",)})
    assert check(small_only, Profile(size_class="sme")) == "unknown"
    assert check(small_only, Profile(size_class="small")) == "met"


def test_verdicts_and_what_to_ask_or_change(cards):
    card = cards["test-factory"]
    full = {"sector": "manufacturing", "size_class": "small", "region": "gyeongbuk", "tax_arrears": False}
    assert assess(card, Profile(**full)).verdict == "eligible"

    arrears = assess(card, Profile(**{**full, "tax_arrears": True}))
    assert arrears.verdict == "not_eligible" and arrears.next_question("ko") is None
    assert [f.ko for f in arrears.fixes] == ["체납액을 모두 내면 신청할 수 있습니다."]

    # Unknown facts are asked in a fixed order (where before what size), never judged as failures.
    partial = assess(card, Profile(sector="manufacturing"))
    assert partial.verdict == "need_info" and partial.next_field == "region"
    assert partial.next_question("en") == "In which city or province is your business located?"
    # A failing criterion decides even when others are unknown.
    assert assess(card, Profile(region="seoul")).verdict == "not_eligible"


def test_match_ranks_eligible_then_fewest_open_questions(cards):
    ranked = match(list(cards.values()), Profile(years_in_business=2, sector="manufacturing"))
    assert [(a.card.id, a.verdict) for a in ranked] == [("test-startup-loan", "eligible"), ("test-factory", "need_info")]
    ranked = match(list(cards.values()), Profile(years_in_business=9, sector="manufacturing"))
    assert [a.verdict for a in ranked] == ["need_info", "not_eligible"]


def test_the_json_shape_of_assistant_match(cards):
    line = assess(cards["test-factory"], Profile(sector="manufacturing")).to_dict("en")
    assert line["program"] == "test-factory" and line["name"] == "Test smart factory support"
    assert line["verdict"] == "need_info" and line["next_question"]
    first = line["criteria"][0]
    assert first["status"] == "met" and first["criterion"] == "A manufacturer"
    assert first["citation"] == {"source": "notice_ko.md", "page": None, "clause": "2. 신청 자격", "snippet": "제조업을 영위하는 중소기업"}
