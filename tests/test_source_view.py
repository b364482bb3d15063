"""The source view: a page's indexed text rebuilt from its chunks, the quoted passage marked, everything escaped;
unknown documents get a 404 page in Korean and English. Over a real server and in a real headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from assistant.chunking import chunk_pages, join_chunks
from assistant.config import ChunkingSettings
from assistant.datastore import SqliteDataStore
from assistant.schema import Chunk, Page
from webserver import served

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def test_joined_chunks_give_back_the_page_each_sentence_once() -> None:
    sentences = [f"문장 {i}번은 지원사업의 {i}번째 요건을 설명한다." for i in range(60)]
    text = "## 신청 자격\n" + " ".join(sentences) + "\n\n## 제외 대상\n체납 기업은 제외한다.\n"
    chunks = chunk_pages([Page("a.md", None, text, "공고")], ChunkingSettings(chunk_size=300, chunk_overlap=80))
    assert len(chunks) > 5 and chunks[1].text.startswith("신청 자격\n")
    assert any(sum(f"문장 {i}번은" in c.text for c in chunks) > 1 for i in range(60))  # the pieces do overlap
    joined = join_chunks(chunks)
    assert joined.splitlines()[0] == "신청 자격" and joined.count("신청 자격") == 1
    assert all(joined.count(f"문장 {i}번은") == 1 for i in range(60))
    assert "".join(joined.split()) == "".join(text.replace("#", "").split())
    assert joined.endswith("제외 대상\n체납 기업은 제외한다.")


def test_a_one_character_coincidence_is_no_overlap() -> None:
    chunks = [Chunk("가. 첫째 줄이다", "a.md", None, "", "", "ko", 0), Chunk("다음 줄", "a.md", None, "", "", "ko", 1)]
    assert join_chunks(chunks) == "가. 첫째 줄이다\n다음 줄"


def test_the_quote_is_marked_ignoring_spacing_and_case_and_everything_is_escaped() -> None:
    from assistant_ui.source_view import highlight

    page = "목표\n산업통상자원부는 2030년까지\nAI 팩토리를 500개로 늘린다. <b>굵게</b>\n| 구분 | 금액 |\n| 융자 | 4,000억 원 |"
    marked, found = highlight(page, "2030년까지 ai  팩토리를 500개로 늘린다. … 융자 | 4,000억 원")
    assert found
    assert '<mark id="passage">2030년까지\nAI 팩토리를 500개로 늘린다.</mark>' in marked
    assert "<mark>융자 | 4,000억 원</mark> |" in marked and "&lt;b&gt;굵게&lt;/b&gt;" in marked
    assert marked.count("<mark") == 2 and "<b>" not in marked
    hostile, found = highlight(f"앞 {HOSTILE} 뒤", HOSTILE)
    assert found and "<script" not in hostile and "<img" not in hostile
    assert hostile.startswith('앞 <mark id="passage">&lt;script&gt;')
    assert highlight("본문", "없는 인용문") == ("본문", False)
    assert highlight("a < b", "") == ("a &lt; b", False)


@pytest.fixture(scope="module")
def base_url(indexed, tmp_path_factory) -> Iterator[str]:
    """The whole web app over the shared small index (a Korean and an English Markdown file, a two-page PDF)."""
    from assistant_ui.server import build_server

    _, service = indexed
    with served(build_server(service, SqliteDataStore(tmp_path_factory.mktemp("source-data")))) as url:
        yield url


def test_a_page_of_the_index_is_its_chunks_text(service) -> None:
    page = service.page_text("smart_factory_ko.pdf", 2)
    assert page.title == "스마트공장과 규제자유특구" and page.page == 2
    assert "규제자유특구는 2019년에 처음 지정되었다." in page.text and "1만 개" not in page.text
    whole = service.page_text("ai_factory_ko.md", None)
    assert whole.text.count("2030년까지 AI 팩토리를 500개로 늘릴 계획이다.") == 1 and "협력 모델" in whole.text
    assert service.page_text("smart_factory_ko.pdf", 3) is None and service.page_text("nope.md", None) is None
    assert service.page_text("ai_factory_ko.md", 1) is None


def test_the_source_view_shows_the_page_with_the_passage_marked(base_url) -> None:
    from assistant_ui.source_view import source_url

    url = source_url("smart_factory_ko.pdf", 2, "규제자유특구는 2019년에 처음 지정되었다.", "ko")
    assert url.endswith("#passage")
    response = httpx.get(base_url + url)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    body = response.text
    assert '<mark id="passage">규제자유특구는 2019년에 처음 지정되었다.</mark>' in body
    assert "<h1>스마트공장과 규제자유특구</h1>" in body and "smart_factory_ko.pdf · 2쪽" in body
    assert "1만 개" not in body  # only that page
    english = httpx.get(base_url + source_url("dx_fund_en.md", None, "worth 400 billion won", "en")).text
    assert '<html lang="en">' in english and "dx_fund_en.md · whole document" in english
    assert '<mark id="passage">worth 400 billion won</mark>' in english and "Back to the chat" in english


def test_a_quote_the_page_does_not_hold_is_shown_beside_the_page_unmarked(base_url) -> None:
    response = httpx.get(base_url + "/source", params={"doc": "ai_factory_ko.md", "quote": "없는 문장 <i>x</i>"})
    assert response.status_code == 200
    assert "찾지 못했습니다" in response.text and "<blockquote>없는 문장 &lt;i&gt;x&lt;/i&gt;</blockquote>" in response.text
    assert "<mark" not in response.text and "500개로 늘릴 계획" in response.text


@pytest.mark.parametrize("params", [
    {"doc": "nope.md"}, {"doc": "smart_factory_ko.pdf", "page": "9"}, {"doc": "smart_factory_ko.pdf", "page": "2x"},
    {"doc": "ai_factory_ko.md", "page": "1"}, {}, {"doc": HOSTILE, "quote": HOSTILE},
])
def test_an_unknown_document_or_page_is_a_404_page_in_korean_and_english(base_url, params) -> None:
    response = httpx.get(base_url + "/source", params=params)
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "문서를 찾을 수 없습니다" in response.text and "Document not found" in response.text
    assert "<script" not in response.text and "<img" not in response.text
    if params.get("doc") == HOSTILE:
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in response.text


@pytest.mark.browser
def test_hostile_input_in_the_address_never_runs_in_the_browser(browser, base_url) -> None:
    from assistant_ui.source_view import source_url

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        quote = f"규제자유특구는 2019년에 {HOSTILE}"
        page.goto(base_url + source_url("smart_factory_ko.pdf", 2, quote, "ko"))
        page.locator(".page-text").wait_for()
        assert page.evaluate("window.__pwned") is None and page.locator("img").count() == 0
        assert "찾지 못했습니다" in page.locator(".notice").inner_text() and HOSTILE in page.locator(".notice").inner_text()
        page.goto(base_url + source_url(HOSTILE, None, HOSTILE, "en"))
        page.locator("h1").wait_for()
        assert "Document not found" in page.locator("h1").inner_text() and HOSTILE in page.locator("main").inner_text()
        assert page.evaluate("window.__pwned") is None and page.locator("img").count() == 0
        page.goto(base_url + source_url("smart_factory_ko.pdf", 2, "규제자유특구는 2019년에 처음 지정되었다.", "ko"))
        mark = page.locator("mark#passage")
        mark.wait_for()
        assert mark.is_visible() and mark.inner_text() == "규제자유특구는 2019년에 처음 지정되었다."
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
