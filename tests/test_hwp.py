"""HWP 5 and HWPX files, written by corpus_src/build_hwp.py or python-hwpx and read back for real: text, tables,
refusals of damaged, protected and mislabelled files, and retrieval from a real index."""

import importlib.util
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import IngestSettings
from assistant.embeddings import make_embeddings
from assistant.glossary import QueryExpander, load_glossary
from assistant.indexer import index_files
from assistant.ingest import IngestError, load_file
from assistant.question import parse_question
from assistant.retrieval import HybridRetriever
from assistant.store import ChunkStore
from assistant.tokens import Tokenizer

LIMITS = IngestSettings()
BUILD_SCRIPT = Path(__file__).resolve().parents[1] / "corpus_src" / "build_hwp.py"

NOTICE_MD = """# 2026년 스마트공장 구축 지원사업 공고

## 1. 사업 개요

□ 중소벤처기업부는 2026년 스마트공장 구축 지원사업에 참여할 **제조 중소기업**을 모집한다.

○ 선정된 기업은 구축 비용의 50% 이내에서 정부 지원금을 받는다.

※ 세부 요건은 붙임 공고문을 따른다.

## 2. 지원 내용

| 구분 | 지원 한도 | 지원 기간 |
| --- | --- | --- |
| 기초 단계 | 4,000만 원 | 6개월 |
| 고도화 단계 | 1억 2,000만 원 | 12개월 |

## 3. 신청 방법

가. 신청은 2026. 3. 31.(화)까지 스마트공장 누리집에서 받는다.
"""


