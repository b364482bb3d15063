import pytest
from pypdf import PdfWriter

from assistant.config import IngestSettings
from assistant.ingest import IngestError, find_files, load_file
from conftest import write_ksc_pdf, write_pdf

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


def test_ksc_euc_pdf_is_refused_with_the_reason(tmp_path):
    pdf = write_ksc_pdf(tmp_path / "old.pdf", ["스마트공장 구축 지원사업 안내", "신청: 중소벤처기업부"])
    with pytest.raises(IngestError, match="font encoding"):
        load_file(pdf, LIMITS)


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
        ("sheet.xlsx", b"PK\x03\x04", "unsupported file type"),
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
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "d.pdf").write_bytes(b"x")
    assert [p.name for p in find_files([tmp_path])] == ["a.md", "d.pdf"]
