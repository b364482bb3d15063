"""The staff console over a real server (bundled model, Chroma on disk) in a real headless Chromium: the login, an
upload indexed while the public chat keeps answering, the inquiry log with its filters and CSV, suite cases."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.datastore import DataStore, Inquiry, InquiryFilter, open_datastore
from assistant.evaluation import load_suites
from assistant.inquiries import SUITE, add_case, eval_case
from assistant.service import AssistantService
from assistant_ui.api import CSV_FIELDS
from conftest import choose_files, write_pdf
from webserver import served

USER, PASSWORD = "상담직원", "correct horse 1357"
LOG_TAB = "문의 기록 / Inquiry log"
NOTICE = "green_logistics_voucher_2026.pdf"
NOTICE_QUESTION = "녹색 물류 전환 바우처는 기업당 최대 얼마를 지원하나요?"
OLD_QUESTION = "2030년까지 AI 팩토리를 몇 개 만드나요?"
DOC_NAME = "ai_factory_plan_ko.md"
DOC = """# AI 팩토리

## 목표

산업통상자원부는 2030년까지 AI 팩토리를 500개로 늘릴 계획이다.

## 협력 모델

정부는 대기업과 중소기업이 함께 쓰는 AI 선도모델 15개를 만든다.
"""
TIMEOUT_MS = 60_000
INDEXING_MS = 300_000


@dataclass(frozen=True)
class Site:
    url: str
    data_dir: Path
    store: DataStore  # the server's data store, read as staff would


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The whole web app over a real service and a one-document index; the staff account comes from the
    environment, as in production."""
    from assistant_ui.server import build_server

    root = tmp_path_factory.mktemp("staff")
    (root / "docs").mkdir()
    (root / "docs" / DOC_NAME).write_text(DOC, encoding="utf-8")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("ASSISTANT_STAFF__USERNAME", USER)
        env.setenv("ASSISTANT_STAFF__PASSWORD", PASSWORD)
        settings = Settings(index_dir=root / "index", data_dir=root / "data")
    service = AssistantService(settings)
    assert not service.ingest([root / "docs"]).failures
    with served(build_server(service)) as url:
        yield Site(url, settings.data_dir, open_datastore(settings.data_dir))


