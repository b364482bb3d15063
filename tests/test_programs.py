"""Program cards: validation that names the file and field, program names in text, and the shipped cards."""

from pathlib import Path

import pytest

from assistant.config import IngestSettings, Settings
from assistant.eligibility_eval import citation_problems
from assistant.programs import CardError, find_programs, load_card, load_cards

from conftest import CARDS, write_programs

ROOT = Path(__file__).resolve().parents[1]


def _card(tmp_path, text: str, name: str = "test-factory") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_test_cards_load_and_their_quotes_are_in_the_notice(tmp_path):
    programs, notices = write_programs(tmp_path)
    cards = load_cards(programs)
    assert [c.id for c in cards] == ["test-factory", "test-startup-loan"]
    assert cards[0].criteria[2].value == ("seoul", "incheon", "gyeonggi")
    assert citation_problems(cards, notices, IngestSettings()) == []


@pytest.mark.parametrize("change, where, why", [
    (("field: sector", "field: industry"), "criteria[0].field", "not a profile field"),
    (("value: [seoul, incheon, gyeonggi]", "value: [seoul, gyeongbok]"), "criteria[2].value", "'gyeongbok' not a region code"),
    (("rule: below", "rule: in"), "criteria[0].rule", "rule 'in' does not apply to years_in_business"),
    (("value: false", "value: maybe"), "criteria[3].value", "must be true or false"),
    (("ministry:", "ministy:"), "ministy", "Extra inputs are not permitted"),
])
def test_a_bad_card_names_its_file_and_field(tmp_path, change, where, why):
    name = "test-startup-loan" if "below" in change[0] else "test-factory"
    path = _card(tmp_path, CARDS[name].replace(*change), name)
    with pytest.raises(CardError) as error:
        load_card(path)
    message = str(error.value)
    assert str(path) in message and where in message and why in message


def test_a_card_whose_id_is_not_its_file_name_or_not_yaml_is_refused(tmp_path):
    with pytest.raises(CardError, match="id: 'test-factory' must equal the file name 'renamed'"):
        load_card(_card(tmp_path, CARDS["test-factory"], "renamed"))
    with pytest.raises(CardError, match="cannot be read as YAML"):
        load_card(_card(tmp_path, "id: [unclosed", "broken"))


def test_load_cards_reports_every_bad_card_at_once(tmp_path):
    _card(tmp_path, CARDS["test-factory"].replace("field: sector", "field: industry"))
    _card(tmp_path, "- just a list", "listed")
    with pytest.raises(CardError) as error:
        load_cards(tmp_path)
    assert "listed.yaml: a card is a YAML mapping" in str(error.value) and "criteria[0].field" in str(error.value)


def test_a_missing_quote_is_a_citation_problem(tmp_path):
    programs, notices = write_programs(tmp_path)
    (notices / "notice_ko.md").write_text("# 공고\n\n제조업을 영위하는 중소기업\n", encoding="utf-8")
    problems = citation_problems(load_cards(programs), notices, IngestSettings())
    assert [p.split(":")[:2] for p in problems] == [
        ["test-factory", " criteria[2] cites notice_ko.md"], ["test-factory", " criteria[3] cites notice_ko.md"],
        ["test-startup-loan", " criteria[0] cites notice_ko.md"],
    ]
    assert all(p.endswith("\"") and "the quote is not there" in p for p in problems)


def test_a_criterion_text_stating_what_its_quote_does_not_is_a_citation_problem(tmp_path):
    programs, notices = write_programs(tmp_path)
    card = programs / "test-startup-loan.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("업력 7년 미만\"", "업력 5년 미만\""), encoding="utf-8")
    assert citation_problems(load_cards(programs), notices, IngestSettings()) == [
        "test-startup-loan: criteria[0] cites notice_ko.md: its text states 5, which the quote does not"]


def test_programs_are_named_by_their_longest_alias(tmp_path):
    programs, _ = write_programs(tmp_path)
    cards = load_cards(programs)
    assert find_programs(cards, "시험 공장 지원을 받을 수 있나요?") == ("test-factory",)
    assert find_programs(cards, "Can we get the TEST FACTORY support?") == ("test-factory",)
    assert find_programs(cards, "시험창업 융자와 시험 스마트공장 지원") == ("test-factory", "test-startup-loan")
    assert find_programs(cards, "규제자유특구는 무엇인가요?") == ()


@pytest.mark.parametrize("text", [
    "How much does the government pay for the AI application rapid commercialisation programme?",  # name, no brackets
    "Wie viel Geld hat das Programm zur schnellen Kommerzialisierung von KI-Anwendungen?",  # a German name
])
def test_shipped_programs_are_named_without_their_brackets_and_in_german(text):
    assert find_programs(load_cards(ROOT / "programs"), text) == ("ai-application-commercialization",)


def test_shipped_cards_validate_and_every_criterion_quotes_its_document():
    settings = Settings()
    cards = load_cards(ROOT / "programs")
    assert len(cards) >= 10
    assert citation_problems(cards, ROOT / "corpus", settings.ingest) == []
    for card in cards:
        documents = {s.document for s in card.sources if s.document}
        assert {c.cite.document for c in card.criteria} <= documents | {p.name for p in (ROOT / "corpus").iterdir()}
