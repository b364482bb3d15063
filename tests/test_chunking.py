from assistant.chunking import chunk_pages, heading_of, quotable_sentences, sentence_pieces
from assistant.config import ChunkingSettings
from assistant.schema import Chunk, Page


def test_markdown_headings_stay_with_their_text():
    text = "# 계획\n\n## 목표\n2030년까지 AI 팩토리 500개.\n\n## 협력\nAI 선도모델 15개."
    chunks = chunk_pages([Page("plan.md", None, text, "계획")], ChunkingSettings())
    assert [(c.heading, c.text) for c in chunks] == [("목표", "목표\n2030년까지 AI 팩토리 500개."), ("협력", "협력\nAI 선도모델 15개.")]
    assert all(c.source == "plan.md" and c.title == "계획" and c.language == "ko" for c in chunks)
    assert [c.position for c in chunks] == [0, 1]


def test_pdf_heading_carries_over_to_the_next_page():
    pages = [
        Page("p.pdf", 1, "1. 지원 내용\n기업당 지원 금액은 공고문에 따른다.", "t"),
        Page("p.pdf", 2, "이어지는 설명 문장이 여기에 있다.\n- 2 -", "t"),
    ]
    chunks = chunk_pages(pages, ChunkingSettings())
    assert [(c.page, c.heading) for c in chunks] == [(1, "1. 지원 내용"), (2, "1. 지원 내용")]
    assert "- 2 -" not in chunks[1].text


def test_long_sections_are_split_and_each_piece_keeps_the_heading():
    body = " ".join(f"문장 번호 {i}은 스마트공장 지원에 관한 설명이다." for i in range(60))
    chunks = chunk_pages([Page("long.md", None, f"## 긴 섹션\n{body}", "t")], ChunkingSettings(chunk_size=200, chunk_overlap=20))
    assert len(chunks) > 5
    assert all(c.text.startswith("긴 섹션\n") and len(c.text) <= 200 + len("긴 섹션\n") for c in chunks)


def test_heading_detection():
    assert heading_of("## 목표", None) == "목표"
    assert heading_of("2. 신청 방법", "신청은 온라인으로 받는다는 내용이 길게 이어진다.") == "2. 신청 방법"
    assert heading_of("지원 대상은 중소기업이다.", "다음 줄") is None
    assert heading_of("짧은 줄", None) is None
    assert heading_of("1. 개요", "이 문서는 지원사업의 개요를 설명한다.") == "1. 개요"
    assert heading_of("지원 예정임", "다음 줄이 더 길게 이어지는 설명 문장이다.") is None


def test_a_markdown_table_is_never_taken_for_a_heading():
    from assistant.chunking import heading_of

    assert heading_of("| --- | --- |", "| 긴급경영안정자금 | 2,500억 원 |") is None
    assert heading_of("| 구분 | 규모 |", "| --- | --- |") is None
    assert heading_of("지원 규모", "| 구분 | 규모 |") == "지원 규모"


def test_notice_structure_reads_as_separate_sentences():
    """□ ○ ※ items, dotted dates and table rows as ministries write them."""
    text = (
        "□ 중소벤처기업부는 2025. 10. 30.(목) 통합공고를 실시했다. 모두 12개 사업이 담겼다.\n"
        "○ AI 공장 구축을 단계별로 지원\n※ 자격 요건은 개별 공고에서 확인\n"
        "| 구분 | 2026년 지원 규모 |\n| --- | --- |\n| 자율형공장 | 30개 과제 |\n| 제조AI특화 스마트공장 | 400개 과제 |"
    )
    assert sentence_pieces(Chunk(f"공고\n{text}", "notice.md", 1, "공고", "통합공고", "ko", 0)) == [
        ("중소벤처기업부는 2025. 10. 30.(목) 통합공고를 실시했다.", ""),
        ("모두 12개 사업이 담겼다.", ""),
        ("AI 공장 구축을 단계별로 지원", ""),
        ("자격 요건은 개별 공고에서 확인", ""),
        ("자율형공장 | 30개 과제", "구분 | 2026년 지원 규모"),
        ("제조AI특화 스마트공장 | 400개 과제", "구분 | 2026년 지원 규모"),
    ]


def test_quotable_sentences_leave_out_fragments_and_the_title():
    text = "지원\n기업당 최대 1억 원을 지원한다.\n※ 참고\n□ 2026년 통합공고"
    chunk = Chunk(text, "n.md", 1, "지원", "2026년 통합공고", "ko", 0)
    assert quotable_sentences(chunk) == ["기업당 최대 1억 원을 지원한다."]


def test_a_press_releases_list_of_attachments_is_not_quotable():
    text = "모집\n참여기업은 7월 28일까지 모집한다.\n붙임  2022년 스마트공장 지원사업 공고문 1부.\nAttachment: call for applications."
    chunk = Chunk(text, "n.md", 1, "모집", "보도자료", "ko", 0)
    assert quotable_sentences(chunk) == ["참여기업은 7월 28일까지 모집한다."]
