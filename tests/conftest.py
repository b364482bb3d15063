"""Shared fixtures: settings over a temporary index, real Korean PDFs, and a service over a small corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.service import AssistantService

AI_FACTORY_MD = """# AI 팩토리 확산 계획

## 목표
산업통상자원부는 2030년까지 AI 팩토리를 500개로 늘릴 계획이다.
M.AX 얼라이언스에는 1,000개가 넘는 기업과 기관이 참여한다.

## 협력 모델
정부는 대·중소기업 협력형 AI 선도모델 15개를 만든다.
"""

DX_FUND_EN = """# Industrial DX Fund

## Size
The industrial digital innovation fund is worth 400 billion won and supports DX investment in small and medium-sized companies.

## Period
The fund is created and operated until 2024.
"""


# A small support notice and two program cards that cite it, for the eligibility tests.
NOTICE_MD = """# 2026년 시험 스마트공장 지원사업 공고

## 2. 신청 자격

□ 제조업을 영위하는 중소기업으로서 비수도권에 소재한 기업

○ 창업 융자는 업력 7년 미만 기업을 지원합니다.

## 3. 신청 제외 대상

○ 국세 또는 지방세를 체납 중인 기업
"""

CARDS = {
    "test-factory": """id: test-factory
name: {ko: "시험 스마트공장 지원", en: "Test smart factory support"}
aliases: ["시험 공장", "test factory"]
ministry: {ko: "중소벤처기업부", en: "Ministry of SMEs and Startups"}
funds: {ko: "공장 자동화 설비", en: "Factory automation"}
sources:
  - {document: notice_ko.md, title: "시험 공고", publisher: "중소벤처기업부", date: 2026-01-02}
criteria:
  - field: sector
    rule: in
    value: [manufacturing]
    text: {ko: "제조업을 영위할 것", en: "A manufacturer"}
    cite: {document: notice_ko.md, page: null, clause: "2. 신청 자격", quote: "제조업을 영위하는 중소기업"}
  - field: size_class
    rule: in
    value: [micro, small, medium]
    text: {ko: "중소기업일 것", en: "An SME"}
    cite: {document: notice_ko.md, page: null, clause: "2. 신청 자격", quote: "제조업을 영위하는 중소기업"}
  - field: region
    rule: not_in
    value: [seoul, incheon, gyeonggi]
    text: {ko: "비수도권 소재", en: "Located outside the capital region"}
    cite: {document: notice_ko.md, page: null, clause: "2. 신청 자격", quote: "비수도권에 소재한 기업"}
  - field: tax_arrears
    rule: is
    value: false
    text: {ko: "국세·지방세 체납이 없을 것", en: "No unpaid national or local taxes"}
    cite: {document: notice_ko.md, page: null, clause: "3. 신청 제외 대상", quote: "국세 또는 지방세를 체납 중인 기업"}
    fix: {ko: "체납액을 모두 내면 신청할 수 있습니다.", en: "Paying the arrears in full makes the company eligible."}
""",
    "test-startup-loan": """id: test-startup-loan
name: {ko: "시험 창업 융자", en: "Test start-up loan"}
ministry: {ko: "중소벤처기업부", en: "Ministry of SMEs and Startups"}
funds: {ko: "창업 초기 자금", en: "Early-stage funding"}
sources:
  - {document: notice_ko.md, title: "시험 공고", publisher: "중소벤처기업부", date: 2026-01-02}
criteria:
  - field: years_in_business
    rule: below
    value: 7
    text: {ko: "업력 7년 미만", en: "Less than 7 years in business"}
    cite: {document: notice_ko.md, page: null, clause: "2. 신청 자격", quote: "업력 7년 미만 기업"}