def new_page(browser, width: int = 1280, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def log_in(page, site: Site, password: str = PASSWORD) -> None:
    """Open the console, which sends a browser without a session to the login form, and log in there."""
    page.goto(site.url + "/staff/")
    page.wait_for_url("**/login?next=/staff/")
    page.locator("#username").fill(USER)
    page.locator("#password").fill(password)
    page.locator("#login").click()
    if password == PASSWORD:
        page.locator("#staff-user").get_by_text(USER).first.wait_for()


@pytest.fixture
def staff(browser, site: Site):
    """A logged-in staff console, on a desktop screen."""
    page = new_page(browser)
    log_in(page, site)
    yield page
    page.context.close()


@pytest.fixture
def chat(browser, site: Site):
    """The public chat, in a browser of its own (no staff session)."""
    page = new_page(browser)
    page.goto(site.url + "/")
    page.locator("#question textarea").wait_for()
    yield page
    page.context.close()


def ask(page, site: Site, question: str, shows: str = "") -> Inquiry:
    """Ask in the public chat page; wait until the answer is in the inquiry log (the last thing a turn does), the
    page has applied the turn's last update (no Gradio output still pending) and, if given, the chat shows `shows`.
    Returns the logged inquiry: what was answered, with its sources."""
    def newest() -> list[Inquiry]:
        return site.store.inquiries(InquiryFilter(channel="chat", limit=1))

    before = newest()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while newest() in ([], before):
        assert time.monotonic() < deadline, f"no answer to {question!r} was logged"
        page.wait_for_timeout(50)  # the condition is the log; the page only idles between looks
    page.wait_for_function("() => !document.querySelector('.pending, .generating')")
    if shows:
        page.wait_for_function("text => document.querySelector('#chat').innerText.includes(text)", arg=shows)
    return newest()[0]


def cited(inquiry: Inquiry) -> list[str]:
    return [citation["source"] for citation in inquiry.citations]


def write_notice(path: Path) -> Path:
    """A real Korean PDF of 60 pages: the new fact on page 1, an appendix after it, so indexing takes a while."""
    pages = [["2026년 녹색 물류 전환 바우처 공고", "녹색 물류 전환 바우처는 기업당 최대 3,000만 원을 지원한다.",
              "신청은 물류정책과에서 받는다."]]
    pages += [[f"부록 {n}. 물류센터 안전 점검표"] + [
        f"{n}-{i}. 점검 항목 {i}: 적재 선반 {i}열의 고정 상태와 통로 폭 {i * 10}cm를 확인한다." for i in range(1, 39)
    ] for n in range(1, 60)]
    return write_pdf(path, pages, title="녹색 물류 전환 바우처 공고")


@pytest.mark.browser
def test_a_wrong_password_is_refused_on_the_login_page(browser, site):
    page = new_page(browser)
    log_in(page, site, password="wrong")
    assert page.url == site.url + "/login"
    assert "Wrong username or password" in page.get_by_role("alert").inner_text()
    assert "아이디 또는 비밀번호가 맞지 않습니다" in page.get_by_role("alert").inner_text()
    page.goto(site.url + "/staff/")
    assert page.url.startswith(site.url + "/login?next=")
    page.context.close()


@pytest.mark.browser
def test_the_console_and_the_staff_api_need_a_login(browser, site):
    context = browser.new_context()
    request = context.request
    console = request.get(site.url + "/staff/", max_redirects=0)
    assert console.status == 303 and console.headers["location"] == "/login?next=/staff/"
    for path in ("/staff/config", "/staff/gradio_api/info", "/api/staff/inquiries", "/api/staff/inquiries.csv",
                 "/api/staff/inquiries/1/case", f"/api/staff/{SUITE.as_posix()}"):
        assert request.get(site.url + path, max_redirects=0).status == 401, path
    upload = request.post(site.url + "/staff/gradio_api/upload",
                          multipart={"files": {"name": "a.md", "mimeType": "text/markdown", "buffer": b"# a"}})
    assert upload.status == 401
    join = request.post(site.url + "/staff/gradio_api/queue/join",
                        data={"fn_index": 0, "data": [], "session_hash": "x"})
    assert join.status == 401
    context.close()


@pytest.mark.browser
def test_an_upload_is_indexed_while_the_chat_keeps_answering_then_the_chat_answers_from_it(staff, chat, site, tmp_path):
    notice = write_notice(tmp_path / NOTICE)
    memo = tmp_path / "memo.docx"
    memo.write_bytes(b"PK\x03\x04 a word file")
    choose_files(staff, [notice, memo])
    staff.locator("#upload-start").click()

    progress = staff.locator("#upload-report [role=progressbar]")
    progress.wait_for()
    assert "색인하는 중 / Checking and indexing" in progress.get_attribute("aria-label")
    # Meanwhile the public chat answers from the old documents, and not yet from the one being written.
    assert cited(ask(chat, site, OLD_QUESTION, shows="500"))[0] == DOC_NAME
    assert NOTICE not in cited(ask(chat, site, NOTICE_QUESTION))
    assert progress.is_visible() and staff.locator("#upload-report textarea").input_value() == "", \
        "the upload finished before the chat answered: the chat was not tested while indexing"

    staff.wait_for_function("() => document.querySelector('#upload-report textarea').value !== ''", timeout=INDEXING_MS)
    report = staff.locator("#upload-report textarea").input_value()
    assert report.startswith("색인한 파일 1개, 60쪽") and "/ Indexed 1 file(s), 60 page(s)" in report
    assert f"✔ {NOTICE}" in report
    assert "✖ memo.docx: 읽지 않는 파일 형식(.docx)입니다." in report and "file type '.docx' is not read" in report
    assert "색인된 문서 2개 / 2 documents indexed" in staff.locator("#document-count").inner_text()
    assert (site.data_dir / "uploads" / NOTICE).read_bytes() == notice.read_bytes()

    # The same chat page, no restart: the new notice answers now.
    assert cited(ask(chat, site, NOTICE_QUESTION, shows="3,000만 원"))[0] == NOTICE
    chat.wait_for_function("name => document.querySelector('#sources').innerText.includes(name)", arg=NOTICE)


DROPDOWNS = {"outcome", "language", "channel", "feedback"}
ALL = ("전체 / All", "")


class LogFilters:
    """The log tab's filter form and the values it holds, so that a search's rows can be checked against what the
    data store returns for the same filter."""

    def __init__(self, page, site: Site) -> None:
        self.page, self.site, self.values = page, site, {}

    def search(self, **changes: str | tuple[str, str]) -> list[int]:
        """Change some filters (a dropdown as (the option staff pick, its value)), search, and wait until the table
        shows the ids the data store holds for the whole filter; returns them, newest first."""
        for name, value in changes.items():
            field = self.page.locator(f"#filter-{name}").locator("input, textarea").first
            if name in DROPDOWNS:
                label, value = value
                field.click()
                self.page.get_by_role("option", name=label, exact=True).click()
            else:
                field.fill(value)
                field.press("Enter")
            self.values[name] = value
        self.page.locator("#filter-search").click()
        expected = [row.id for row in self.site.store.inquiries(InquiryFilter(**self.values))]
        self.page.wait_for_function(
            """ids => JSON.stringify(ids) == JSON.stringify(
                [...document.querySelectorAll('#log-table [role=gridcell][data-col="0"]')]
                .sort((a, b) => a.dataset.row - b.dataset.row).map(cell => Number(cell.innerText.trim())))""",
            arg=expected,
        )
        return expected


@pytest.mark.browser
def test_the_inquiry_log_filters_exports_csv_and_turns_an_inquiry_into_a_suite_case(staff, chat, site, tmp_path, screenshots):
    asked_in_chat = ask(chat, site, "제 전화는 010-4821-9357입니다. AI 팩토리 협력 모델은 몇 개를 만드나요?", shows="15")
    public = chat.context.request  # the JSON API, as an integrator calls it
    asked = public.post(site.url + "/api/ask", data={"question": "오늘 서울 날씨는 어때요?"}).json()
    rated = public.post(site.url + "/api/feedback",
                        data={"inquiry_id": asked["inquiry_id"], "helpful": False, "comment": "날씨도 알려 주세요"})
    assert rated.status == 204
    staff.get_by_role("tab", name=LOG_TAB).click()

    filters = LogFilters(staff, site)
    shown = filters.search(text="")
    assert shown[0] == asked["inquiry_id"] and shown == sorted(shown, reverse=True)  # newest first
    log = staff.locator("#log-table").inner_text()
    assert "제 전화는 [전화번호]입니다. AI 팩토리 협력 모델은" in log and "4821-9357" not in log
    assert "out_of_scope" in log and "도움 안 됨 / unhelpful" in log and "날씨도 알려 주세요" in log

    assert filters.search(channel=("채팅 / Chat", "chat"), text="협력 모델") == [asked_in_chat.id]
    assert filters.search(channel=ALL, text="", feedback=("도움 안 됨 / Unhelpful", "unhelpful")) == [asked["inquiry_id"]]
    today = datetime.now(UTC).date()
    out_of_scope = filters.search(feedback=ALL, outcome=("범위 밖 / out_of_scope", "out_of_scope"),
                                  since=today.isoformat())
    assert out_of_scope == [asked["inquiry_id"]]
    assert filters.search(until=(today - timedelta(days=1)).isoformat()) == []
    filters.search(until="")

    # The CSV of what the filter matches, downloaded as a file.
    with staff.expect_download() as download:
        staff.locator("#export-csv a").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode()) and download.value.suggested_filename == "inquiries.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == CSV_FIELDS and [int(r["id"]) for r in rows] == [asked["inquiry_id"]]
    assert rows[0]["comment"] == "날씨도 알려 주세요" and rows[0]["helpful"] == "False"

    # Select the row, review its answer, add it to the suite; the line loads as a suite case.
    staff.locator('#log-table [role=gridcell][data-row="0"][data-col="3"]').click()
    staff.wait_for_function(f"() => document.querySelector('#case-id input').value == '{asked['inquiry_id']}'")
    assert "지원사업만 안내합니다" in staff.locator("#case-answer textarea").input_value()
    staff.locator("#case-add").click()
    staff.locator("#case-status").get_by_text("Added to from_inquiries.jsonl").wait_for()
    assert f'"id": "inquiry-{asked["inquiry_id"]}"' in staff.locator("#case-line textarea").input_value()
    with staff.expect_download() as download:
        staff.locator("#suite-file a").click()
    suite = tmp_path / "from_inquiries.jsonl"
    download.value.save_as(suite)
    [case] = load_suites([suite])
    assert (case.id, case.question, case.answerable, case.outcome) == (
        f"inquiry-{asked['inquiry_id']}", "오늘 서울 날씨는 어때요?", False, "out_of_scope")
    assert "unhelpful" in case.tags and suite.read_bytes() == (site.data_dir / SUITE).read_bytes()
    filters.search(outcome=ALL, since="")
    staff.screenshot(path=screenshots / "staff.png", full_page=True)
    # One action per case: adding it again writes nothing.
    staff.locator("#case-add").click()
    staff.locator("#case-status").get_by_text("is already in from_inquiries.jsonl").wait_for()
    assert len(load_suites([site.data_dir / SUITE])) == 1