def _build_script():
    spec = importlib.util.spec_from_file_location("build_hwp", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_notice(folder: Path, fmt: str, stem: str = "smart_factory_notice", markdown: str = NOTICE_MD) -> Path:
    source = folder / f"{stem}.md"
    folder.mkdir(parents=True, exist_ok=True)
    source.write_text(markdown, encoding="utf-8")
    out = _build_script().build(source, fmt, folder)
    source.unlink()
    return out


@pytest.mark.parametrize("fmt", ["hwpx", "hwp"])
def test_a_built_notice_reads_back_with_its_sentences_and_table(tmp_path, fmt):
    path = build_notice(tmp_path, fmt)
    assert path.suffix == f".{fmt}" and path.read_bytes()[:4] == (b"PK\x03\x04" if fmt == "hwpx" else b"\xd0\xcf\x11\xe0")
    [page] = load_file(path, LIMITS)
    assert page.page is None and page.source == path.name and page.title == "2026년 스마트공장 구축 지원사업 공고"
    lines = page.text.splitlines()
    assert "□ 중소벤처기업부는 2026년 스마트공장 구축 지원사업에 참여할 제조 중소기업을 모집한다." in lines
    assert "※ 세부 요건은 붙임 공고문을 따른다." in lines
    table = lines.index("| 구분 | 지원 한도 | 지원 기간 |")
    assert lines[table + 1 : table + 4] == [
        "| --- | --- | --- |", "| 기초 단계 | 4,000만 원 | 6개월 |", "| 고도화 단계 | 1억 2,000만 원 | 12개월 |",
    ]
    assert lines[table - 1] == "2. 지원 내용" and lines[table + 4] == "3. 신청 방법"


def test_build_script_runs_from_the_command_line(tmp_path):
    import subprocess
    import sys

    source = tmp_path / "notice.md"
    source.write_text(NOTICE_MD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), str(source), "--format", "hwp", "--out-dir", str(tmp_path / "out")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "notice.md -> " in done.stdout and (tmp_path / "out" / "notice.hwp").is_file()
    untitled = tmp_path / "untitled.md"
    untitled.write_text("본문만 있다.\n", encoding="utf-8")
    refused = subprocess.run([sys.executable, str(BUILD_SCRIPT), str(untitled), "--format", "hwpx"],
                             capture_output=True, text=True, check=False)
    assert refused.returncode == 1 and "no '# Title' line" in refused.stderr


def _hwpx_document():
    from hwpx import HwpxDocument

    return HwpxDocument.new()


def test_merged_cells_boxes_and_notes_are_read_as_a_notice_means_them(tmp_path):
    doc = _hwpx_document()
    doc.add_paragraph("권역별 지역 구성")
    table = doc.add_table(3, 3)
    for r, row in enumerate([["구분", "권역", "지역"], ["5극", "동남권", "부산·울산·경남"], ["", "대경권", "대구·경북"]]):
        for c, text in enumerate(row):
            table.set_cell_text(r, c, text)
    table.merge_cells(1, 0, 2, 0)  # '5극' spans both rows, as in a real notice
    box = doc.add_table(2, 1)
    box.set_cell_text(0, 0, "< 모집 개요 >")
    box.set_cell_text(1, 0, "◇ 모집인원 : 약 70명 | 선착순")
    note = doc.add_paragraph("지원 금액은 국비 기준이다.")
    note.add_footnote("2025년 본예산 기준 금액임")
    path = tmp_path / "regions.hwpx"
    doc.save_to_path(path)
    lines = load_file(path, LIMITS)[0].text.splitlines()
    assert lines[1:4] == ["| 구분 | 권역 | 지역 |", "| --- | --- | --- |", "| 5극 | 동남권 | 부산·울산·경남 |"]
    assert lines[4] == "| 5극 | 대경권 | 대구·경북 |"  # the row-spanning cell is repeated, so the row stands alone
    assert lines[5:7] == ["< 모집 개요 >", "◇ 모집인원 : 약 70명 | 선착순"]  # a one-column box is text, not a table
    assert lines[7:] == ["지원 금액은 국비 기준이다.", "2025년 본예산 기준 금액임"]


def test_a_press_release_starting_with_a_one_row_table_takes_its_title_from_the_first_line(tmp_path):
    doc = _hwpx_document()
    header = doc.add_table(1, 2)  # the '보도시점' strip at the top of a 보도자료
    header.set_cell_text(0, 0, "보도시점")
    header.set_cell_text(0, 1, "2026. 1. 5.(월) 조간")
    doc.add_paragraph("정부, 스마트공장 지원 확대")
    path = tmp_path / "press.hwpx"
    doc.save_to_path(path)
    [page] = load_file(path, LIMITS)
    # A lone row has no header to rule off: it stays a row the reader quotes, and it is not the title.
    assert page.text.splitlines() == ["| 보도시점 | 2026. 1. 5.(월) 조간 |", "정부, 스마트공장 지원 확대"]
    assert page.title == "정부, 스마트공장 지원 확대"


def test_a_pipe_inside_a_table_cell_does_not_split_the_row(tmp_path):
    doc = _hwpx_document()
    table = doc.add_table(2, 2)
    for r, row in enumerate([["항목", "내용"], ["문의", "전화 | 이메일"]]):
        for c, text in enumerate(row):
            table.set_cell_text(r, c, text)
    path = tmp_path / "pipe.hwpx"
    doc.save_to_path(path)
    assert load_file(path, LIMITS)[0].text.splitlines()[-1] == "| 문의 | 전화 / 이메일 |"


@pytest.mark.parametrize("fmt", ["hwpx", "hwp"])
@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_a_truncated_file_is_refused_as_damaged(tmp_path, fmt, keep):
    good = build_notice(tmp_path / "good", fmt).read_bytes()
    broken = tmp_path / f"broken.{fmt}"
    broken.write_bytes(good[: int(len(good) * keep)])
    with pytest.raises(IngestError, match=f"the {fmt.upper()} file is damaged and cannot be read .*download or copy it again"):
        load_file(broken, LIMITS)


def _patch_file_header(data: bytes, flag: int) -> bytes:
    """Set a property flag in an HWP 5 FileHeader (stored uncompressed: signature, version, then the flags)."""
    at = data.index(b"HWP Document File\x00") + 36
    patched = bytearray(data)
    patched[at] |= flag
    return bytes(patched)


@pytest.mark.parametrize(
    "flag, reason",
    [(0x02, "the HWP file is password-protected"), (0x04, "distribution \\(배포용\\) or DRM-protected")],
)
def test_a_protected_hwp_is_refused_with_what_to_do(tmp_path, flag, reason):
    path = build_notice(tmp_path, "hwp")
    path.write_bytes(_patch_file_header(path.read_bytes(), flag))
    with pytest.raises(IngestError, match=reason):
        load_file(path, LIMITS)


def test_an_ole_file_that_is_not_hwp_is_named_as_such(tmp_path):
    """An old .doc or .xls is an OLE compound file too; here the HWP stream is renamed so none is found."""
    path = build_notice(tmp_path, "hwp")
    name = "FileHeader".encode("utf-16-le")
    path.write_bytes(path.read_bytes().replace(name, "WordHeader".encode("utf-16-le")))
    with pytest.raises(IngestError, match="an OLE compound file .* but not an HWP document"):
        load_file(path, LIMITS)


def test_a_password_protected_hwpx_is_refused(tmp_path):
    """Hangul encrypts each part and declares it in the ODF manifest, with the ciphertext in the archive."""
    plain = zipfile.ZipFile(build_notice(tmp_path / "plain", "hwpx"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for info in plain.infolist():
            data = plain.read(info)
            if info.filename == "META-INF/manifest.xml":
                data = (
                    b'<?xml version="1.0" encoding="UTF-8"?><odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:'
                    b'xmlns:manifest:1.0"><odf:file-entry odf:full-path="Contents/section0.xml" odf:media-type='
                    b'"application/xml"><odf:encryption-data odf:checksum-type="SHA1" odf:checksum="AAAA">'
                    b'<odf:algorithm odf:algorithm-name="AES256-CBC" odf:initialisation-vector="AAAA"/>'
                    b"</odf:encryption-data></odf:file-entry></odf:manifest>"
                )
            elif info.filename == "Contents/section0.xml":
                data = bytes(range(256)) * 8
            package.writestr(info, data)
    path = tmp_path / "locked.hwpx"
    path.write_bytes(out.getvalue())
    with pytest.raises(IngestError, match="the HWPX file is password-protected; remove the password"):
        load_file(path, LIMITS)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("renamed.hwpx", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
         "a ZIP archive but not an HWPX document"),
        ("text.hwpx", "공고 내용입니다.".encode(), "named .hwpx but is not an HWP or HWPX document"),
        ("random.hwp", bytes(range(256)) * 40, "named .hwp but is not an HWP or HWPX document"),
        ("old.hwp", b"HWP Document File V3.00 \x1a\x01\x02\x03\x04\x05" + b"\x00" * 200, "HWP 3.x document"),
        ("report.hwp", b"%PDF-1.4 ...", "rename it to .pdf"),
        ("sheet.hwp", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1000, "the HWP file is damaged"),
    ],
)
def test_files_that_are_not_hwp_get_a_clear_reason(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError, match=reason):
        load_file(path, LIMITS)


def test_text_that_is_mostly_symbol_font_glyphs_is_refused_and_a_few_are_dropped(tmp_path):
    glyphs = "".join(chr(0xF020 + i) for i in range(40))
    garbled = build_notice(tmp_path, "hwpx", "garbled", f"# {glyphs}\n\n{glyphs} {glyphs}\n")
    with pytest.raises(IngestError, match="not Unicode characters"):
        load_file(garbled, LIMITS)
    bullets = build_notice(tmp_path, "hwpx", "bullets", NOTICE_MD.replace("※ 세부", "\uf06d 세부"))
    assert "세부 요건은 붙임 공고문을 따른다." in load_file(bullets, LIMITS)[0].text
    assert "\uf06d" not in load_file(bullets, LIMITS)[0].text


def _store(settings):
    return ChunkStore(settings.store, settings.index_dir, make_embeddings(settings.embeddings))


@pytest.mark.model
def test_hwp_and_hwpx_notices_are_indexed_and_their_table_rows_retrieved(settings, tmp_path):
    folder = tmp_path / "notices"
    build_notice(folder, "hwpx", "factory_2026")
    build_notice(folder, "hwp", "factory_2026_copy")
    (folder / "truncated.hwp").write_bytes((folder / "factory_2026_copy.hwp").read_bytes()[:3000])
    store = _store(settings)
    report = index_files([folder], store, Tokenizer(), settings)
    assert sorted(Path(p).name for p in report.indexed) == ["factory_2026.hwpx", "factory_2026_copy.hwp"]
    assert [Path(f.path).name for f in report.failures] == ["truncated.hwp"] and "damaged" in report.failures[0].reason

    chunks = store.snapshot().chunks
    assert {c.source for c in chunks} == {"factory_2026.hwpx", "factory_2026_copy.hwp"}  # nothing of the broken file
    for source in ("factory_2026.hwpx", "factory_2026_copy.hwp"):
        text = "\n".join(c.text for c in chunks if c.source == source)
        assert "| 고도화 단계 | 1억 2,000만 원 | 12개월 |" in text
        assert "○ 선정된 기업은 구축 비용의 50% 이내에서 정부 지원금을 받는다." in text
        assert {c.page for c in chunks if c.source == source} == {None}

    tokenizer = Tokenizer()
    expander = QueryExpander(tokenizer, load_glossary("bundled", tokenizer))
    retriever = HybridRetriever(_store(settings), settings.retrieval, expander)
    hits = retriever.search(parse_question("고도화 단계 지원 한도는 얼마인가요?", expander, 2000), 2)
    assert {h.chunk.source for h in hits} == {"factory_2026.hwpx", "factory_2026_copy.hwp"}
    assert all("1억 2,000만 원" in h.chunk.text for h in hits)


@pytest.mark.model
def test_cli_lists_skipped_types_and_names_a_fake_hwpx(tmp_path):
    folder = tmp_path / "inbox"
    build_notice(folder, "hwpx", "notice")
    (folder / "minutes.docx").write_bytes(_zip({"word/document.xml": b"<w:document/>"}))
    (folder / "fake.hwpx").write_text("이것은 HWPX가 아니다.", encoding="utf-8")
    (folder / ".hidden.docx").write_bytes(b"x")
    result = CliRunner().invoke(main, ["ingest", str(folder), "--index", str(tmp_path / "idx")])
    assert result.exit_code == 1
    assert "Indexed 1 file(s): 1 page(s)" in result.stdout and "1 skipped; 1 failed." in result.stdout
    assert result.stderr.splitlines() == [
        f"SKIPPED {folder / 'minutes.docx'}: file type '.docx' is not read; supported: .pdf, .hwp, .hwpx, .md, "
        ".markdown, .txt",
        f"FAILED {folder / 'fake.hwpx'}: the file is named .hwpx but is not an HWP or HWPX document",
    ]
