from pathlib import Path

import pytest
from pypdf import PdfWriter

from assistant.config import IngestSettings
from assistant.ingest import IngestError, find_files, load_file, unread_files
from conftest import KSC_FONT, write_cmap_pdf, write_ksc_pdf, write_pdf

LIMITS = IngestSettings()


def test_pdf_pages_keep_numbers_and_korean_text(tmp_path):
    pdf = write_pdf(tmp_path / "a.pdf", [["첫 페이지 AI 팩토리 500개"], ["둘째 페이지 4,000억 원"]], title="안내서")
    pages = load_file(pdf, LIMITS)
    assert [p.page for p in pages] == [1, 2]
    assert "AI 팩토리 500개" in pages[0].text and "4,000억 원" in pages[1].text
    assert {p.title for p in pages} == {"안내서"} and pages[0].source == "a.pdf"


def test_pdf_without_title_takes_first_line(tmp_path):
    pages = load_file(write_pdf(tmp_path / "b.pdf", [["스마트공장 안내", "본문입니다."]]), LIMITS)
    assert pages[0].title == "스마트공장 안내"


def test_markdown_title_and_cp949_text(tmp_path):
    md = tmp_path / "doc.md"
    md.write_text("# 제목\n\n본문", encoding="utf-8")
    assert load_file(md, LIMITS)[0].title == "제목"
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("규제자유특구 안내".encode("cp949"))
    assert load_file(legacy, LIMITS)[0].text == "규제자유특구 안내"


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def hexstr(text: str, codec: str = "euc-kr") -> bytes:
    return b"<" + text.encode(codec).hex().encode() + b">"


def test_ksc_euc_pdf_is_decoded_line_by_line(tmp_path):
    lines = ["스마트공장 구축 지원사업 안내", "기업당 최대 4,000만 원, 구축 비용의 50% 지원", "신청: 중소벤처기업부"]
    pages = load_file(write_ksc_pdf(tmp_path / "old.pdf", lines), LIMITS)
    assert [p.page for p in pages] == [1]
    assert pages[0].text.splitlines() == lines
    assert pages[0].title == lines[0]


@pytest.mark.parametrize(
    "encoding, shown",
    [
        (b"/GBK-EUC-H", b"<fffe80fffffe80ff81208120>"),  # a CMap pypdf knows, but the bytes are no GBK text
        (b"/KSC-Johab-H", hexstr("한국어 문서", "johab")),  # a Korean CMap whose byte layout is not EUC-KR
        (b"/KSC-EUC-H", b"<fffe80fffffe80ff80ff80ff>"),  # a KSC font whose bytes are no EUC-KR text
    ],
)
def test_undecodable_cmap_text_is_refused_with_the_reason(tmp_path, encoding, shown):
    content = b"BT /F1 14 Tf 72 760 Td " + shown + b" Tj ET"
    pdf = write_cmap_pdf(tmp_path / "odd.pdf", content, {b"F1": KSC_FONT % encoding})
    with pytest.raises(IngestError, match="font encoding"):
        load_file(pdf, LIMITS)


def test_ksc_tj_kerning_is_ignored_and_a_wide_gap_is_a_space(tmp_path):
    content = b"BT /F1 12 Tf 72 760 Td [%s -30 %s 15 %s -500 %s] TJ ET" % (
        hexstr("스마"), hexstr("트"), hexstr("공장"), hexstr("안내")
    )
    pdf = write_cmap_pdf(tmp_path / "tj.pdf", content, {b"F1": KSC_FONT % b"/KSC-EUC-H"})
    assert load_file(pdf, LIMITS)[0].text == "스마트공장 안내"


def test_ksc_page_keeps_plain_latin_font_text_and_line_order(tmp_path):
    content = (
        b"BT /F2 16 Tf 1 0 0 1 72 780 Tm (Smart Factory) Tj /F1 12 Tf 1 0 0 1 72 760 Tm %s Tj "
        b"1 0 0 1 200 760 Tm %s Tj 14 TL %s ' ET BT /F1 12 Tf 72 700 Td (2024) Tj ET"
        % (hexstr("구축"), hexstr(" 지원사업"), hexstr("신청 안내"))
    )
    pdf = write_cmap_pdf(tmp_path / "mixed.pdf", content, {b"F1": KSC_FONT % b"/KSC-EUC-H", b"F2": HELVETICA})
    assert load_file(pdf, LIMITS)[0].text.splitlines() == ["Smart Factory", "구축 지원사업", "신청 안내", "2024"]