""",
}


def write_programs(root: Path) -> tuple[Path, Path]:
    """The test cards (root/programs) and the notice they cite (root/notices); returns both folders."""
    (root / "programs").mkdir(parents=True)
    (root / "notices").mkdir(parents=True)
    (root / "notices" / "notice_ko.md").write_text(NOTICE_MD, encoding="utf-8")
    for card_id, text in CARDS.items():
        (root / "programs" / f"{card_id}.yaml").write_text(text, encoding="utf-8")
    return root / "programs", root / "notices"


def write_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    """Write a real PDF with Korean text (reportlab's built-in CID font, no font file needed)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HYSMyeongJo-Medium"))
    pdf = canvas.Canvas(str(path))
    if title:
        pdf.setTitle(title)
    for lines in pages:
        pdf.setFont("HYSMyeongJo-Medium", 11)
        y = 800
        for line in lines:
            pdf.drawString(50, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return path


KSC_FONT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /HYSMyeongJo-Medium /Encoding %s /DescendantFonts [<< /Type /Font "
    b"/Subtype /CIDFontType0 /BaseFont /HYSMyeongJo-Medium /CIDSystemInfo << /Registry (Adobe) /Ordering (Korea1) "
    b"/Supplement 1 >> /DW 1000 >>] >>"
)


def write_cmap_pdf(path: Path, content: bytes, fonts: dict[bytes, bytes]) -> Path:
    """Write a one-page PDF with a given content stream and fonts (resource name -> font dictionary), as older
    Korean government PDFs are built (after shared/fixtures/make_ksc_pdf.py)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << "
        + b" ".join(b"/%s %d 0 R" % (name, 5 + i) for i, name in enumerate(fonts)) + b" >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *fonts.values(),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def write_ksc_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF whose Korean lines use the predefined KSC-EUC-H CMap and a non-embedded font (pypdf cannot decode it)."""
    content = b"BT /F1 14 Tf 72 760 Td 20 TL\n" + b"".join(
        b"<" + line.encode("euc-kr").hex().encode() + b"> Tj T*\n" for line in lines
    ) + b"ET"
    return write_cmap_pdf(path, content, {b"F1": KSC_FONT % b"/KSC-EUC-H"})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    programs, notices = write_programs(tmp_path / "cards")
    return Settings(index_dir=tmp_path / "index", programs_dir=programs, corpus_dir=notices, data_dir=tmp_path / "data")


def write_docs(folder: Path) -> Path:
    """A small mixed corpus: Korean Markdown, English Markdown, a two-page Korean PDF."""
    folder.mkdir(parents=True)
    (folder / "ai_factory_ko.md").write_text(AI_FACTORY_MD, encoding="utf-8")
    (folder / "dx_fund_en.md").write_text(DX_FUND_EN, encoding="utf-8")
    write_pdf(
        folder / "smart_factory_ko.pdf",
        [
            ["스마트공장 보급 사업", "정부와 민간은 1조 원을 모아 2020년까지 스마트공장 1만 개를 보급하기로 했다."],
            ["규제자유특구", "규제자유특구는 2019년에 처음 지정되었다."],
        ],
        title="스마트공장과 규제자유특구",
    )
    return folder


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """The small corpus in a fresh folder the test may change."""
    return write_docs(tmp_path / "docs")


@pytest.fixture(scope="session")
def indexed(tmp_path_factory) -> tuple[Settings, AssistantService]:
    """Settings and a real service (bundled USE model, Chroma on disk) over the small corpus; tests only read it."""
    root = tmp_path_factory.mktemp("indexed")
    programs, notices = write_programs(root / "cards")
    settings = Settings(index_dir=root / "index", programs_dir=programs, corpus_dir=notices, data_dir=root / "data")
    service = AssistantService(settings)
    report = service.ingest([write_docs(root / "docs")])
    assert not report.failures, report.failures
    return settings, service


@pytest.fixture
def service(indexed) -> AssistantService:
    return indexed[1]


# Fixtures that load the real bundled embedding model; tests using them get the 'model' mark, so
# `pytest -m "not model and not browser"` is the fast, model-free subset.
MODEL_FIXTURES = {"indexed", "service", "docs", "embeddings", "index", "retriever"}


def pytest_collection_modifyitems(items):
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


# Headless Debian Chromium for the browser tests (the web UI and the staff console).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    """Where the browser tests save their screenshots: a temporary folder, or the folder SCREENSHOTS names
    (`make screenshots` sets docs/screenshots), so an ordinary test run leaves the committed ones alone."""
    folder = Path(os.environ["SCREENSHOTS"]) if os.environ.get("SCREENSHOTS") else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium; a missing binary is a failure, never a skip (CI installs it)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def choose_files(page, paths: list[Path]) -> None:
    """Choose files in the staff console's upload box as a person does (a click opens the file chooser) and wait
    until the server has answered the upload and the box lists every file."""
    box = page.locator("#upload-files")
    with page.expect_file_chooser() as chooser:
        box.locator(".upload-container").first.click()
    with page.expect_response(lambda r: "/gradio_api/upload?" in r.url and r.request.method == "POST") as upload:
        chooser.value.set_files(paths)
    assert upload.value.ok, f"the upload was refused: HTTP {upload.value.status} {upload.value.text()}"
    # A listed file is a table cell named after it. Its text is no match: the name's stem and extension are apart
    # ('green_logistics_voucher_2026 .pdf'), and only the progress line shown while uploading spells it whole.
    for path in paths:
        box.get_by_role("cell", name=path.name, exact=True).wait_for()
