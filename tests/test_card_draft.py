"""A card drafted from a notice: the clauses that state eligibility become criteria with their quotes."""

from click.testing import CliRunner

from assistant.card_draft import TODO, draft_card
from assistant.cli import main
from assistant.config import IngestSettings

from conftest import NOTICE_MD


def test_a_draft_turns_eligibility_clauses_into_quoted_criteria(tmp_path):
    notice = tmp_path / "notice_ko.md"
    notice.write_text(NOTICE_MD + "\n## 4. 지원 내용\n\n○ 중소기업 정책자금과 함께 받을 수 있습니다.\n\n○ 업력 7년 미만 기업은 우대합니다.\n",
                      encoding="utf-8")
    card = draft_card(notice, "test-draft", IngestSettings())
    found = {(c["field"], c["rule"]): c for c in card["criteria"]}
    assert set(found) == {("sector", "in"), ("size_class", "in"), ("region", "not_in"), ("tax_arrears", "is"),
                          ("years_in_business", "below")}
    assert found[("region", "not_in")]["value"] == ["seoul", "incheon", "gyeonggi"]
    assert found[("years_in_business", "below")]["value"] == 7
    assert found[("tax_arrears", "is")]["cite"] == {
        "document": "notice_ko.md", "page": None, "clause": "3. 신청 제외 대상", "quote": "국세 또는 지방세를 체납 중인 기업"}
    # '중소기업' outside an eligibility clause is not read as a size rule; what it cannot tell is left to review.
    assert found[("size_class", "in")]["cite"]["clause"] == "2. 신청 자격"
    assert card["name"] == {"ko": TODO, "en": TODO}


def test_cards_draft_prints_yaml_or_names_an_unreadable_notice(tmp_path):
    notice = tmp_path / "공고.md"
    notice.write_text(NOTICE_MD, encoding="utf-8")
    result = CliRunner().invoke(main, ["cards", "draft", str(notice), "--id", "my-program"])
    assert result.exit_code == 0 and result.output.startswith("id: my-program\n")
    assert "quote: 비수도권에 소재한 기업" in result.output or "quote: 제조업을 영위하는 중소기업으로서 비수도권에 소재한 기업" in result.output
    empty = tmp_path / "empty.md"
    empty.write_text("")
    failed = CliRunner().invoke(main, ["cards", "draft", str(empty)])
    assert failed.exit_code == 1 and "the file is empty" in failed.output