def test_encrypted_pdf_is_refused(tmp_path):
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(IngestError, match="password"):
        load_file(path, LIMITS)


def test_truncated_pdf_is_refused(tmp_path):
    good = write_pdf(tmp_path / "good.pdf", [["내용"]]).read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(good[: len(good) // 3])
    with pytest.raises(IngestError):
        load_file(broken, LIMITS)


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("empty.md", b"", "empty"),
        ("fake.pdf", "그냥 텍스트".encode(), "not a PDF"),
        ("real.txt", b"%PDF-1.4 ...", "rename it to .pdf"),
        ("bin.txt", b"\x00\x01\x02binary", "binary"),
        ("sheet.xlsx", b"PK\x03\x04", "unsupported file type '.xlsx'; supported: .pdf, .hwp, .hwpx"),
        ("blank.md", b"   \n\n", "no text"),
    ],
)
def test_bad_files_get_a_clear_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=reason):
        load_file(path, LIMITS)


def test_limits_on_size_and_pages(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("가" * 400_000, encoding="utf-8")
    with pytest.raises(IngestError, match="limit"):
        load_file(big, IngestSettings(max_file_mb=1))
    pdf = write_pdf(tmp_path / "long.pdf", [["1"], ["2"], ["3"]])
    with pytest.raises(IngestError, match="3 pages"):
        load_file(pdf, IngestSettings(max_pages=2))


def test_find_files_walks_folders_and_skips_hidden_and_unsupported(tmp_path):
    (tmp_path / "a.md").write_text("x")
    (tmp_path / "b.png").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("x")
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.pdf").write_bytes(b"x")
    (tmp_path / "sub" / "e.HWPX").write_bytes(b"x")
    (tmp_path / "sub" / "f.hwp").write_bytes(b"x")
    (tmp_path / "sub" / "Makefile").write_text("x")
    assert [name for _, name in find_files([tmp_path])] == ["a.md", "sub/d.pdf", "sub/e.HWPX", "sub/f.hwp"]
    assert find_files([tmp_path / "sub" / "d.pdf"]) == [(tmp_path / "sub" / "d.pdf", "d.pdf")]


def test_unread_files_names_each_other_type_in_a_folder_but_not_hidden_or_given_files(tmp_path):
    (tmp_path / "a.md").write_text("x")
    (tmp_path / "b.png").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("x")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "minutes.DOCX").write_bytes(b"x")
    (tmp_path / "sub" / "Makefile").write_text("x")
    supported = "supported: .pdf, .hwp, .hwpx, .md, .markdown, .txt"
    assert [(Path(f.path).relative_to(tmp_path).as_posix(), f.reason) for f in unread_files([tmp_path])] == [
        ("b.png", f"file type '.png' is not read; {supported}"),
        ("sub/Makefile", f"file type 'Makefile' is not read; {supported}"),
        ("sub/minutes.DOCX", f"file type '.docx' is not read; {supported}"),
    ]
    assert unread_files([tmp_path / "b.png", tmp_path / "a.md"]) == []


def test_vertical_ksc_text_breaks_columns_on_horizontal_moves(tmp_path):
    content = b"BT /F1 12 Tf 500 760 Td %s Tj 0 -40 Td %s Tj -20 0 Td %s Tj ET" % (
        hexstr("세로"), hexstr("쓰기"), hexstr("둘째 줄")
    )
    pdf = write_cmap_pdf(tmp_path / "vertical.pdf", content, {b"F1": KSC_FONT % b"/KSC-EUC-V"})
    assert load_file(pdf, LIMITS)[0].text.splitlines() == ["세로쓰기", "둘째 줄"]


def test_a_failing_ksc_fallback_ends_in_the_clear_refusal(tmp_path, monkeypatch):
    import assistant.pdf_cjk

    def broken(page, reader):
        raise RuntimeError("unexpected content stream")

    monkeypatch.setattr(assistant.pdf_cjk, "extract_ksc_text", broken)
    with pytest.raises(IngestError, match="font encoding"):
        load_file(write_ksc_pdf(tmp_path / "old.pdf", ["스마트공장 안내"]), LIMITS)