@pytest.mark.browser
def test_the_console_shows_who_is_logged_in_and_logs_out(staff, site):
    assert f"Signed in as {USER}" in staff.locator("#staff-user").inner_text()
    [session] = [c["value"] for c in staff.context.cookies() if c["name"] == "assistant_staff"]
    staff.locator("#logout").click()
    staff.wait_for_url(site.url + "/login")
    # The session is closed on the server, not only forgotten by this browser.
    other = staff.context.browser.new_context()
    stale = other.request.get(site.url + "/api/staff/inquiries", headers={"Cookie": f"assistant_staff={session}"})
    assert stale.status == 401
    other.close()
    staff.goto(site.url + "/staff/")
    assert staff.url.startswith(site.url + "/login?next=")


@pytest.mark.browser
def test_the_console_is_usable_on_a_phone(browser, site):
    page = new_page(browser, 390, 844)
    log_in(page, site)

    def fits(selector: str) -> None:
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (selector, box)

    for selector in ("#staff-user", "#logout", "#upload-files", "#upload-start"):
        fits(selector)
    page.get_by_role("tab", name=LOG_TAB).click()
    page.locator("#log-table").wait_for()
    for selector in ("#filter-text", "#filter-search", "#log-table", "#case-add"):
        fits(selector)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing makes the page scroll sideways
    page.context.close()


