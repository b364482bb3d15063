"""The public chat in a real headless Chromium over the whole web app: answers whose [n] markers jump to their
sources and open the source view, abstention, hostile input, empty input, the English switch, the company profile
and its program table, feedback stored with the answer's inquiry, a new conversation, and a phone-sized screen."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from assistant.config import Settings, UISettings
from assistant.datastore import InquiryFilter, SqliteDataStore
from assistant.service import AssistantService
from webserver import served

DOC_NAME = "ai_factory_plan_ko.md"
DOC = """# AI 팩토리

## 목표

산업통상자원부는 2030년까지 AI 팩토리를 500개로 늘릴 계획이다.

## 협력 모델

정부는 대기업과 중소기업이 함께 쓰는 AI 선도모델 15개를 만든다.
"""
# The notice the shipped smart-factory program cards cite, so their source links open in the source view.
NOTICE = Path(__file__).parent.parent / "corpus" / "smart_factory_support_guide_ko.hwpx"
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
TIMEOUT_MS = 60_000


def status_lines() -> list[str]:
    """What the newest reply says while a turn is still being answered, in both languages."""
    from assistant_ui.strings import STRINGS, text

    return [text(key, lang) for key in ("searching", "writing") for lang in ("ko", "en")] + [
        found.split("{count}")[1] for found in STRINGS["found"]
    ]


@pytest.fixture(scope="module")
def ui_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the served app keeps its documents, index and data store."""
    return tmp_path_factory.mktemp("ui")


@pytest.fixture(scope="module")
def ui_url(ui_root: Path) -> Iterator[str]:
    """The whole web app over a real service (an index of two documents, the shipped program cards), served by
    uvicorn on a free local port."""
    from assistant_ui.server import build_server

    root = ui_root
    (root / "docs").mkdir()
    (root / "docs" / DOC_NAME).write_text(DOC, encoding="utf-8")
    shutil.copy(NOTICE, root / "docs")
    # Many questions from one address: the rate limit is off here (tests/test_ratelimit.py tests it).
    service = AssistantService(Settings(index_dir=root / "index", data_dir=root / "data",
                                        ui=UISettings(rate_limit_per_minute=0)))
    report = service.ingest([root / "docs"])
    assert not report.failures, report.failures
    with served(build_server(service)) as url:
        yield url + "/"


def stored(ui_root: Path) -> SqliteDataStore:
    """The data store the server writes, opened afresh from its folder (what is stored is on disk)."""
    return SqliteDataStore(ui_root / "data")


