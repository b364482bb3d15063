"""The web UI in a real headless Chromium: answers with sources, abstention, hostile input, empty input."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.schema import Answer, Citation
from assistant.service import AssistantService
from webserver import served

DOC_NAME = "ai_factory_plan_ko.md"
DOC = """# AI 팩토리

## 목표

산업통상자원부는 2030년까지 AI 팩토리를 500개로 늘릴 계획이다.

## 협력 모델

정부는 대기업과 중소기업이 함께 쓰는 AI 선도모델 15개를 만든다.
"""
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def ui_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the served app keeps its documents and index."""
    return tmp_path_factory.mktemp("ui")


@pytest.fixture(scope="module")
def ui_url(ui_root: Path) -> Iterator[str]:
    """The whole web app over a real service and a one-document index, served by uvicorn on a free local port."""
    from assistant_ui.server import build_server

    root = ui_root
    (root / "docs").mkdir()
    (root / "docs" / DOC_NAME).write_text(DOC, encoding="utf-8")
    service = AssistantService(Settings(index_dir=root / "index", data_dir=root / "data"))
    report = service.ingest([root / "docs"])
    assert not report.failures, report.failures
    with served(build_server(service)) as url:
        yield url + "/"


@pytest.fixture
def page(browser, ui_url: str):
    """A fresh page with the app loaded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(ui_url)
    page.locator("#question textarea").wait_for()
    yield page
    context.close()


def ask(page, question: str) -> None:
    """Type a question, send it, and wait until the chat's newest reply is no longer a status line."""
    turns = page.locator("#chat [data-testid=bot]").count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.wait_for_function(
        """n => {
            const bots = document.querySelectorAll('#chat [data-testid=bot]');
            const last = bots[bots.length - 1];
            return bots.length > n && !/Searching…|writing the answer…/.test(last.innerText);
        }""",
        arg=turns,
        timeout=TIMEOUT_MS,
    )


def last_reply(page) -> str:
    return page.locator("#chat [data-testid=bot]").last.inner_text()


@pytest.mark.browser
def test_answer_shows_in_chat_with_its_sources(page) -> None:
    ask(page, "2030년까지 AI 팩토리를 몇 개 만드나요?")
    reply = last_reply(page)
    assert "500" in reply and "[1]" in reply, reply
    sources = page.locator("#sources")
    assert DOC_NAME in sources.inner_text()
    assert "[1]" in sources.inner_text()
    assert "2030년까지 AI 팩토리를 500개로 늘릴 계획" in sources.locator("blockquote").first.inner_text()
    assert "1 documents indexed" in page.locator("#footer").inner_text()


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
    page.wait_for_function("() => document.querySelectorAll('#chat [data-testid=bot]').length == 2")
    assert all("질문을 입력해 주세요" in text for text in replies.all_inner_texts())
    assert page.locator("#chat [data-testid=user]").count() == 0
    ask(page, "2030년까지 AI 팩토리를 몇 개 만드나요?")
    assert "500" in last_reply(page)


def test_citations_and_questions_render_as_literal_markdown() -> None:
    """Untrusted text (snippets, file names, questions) cannot inject HTML or Markdown into the panels."""
    from assistant_ui.app import NO_SOURCE_ANSWERS, escape, render_sources, shown_question

    cite = Citation(1, "a_b.md", 3, "# <img src=x onerror=alert(1)> [x](javascript:1)\n*굵게*", 0.5, "목표")
    panel = render_sources(Answer("q", "t [1]", "ko", False, [cite]))
    assert "**\\[1\\] a\\_b.md**, p.3 · 목표" in panel
    assert "> \\# \\<img src=x onerror=alert(1)\\> \\[x\\](javascript:1) \\*굵게\\*" in panel
    assert "p." not in render_sources(Answer("q", "t [1]", "ko", False, [Citation(1, "a.md", None, "s", 0.5)]))
    assert NO_SOURCE_ANSWERS in render_sources(Answer("q", "없음", "ko", True, []))
    assert escape("R&D 1. 2030년") == "R&D 1. 2030년"
    assert escape("1. 목표 &amp;") == "1\\. 목표 \\&amp;"
    assert shown_question("가" * 5000).endswith("…") and len(shown_question("가" * 5000)) == 501


def test_a_turn_streams_status_then_answer_and_survives_errors() -> None:
    """respond() only renders the service's events: searching, passages found, answer; errors become replies."""
    from assistant.answer import Delta
    from assistant.question import QuestionError
    from assistant.service import Answered, Retrieved
    from assistant_ui.app import SEARCHING, SORRY, WRITING, respond

    answer = Answer("q", "500개 [1]", "ko", False, [Citation(1, "a.md", 2, "500개로 늘린다.", 0.5)])

    class Fake:
        def __init__(self, events):
            self.events = events

        def stream(self, question, history=()):
            self.history = list(history)
            for event in self.events:
                if isinstance(event, Exception):
                    raise event
                yield event

    turns = list(respond(Fake([Retrieved([object()] * 3), Answered(answer)]), "몇 개?", []))
    assert [t[0][-1]["content"] for t in turns] == [SEARCHING, turns[1][0][-1]["content"], "500개 \\[1\\]"]
    assert "3" in turns[1][0][-1]["content"] and turns[0][0][0] == {"role": "user", "content": "몇 개?"}
    assert "p.2" in turns[-1][1] and all(t[2] == "" for t in turns)
    # An answer being written (LLM) grows in the chat; the final answer replaces it.
    written = list(respond(Fake([Retrieved([object()]), Delta("500"), Delta("개"), Answered(answer)]), "몇 개?", []))
    assert [t[0][-1]["content"] for t in written[2:]] == ["500", "500개", "500개 \\[1\\]"]
    assert WRITING in written[2][1] and "p.2" in written[-1][1]
    failed = list(respond(Fake([QuestionError("질문을 입력해 주세요.")]), "  ", None))
    assert len(failed[-1][0]) == 1 and "질문을 입력해 주세요." in failed[-1][0][0]["content"]
    assert list(respond(Fake([RuntimeError("boom")]), "질문", []))[-1][0][-1]["content"] == SORRY


def test_a_turn_passes_the_users_earlier_messages_and_a_cleared_chat_starts_over() -> None:
    from assistant.service import Answered
    from assistant_ui.app import respond

    answer = Answer("q", "답", "ko", False, [])

    class Recording:
        history = None

        def stream(self, question, history=()):
            self.history = list(history)
            yield Answered(answer)

    service = Recording()
    shown = [{"role": "user", "content": "우리 회사가 시험 공장 지원을 받을 수 있나요?"}, {"role": "assistant", "content": "…"}]
    turns = list(respond(service, "직원은 45명 *입니다*", shown, ["우리 회사가 시험 공장 지원을 받을 수 있나요?"]))
    assert service.history == ["우리 회사가 시험 공장 지원을 받을 수 있나요?"]
    assert turns[-1][3] == ["우리 회사가 시험 공장 지원을 받을 수 있나요?", "직원은 45명 *입니다*"]  # as typed, not escaped
    list(respond(service, "새 질문", [], ["old question"]))
    assert service.history == []