def test_the_log_table_shows_the_csv_exports_values():
    from assistant_ui.staff import COLUMNS, csv_link, log_filter, log_rows

    rows = log_rows([Inquiry(
        id=7, at="2026-01-02T03:04:05+00:00", question="몇 개?", outcome="answered", helpful=False, comment="틀림",
        citations=[{"source": "a.pdf", "page": 3, "snippet": "x"}], latency_ms=12.5,
    )])
    assert rows == [["7", "2026-01-02 03:04:05", "chat", "몇 개?", "", "answered", "a.pdf p.3", "12.5",
                     "도움 안 됨 / unhelpful", "틀림"]] and len(COLUMNS) == len(rows[0])
    where = log_filter(" 팩토리 ", "answered", "", None, "helpful", "2026-01-01", None)
    shown = (where.text, where.outcome, where.channel, where.since, where.until)
    assert shown == ("팩토리", "answered", "", "2026-01-01", "")
    assert csv_link(where) == ("/api/staff/inquiries.csv?text=%ED%8C%A9%ED%86%A0%EB%A6%AC&outcome=answered"
                               "&feedback=helpful&since=2026-01-01&limit=100000")
    import gradio as gr

    with pytest.raises(gr.Error, match="YYYY-MM-DD"):
        log_filter("", "", "", "", "", "1월 2일", "")


def test_a_case_is_added_to_the_suite_once_and_loads(tmp_path):
    suite = tmp_path / "suites" / "from_inquiries.jsonl"
    answered = Inquiry(id=3, question="AI 팩토리 몇 개?", language="ko", outcome="answered", helpful=True,
                       citations=[{"source": "plan.md", "page": None, "snippet": "500개"}])
    line = add_case(suite, eval_case(answered))
    assert json.loads(line)["expected_sources"] == ["plan"] and suite.read_text(encoding="utf-8") == line + "\n"
    assert add_case(suite, eval_case(answered)) is None
    add_case(suite, eval_case(Inquiry(id=4, question="날씨?", outcome="out_of_scope", abstained=True)))
    cases = load_suites([suite])
    assert [(c.id, c.answerable, c.outcome) for c in cases] == [
        ("inquiry-3", True, ""), ("inquiry-4", False, "out_of_scope")]