def open_page(browser, url: str, width: int = 1280, height: int = 900, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(url)
    page.locator("#question textarea").wait_for()
    return page


@pytest.fixture
def page(browser, ui_url: str):
    """A fresh desktop-sized page with the app loaded."""
    page = open_page(browser, ui_url)
    yield page
    page.context.close()


def ask(page, question: str, logged: bool = True) -> None:
    """Type a question, send it, and wait until the chat's newest reply is no longer a status line and (logged) the
    answer is in the inquiry log, so it can be rated."""
    turns = page.locator("#chat [data-testid=bot]").count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.wait_for_function(
        """([n, statuses]) => {
            const bots = document.querySelectorAll('#chat [data-testid=bot]');
            const last = bots[bots.length - 1];
            return bots.length > n && !statuses.some(s => last.innerText.includes(s));
        }""",
        arg=[turns, status_lines()],
        timeout=TIMEOUT_MS,
    )
    if logged:
        page.locator("#feedback").wait_for(state="visible")


def last_reply(page) -> str:
    return page.locator("#chat [data-testid=bot]").last.inner_text()


def opened_source(page, link):
    """Follow a source link (it opens a new tab) and return the source view once it has loaded."""
    with page.context.expect_page() as opened:
        link.click()
    view = opened.value
    view.wait_for_load_state()
    view.locator("mark").first.wait_for()
    return view


@pytest.mark.browser
def test_an_answers_markers_jump_to_its_sources_which_open_the_page_with_the_passage_marked(page, screenshots) -> None:
    ask(page, "2030년까지 AI 팩토리를 몇 개 만드나요?")
    reply = last_reply(page)
    assert "500" in reply and "[1]" in reply, reply
    sources = page.locator("#sources")
    assert DOC_NAME in sources.inner_text() and "[1]" in sources.inner_text()
    assert "2030년까지 AI 팩토리를 500개로 늘릴 계획" in sources.locator("blockquote mark").first.inner_text()
    assert "색인된 문서 2개" in page.locator("#footer").inner_text()
    page.screenshot(path=screenshots / "chat.png")
    # The marker is a link to its entry in the sources panel.
    page.locator("#chat [data-testid=bot] a.cite", has_text="[1]").last.click()
    page.wait_for_function("() => document.querySelector(':target')?.closest('#sources') != null")
    assert "500개로 늘릴 계획" in page.locator("#sources .source:target").inner_text()
    # The entry opens the document at its page, the quoted passage marked.
    view = opened_source(page, page.locator("#sources .source:target a.source-open"))
    assert "2030년까지 AI 팩토리를 500개로 늘릴 계획" in view.locator("mark#passage").inner_text()
    assert view.locator("h1").inner_text() == "AI 팩토리" and DOC_NAME in view.locator(".meta").inner_text()
    assert "AI 선도모델 15개" in view.locator(".page-text").inner_text()  # the page, not only the passage
    assert view.locator("mark").count() == 1
    view.locator("a", has_text="상담 화면으로").wait_for()
    view.close()


@pytest.mark.browser
def test_an_eligibility_question_gets_a_verdict_per_criterion_with_sources_and_a_reply_counts(page) -> None:
    """The issue's own example, on the shipped program cards: a verdict per criterion, each with its source."""
    ask(page, "우리 회사(경북, 제조업, 직원 45명)가 스마트공장 지원을 받을 수 있나요?")
    reply = last_reply(page)
    assert "말씀하신 회사 정보: 소재지 경북, 업종 제조업, 상시 근로자 수 45" in reply, reply
    assert "■ 지역특화형 스마트공장 구축지원 (2025년 공고) — 신청 요건 충족" in reply
    assert "✔ 제조기업 (충족) [" in reply and "확인을 위해 여쭙니다: 기업 규모는" in reply
    sources = page.locator("#sources")
    assert "smart_factory_support_guide_ko.hwpx" in sources.inner_text()
    assert sources.locator("blockquote").count() >= 3
    # Answering the question asked back continues the same assessment.
    ask(page, "소기업입니다")
    assert "기업 규모 소기업" in last_reply(page) and "지역특화형 스마트공장" in last_reply(page)


@pytest.mark.browser
def test_personal_data_sent_to_the_running_server_is_masked_and_stored_nowhere(page, ui_root, caplog, capfd) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    ask(page, "제 주민번호는 850315-2987654, 전화는 010-4821-9357예요. 2030년까지 AI 팩토리를 몇 개 만드나요?")
    chat = page.locator("#chat").inner_text()
    assert "[주민등록번호]" in chat and "[전화번호]" in chat and "개인정보" in chat and "500" in chat
    # A feedback comment with a phone number is stored masked.
    page.locator("#feedback-comment textarea").fill("답이 부족해요. 연락은 010-4821-9357로 주세요")
    page.locator("#unhelpful").click()
    page.wait_for_function("() => document.querySelector('#feedback-status').innerText.includes('저장했습니다')")
    assert page.locator("#feedback-comment textarea").input_value() == ""
    rated = stored(ui_root).inquiries(InquiryFilter(feedback="unhelpful", text="[주민등록번호]"))
    assert rated and rated[0].comment == "답이 부족해요. 연락은 [전화번호]로 주세요"
    secrets = ("850315", "2987654", "4821-9357", "48219357")
    assert not any(s in chat or s in page.locator("#sources").inner_text() for s in secrets)
    written = [p for p in ui_root.rglob("*") if p.is_file()]
    assert written and not any(s.encode() in p.read_bytes() for p in written for s in secrets)
    captured = capfd.readouterr()
    logged = caplog.text + captured.out + captured.err
    assert not any(s in logged for s in secrets)


@pytest.mark.browser
def test_off_topic_question_gets_a_polite_refusal_and_no_citation(page) -> None:
    ask(page, "오늘 서울 날씨는 어때요?")
    reply = last_reply(page)
    assert "지원사업만 안내합니다" in reply, reply
    assert "[1]" not in reply
    sources = page.locator("#sources")
    assert "출처가 없습니다" in sources.inner_text()
    assert sources.locator("blockquote").count() == 0


@pytest.mark.browser
def test_hostile_message_is_shown_as_text_and_never_runs(page) -> None:
    ask(page, HOSTILE)
    assert page.evaluate("window.__pwned") is None
    user = page.locator("#chat [data-testid=user]").last
    assert user.inner_text().strip() == HOSTILE
    assert page.locator("#chat img[src=x], #sources img[src=x]").count() == 0


@pytest.mark.browser
def test_empty_submit_gets_a_polite_reply_and_the_app_keeps_working(page) -> None:
    replies = page.locator("#chat [data-testid=bot]")
    page.locator("#send").click()
    page.wait_for_function("() => document.querySelector('#chat [data-testid=bot]')?.innerText.includes('질문을 입력해 주세요')")
    page.locator("#question textarea").press("Enter")  # an empty submit from the keyboard too
    page.wait_for_function("""() => {
        const bots = [...document.querySelectorAll('#chat [data-testid=bot]')];
        return bots.length == 2 && bots.every(bot => bot.innerText.includes('질문을 입력해 주세요'));
    }""")
    assert all("질문을 입력해 주세요" in text for text in replies.all_inner_texts())
    assert page.locator("#chat [data-testid=user]").count() == 0
    ask(page, "2030년까지 AI 팩토리를 몇 개 만드나요?")
    assert "500" in last_reply(page)


@pytest.mark.browser
def test_the_english_switch_shows_every_label_in_english_and_back(page) -> None:
    from assistant_ui.strings import EXAMPLES

    assert page.locator("#send").inner_text() == "보내기" and page.locator("#new-chat").inner_text() == "새 대화"
    page.locator("#language label", has_text="English").click()
    # The labels are updated by one event but rendered one by one: each is awaited, not read at once.
    expect(page.locator("#send")).to_have_text("Send")
    expect(page.locator("#new-chat")).to_have_text("New conversation")
    expect(page.locator("#header")).to_contain_text("SME Support Assistant")
    expect(page.locator("#question textarea")).to_have_attribute("placeholder", "Type your question")
    expect(page.get_by_role("tab", name="Programs for my company")).to_have_count(1)
    expect(page.locator("#sources")).to_contain_text("Sources")
    expect(page.locator("#footer")).to_contain_text("documents indexed")
    expect(page.locator("#examples")).to_contain_text("Example questions")
    page.locator("#examples button", has_text=EXAMPLES["en"][0]).click()
    page.wait_for_function("q => document.querySelector('#question textarea').value == q", arg=EXAMPLES["en"][0])
    ask(page, EXAMPLES["en"][0])
    assert "Sources" in page.locator("#sources").inner_text()
    assert "Was this answer helpful?" in page.locator("#feedback").inner_text()
    assert page.locator("#sources a.source-open").first.inner_text() == "Open in the document"
    page.get_by_role("tab", name="Programs for my company").click()
    assert "Company size" in page.locator("#profile-size-class").inner_text()
    assert "Enter at least one fact" in page.locator("#programs").inner_text()
    page.locator("#language label", has_text="한국어").click()
    expect(page.locator("#profile-size-class")).to_contain_text("기업 규모")
    expect(page.locator("#header")).to_contain_text("중소기업 지원사업 도우미")
    page.get_by_role("tab", name="상담").click()
    expect(page.locator("#send")).to_have_text("보내기")
    expect(page.locator("#sources")).to_contain_text("출처")


def choose(page, field: str, option: str) -> None:
    page.locator(f"#profile-{field} input").click()
    page.get_by_role("option", name=option, exact=True).click()


@pytest.mark.browser
def test_the_company_profile_gives_a_program_table_with_sources_and_feeds_the_chat(page, screenshots) -> None:
    page.get_by_role("tab", name="우리 회사 맞춤 사업").click()
    choose(page, "region", "경북")
    choose(page, "sector", "제조업")
    choose(page, "size-class", "소기업")
    page.locator("#profile-employees input").fill("45")
    page.locator("#profile-employees input").press("Tab")
    page.wait_for_function("() => document.querySelector('#programs .programs-count')")
    regional = page.locator("#programs tr[data-program=smart-factory-regional]")
    regional.wait_for()
    assert "신청 요건 충족" in regional.locator(".tag").inner_text()
    assert "✔ 충족" in regional.locator(".criterion").first.inner_text()
    tags = page.locator("#programs .tag").all_inner_texts()
    assert {"신청 요건 충족", "추가 확인 필요", "신청 요건 미충족"} <= set(tags) and len(tags) >= 19
    assert page.locator("#programs .criterion a.source-link").count() >= len(tags)
    page.screenshot(path=screenshots / "programs.png", full_page=True)
    view = opened_source(page, regional.locator("a.source-link").first)
    assert "경상북도" in view.locator("mark#passage").inner_text()
    view.close()
    # The chat uses the profile: a question without company facts is answered for this company.
    page.get_by_role("tab", name="상담").click()
    assert "소재지 경북" in page.locator("#profile-note").inner_text()
    ask(page, "우리 회사가 스마트공장 지원을 받을 수 있나요?")
    reply = last_reply(page)
    assert "소재지 경북, 업종 제조업, 기업 규모 소기업, 상시 근로자 수 45" in reply, reply
    assert "지역특화형 스마트공장 구축지원 (2025년 공고) — 신청 요건 충족" in reply


@pytest.mark.browser
def test_a_profile_number_that_is_no_number_is_refused(page) -> None:
    page.get_by_role("tab", name="우리 회사 맞춤 사업").click()
    page.locator("#profile-employees input").fill("마흔다섯")
    page.locator("#profile-employees input").press("Tab")
    page.get_by_text("상시 근로자 수: 숫자로 입력해 주세요").first.wait_for()
    assert page.locator("#programs .programs-count").count() == 0


@pytest.mark.browser
def test_feedback_on_each_answer_is_stored_with_that_answers_inquiry(page, ui_root) -> None:
    ask(page, "2030년까지 AI 팩토리를 몇 개 만드나요?")
    ask(page, "AI 선도모델은 몇 개 만드나요?")
    page.locator("#feedback-comment textarea").fill("숫자가 정확해요")
    page.locator("#helpful").click()
    page.wait_for_function("() => document.querySelector('#feedback-status').innerText.includes('저장했습니다')")
    # Picking the earlier answer shows its sources, and feedback then goes to it.
    page.locator("#chat [data-testid=bot]").first.click()
    page.wait_for_function("() => document.querySelector('#sources #src-1-1')?.innerText.includes('500개')")
    page.locator("#unhelpful").click()
    page.wait_for_function("() => document.querySelector('#feedback-status').innerText.includes('저장했습니다')")
    store = stored(ui_root)
    second = store.inquiries(InquiryFilter(text="AI 선도모델은 몇 개", feedback="helpful"))
    first = store.inquiries(InquiryFilter(text="2030년까지 AI 팩토리를 몇 개", feedback="unhelpful"))
    assert second and second[0].comment == "숫자가 정확해요" and "15" in second[0].answer
    assert first and first[0].comment == "" and "500" in first[0].answer and first[0].channel == "chat"
    assert first[0].session and first[0].session == second[0].session


@pytest.mark.browser
def test_a_new_conversation_clears_the_chat_its_sources_and_what_follow_ups_use(page, ui_root) -> None:
    ask(page, "AI 팩토리 확산 계획 알려 주세요")
    ask(page, "목표는 몇 개예요?")
    follow_up = stored(ui_root).inquiries(InquiryFilter(text="목표는 몇 개예요", limit=1))[0]
    assert follow_up.rewritten_question.startswith("AI 팩토리"), follow_up
    page.locator("#new-chat").click()
    page.wait_for_function("() => document.querySelectorAll('#chat [data-testid=bot]').length == 0")
    assert "질문을 하면 답의 근거가 된 문서" in page.locator("#sources").inner_text()
    assert page.locator("#sources .source").count() == 0 and not page.locator("#feedback").is_visible()
    ask(page, "목표는 몇 개예요?")
    again = stored(ui_root).inquiries(InquiryFilter(text="목표는 몇 개예요", limit=1))[0]
    assert again.id != follow_up.id and "AI 팩토리" not in again.rewritten_question, again


@pytest.mark.browser
def test_on_a_phone_the_answer_and_its_sources_are_in_view(browser, ui_url, screenshots) -> None:
    page = open_page(browser, ui_url, 390, 844, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        ask(page, "2030년까지 AI 팩토리를 몇 개 만드나요?")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
        boxes = {name: page.locator(name).bounding_box() for name in ("#chat", "#question", "#sources", "#examples")}
        assert boxes["#chat"]["y"] < boxes["#question"]["y"] < boxes["#sources"]["y"] < boxes["#examples"]["y"]
        assert boxes["#sources"]["y"] - (boxes["#question"]["y"] + boxes["#question"]["height"]) < 40  # right below
        assert all(box["x"] >= 0 and box["x"] + box["width"] <= 390 for box in boxes.values())
        # With the question box in the middle of the screen, the answer and its first source are both in view.
        page.locator("#question").evaluate("box => box.scrollIntoView({block: 'center'})")
        page.wait_for_function("""() => {
            const seen = element => {
                const box = element.getBoundingClientRect();
                return box.bottom > 0 && box.top < innerHeight && box.left >= 0 && box.right <= innerWidth;
            };
            const answers = document.querySelectorAll('#chat [data-testid=bot]');
            return seen(answers[answers.length - 1]) && seen(document.querySelector('#sources .source mark'));
        }""")
        assert "500" in page.locator("#chat [data-testid=bot]").last.inner_text()
        page.screenshot(path=screenshots / "chat-phone.png")
        # Its marker brings the source into view.
        page.locator("#chat [data-testid=bot] a.cite").last.click()
        page.wait_for_function("""() => {
            const target = document.querySelector('#sources .source:target');
            if (!target) return false;
            const box = target.getBoundingClientRect();
            return box.top >= 0 && box.top < window.innerHeight;
        }""")
    finally:
        page.context.close()


def test_citations_and_questions_render_as_literal_text() -> None:
    """Untrusted text (snippets, file names, questions) cannot inject HTML or Markdown into the chat or the panels."""
    from assistant.schema import Answer, Citation
    from assistant_ui.chat import escape, shown_answer, shown_question
    from assistant_ui.sources import render_sources

    cite = Citation(1, "a_b<i>.md", 3, "# <img src=x onerror=alert(1)> [x](javascript:1)\n*굵게*", 0.5, "목표", "<b>제목</b>")
    panel = render_sources(Answer("q", "t [1]", "ko", False, [cite]), "ko", 4)
    assert '<li class="source" id="src-4-1">' in panel and "[1]</span> &lt;b&gt;제목&lt;/b&gt;" in panel
    assert "a_b&lt;i&gt;.md · 3쪽 · 목표" in panel
    assert "<mark># &lt;img src=x onerror=alert(1)&gt; [x](javascript:1) *굵게*</mark>" in panel
    assert "<img" not in panel and "<b>" not in panel and "<i>" not in panel
    assert 'href="/source?doc=a_b%3Ci%3E.md&amp;page=3&amp;quote=%23+%3Cimg' in panel
    assert "쪽" not in render_sources(Answer("q", "t", "ko", False, [Citation(1, "a.md", None, "s", 0.5)]), "ko")
    assert "출처가 없습니다" in render_sources(Answer("q", "없음", "ko", True, []), "ko")
    assert "No indexed source" in render_sources(Answer("q", "none", "en", True, []), "en")
    # Only markers the answer cites become links; the rest of the text stays escaped.
    shown = shown_answer(Answer("q", "<b>500</b> [1] [7] *x*", "ko", False, [cite], note="[1357]"), 4)
    assert shown == '\\<b\\>500\\</b\\> <a class="cite" href="#src-4-1">[1]</a> \\[7\\] \\*x\\*\n\n\\[1357\\]'
    assert escape("R&D 1. 2030년") == "R&D 1. 2030년"
    assert escape("1. 목표 &amp;") == "1\\. 목표 \\&amp;"
    assert shown_question("가" * 5000).endswith("…") and len(shown_question("가" * 5000)) == 501


class FakeDesk:
    """Stands in for InquiryDesk: yields the given events (an exception is raised) and records what it was asked."""

    def __init__(self, events):
        self.events = events
        self.history = None
        self.profile = None

    def stream(self, question, history=(), profile=None, *, channel="chat", session=""):
        self.history, self.profile, self.channel = list(history), profile, channel
        for event in self.events:
            if isinstance(event, Exception):
                raise event
            yield event


def test_a_turn_streams_status_then_answer_then_its_inquiry_id_and_survives_errors() -> None:
    """respond() only renders the desk's events: searching, passages found, answer, logged; errors become replies."""
    from assistant.answer import Delta
    from assistant.inquiries import Logged
    from assistant.question import QuestionError
    from assistant.schema import Answer, Citation
    from assistant.service import Answered, Retrieved
    from assistant_ui.chat import respond
    from assistant_ui.strings import text

    answer = Answer("q", "500개 [1]", "ko", False, [Citation(1, "a.md", 2, "500개로 늘린다.", 0.5)])
    events = [Retrieved([object()] * 3), Answered(answer), Logged(42, 12.0)]
    views = list(respond(FakeDesk(events), "몇 개?", []))
    replies = [view.messages[-1]["content"] for view in views]
    assert replies[0] == text("searching", "ko") and "3" in replies[1]
    assert replies[2] == replies[3] == '500개 <a class="cite" href="#src-1-1">[1]</a>'
    assert views[0].messages[0] == {"role": "user", "content": "몇 개?"}
    assert 'id="src-1-1"' in views[-1].sources and "2쪽" in views[-1].sources
    assert not views[2].rateable and views[3].rateable and views[3].turns[1].inquiry_id == 42 and views[3].selected == 1
    # In English, the status lines and the panel are English.
    english = list(respond(FakeDesk(events), "how many?", [], language="en"))
    assert english[0].messages[-1]["content"] == text("searching", "en") and "p. 2" in english[-1].sources
    # An answer being written (LLM) grows in the chat; the final answer replaces it.
    written = list(respond(FakeDesk([Retrieved([object()]), Delta("500"), Delta("개"), Answered(answer)]), "몇 개?", []))
    assert [v.messages[-1]["content"] for v in written[2:4]] == ["500", "500개"]
    assert text("writing", "ko") in written[2].sources and "2쪽" in written[-1].sources
    failed = list(respond(FakeDesk([QuestionError("질문을 입력해 주세요.")]), "  ", None))
    assert len(failed[-1].messages) == 1 and "질문을 입력해 주세요." in failed[-1].messages[0]["content"]
    assert list(respond(FakeDesk([RuntimeError("boom")]), "질문", []))[-1].messages[-1]["content"] == text("sorry", "ko")
    # A failure after the answer (logging) keeps the answer shown, unrated.
    kept = list(respond(FakeDesk([Answered(answer), RuntimeError("log down")]), "몇 개?", []))
    assert "500개" in kept[-1].messages[-1]["content"] and not kept[-1].rateable


def test_a_turn_passes_earlier_messages_and_the_profile_and_a_cleared_chat_starts_over() -> None:
    from assistant.profile import Profile
    from assistant.schema import Answer, Utterance
    from assistant.service import Answered
    from assistant_ui.chat import Turn, respond

    answer = Answer("q", "답", "ko", False, [])
    desk = FakeDesk([Answered(answer)])
    shown = [{"role": "user", "content": "우리 회사가 시험 공장 지원을 받을 수 있나요?"}, {"role": "assistant", "content": "…"}]
    company = Profile(region="gyeongbuk")
    views = list(respond(desk, "직원은 45명 *입니다*", shown, ["우리 회사가 시험 공장 지원을 받을 수 있나요?"],
                         {1: Turn(answer, 7)}, company))
    # The earlier question and, since the chat ends with it, the answer a follow-up may point into.
    assert desk.history == [Utterance("user", "우리 회사가 시험 공장 지원을 받을 수 있나요?"), Utterance("assistant", "답")]
    assert desk.profile == company
    assert desk.channel == "chat"
    assert views[-1].asked == ["우리 회사가 시험 공장 지원을 받을 수 있나요?", "직원은 45명 *입니다*"]  # as typed
    assert set(views[-1].turns) == {1, 3}  # the earlier answer is kept, by message index
    restarted = list(respond(desk, "새 질문", [], ["old question"], {1: Turn(answer, 7)}))
    assert desk.history == [] and set(restarted[-1].turns) == {1}  # message 1 is the new answer


def test_the_profile_panel_reads_numbers_and_renders_verdicts_with_source_links() -> None:
    from assistant_ui.profile_panel import ProfileError, read_profile, render_programs

    profile = read_profile("small", "45", "1,200", "manufacturing", "gyeongbuk", "", ["venture"])
    assert profile.known() == {
        "region": "gyeongbuk", "sector": "manufacturing", "size_class": "small", "employees": 45,
        "revenue_krw": 120_000_000_000, "certifications": ("venture",),
    }
    assert read_profile("", "", "", "", "", "", []).known() == {}
    with pytest.raises(ProfileError, match="업력"):
        read_profile("", "", "", "", "", "삼 년", [])
    with pytest.raises(ProfileError, match="Employees"):
        read_profile("", "-3", "", "", "", "", [], "en")
    assessment = {
        "program": "p<1>", "name": "<b>사업</b>", "verdict": "need_info", "next_question": "규모는?",
        "would_change": [], "criteria": [{
            "criterion": "제조업<i>", "field": "sector", "status": "met",
            "citation": {"source": "n.pdf", "page": 2, "clause": "2.", "snippet": "제조업 <영위>"},
        }],
    }
    table = render_programs([assessment], profile, "ko")
    assert '<tr class="program verdict-need_info" data-program="p&lt;1&gt;">' in table
    assert "&lt;b&gt;사업&lt;/b&gt;" in table and "추가 확인 필요" in table and "✔ 충족</span> 제조업&lt;i&gt;" in table
    assert 'href="/source?doc=n.pdf&amp;page=2&amp;quote=%EC%A0%9C%EC%A1%B0%EC%97%85+%3C%EC%98%81%EC%9C%84%3E' in table
    assert "확인할 사항: 규모는?" in table and "추가 확인 필요 1개" in table
    assert "Enter at least one fact" in render_programs([], read_profile("", "", "", "", "", "", []), "en")
