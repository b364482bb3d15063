"""Per-client rate limiting: the token buckets on a clock the test moves, then the served app — 429 with Retry-After
from the API, the chat's message in its language with the question kept, staff routes unlimited, and which
address counts as the client behind a proxy. And the chat's queue limits: a full queue refuses at once."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from assistant.config import LLMSettings, StaffSettings, UISettings
from assistant.datastore import SqliteDataStore
from assistant.service import AssistantService
from fakes import SilentServer
from webserver import served

STAFF = StaffSettings(username="staff-lee", password="rate limit test password")
# Two questions a client, and the next token so far off that no test lasts long enough to see it.
LIMITS = {"rate_limit_per_minute": 0.01, "rate_limit_burst": 2}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_client_gets_its_burst_then_whole_seconds_to_wait_and_each_kind_counts_apart(tmp_path: Path) -> None:
    from assistant_ui.ratelimit import RateLimiter

    clock, store = Clock(), SqliteDataStore(tmp_path)
    asks = RateLimiter(store, "ask", per_minute=6, burst=3, clock=clock)  # a token every 10 s
    assert [asks.take("10.0.0.1") for _ in range(3)] == [0, 0, 0]
    assert asks.take("10.0.0.1") == 10  # seconds until the next token
    assert asks.take("10.0.0.2") == 0  # another client has its own bucket
    assert RateLimiter(store, "feedback", per_minute=6, burst=3, clock=clock).take("10.0.0.1") == 0  # another kind
    clock.now += 4.5
    assert asks.take("10.0.0.1") == 6  # 5.5 s, in whole seconds
    # Another process on the same store (a replica) sees the same bucket.
    assert RateLimiter(SqliteDataStore(tmp_path), "ask", per_minute=6, burst=3, clock=clock).take("10.0.0.1") == 6
    off = RateLimiter(store, "ask", per_minute=0, burst=1, clock=clock)
    assert all(off.take("10.0.0.1") == 0 for _ in range(100))


def test_addresses_are_stored_only_hashed_and_only_until_their_bucket_is_full_again(tmp_path: Path) -> None:
    from assistant_ui.ratelimit import FORGET_EVERY_S, RateLimiter

    clock, store = Clock(), SqliteDataStore(tmp_path)
    limiter = RateLimiter(store, "ask", per_minute=60, burst=2, clock=clock)  # full again 2 s after the last use
    for n in range(300):
        limiter.take(f"198.51.100.{n}")

    def stored() -> int:
        return sqlite3.connect(store.path).execute("SELECT COUNT(*) FROM rate_buckets").fetchone()[0]

    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert stored() == 300 and b"198.51.100." not in raw
    clock.now += FORGET_EVERY_S  # long past full: the next request deletes every full bucket
    limiter.take("203.0.113.9")
    assert stored() == 1


@pytest.fixture(scope="module")
def behind_proxy(indexed, tmp_path_factory) -> Iterator[str]:
    """The web app with a tight limit, told that 127.0.0.1 is its reverse proxy: each test's requests carry their
    own X-Forwarded-For address, so each test is a client of its own."""
    from assistant_ui.server import build_server

    settings, _ = indexed
    ui = UISettings(**LIMITS, trusted_proxies=["127.0.0.1"])
    service = AssistantService(settings.model_copy(update={
        "staff": STAFF, "data_dir": tmp_path_factory.mktemp("limited-data"), "ui": ui,
    }))
    with served(build_server(service)) as url:
        yield url


def as_client(url: str, address: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=120, headers={"X-Forwarded-For": address})


def test_the_api_answers_429_with_retry_after_in_both_languages_and_staff_routes_are_not_limited(behind_proxy) -> None:
    with as_client(behind_proxy, "203.0.113.10") as client:
        for _ in range(2):
            assert client.post("/api/ask", json={"question": "How big is the DX fund?"}).status_code == 200
        refused = client.post("/api/ask", json={"question": "How big is the DX fund?"})
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        assert wait > 60
        detail = refused.json()["detail"]
        assert f"{wait}초 뒤에 다시 시도해 주세요" in detail and f"try again in {wait} s" in detail
        # Feedback is counted apart from questions, with its own limit.
        assert [client.post("/api/feedback", json={"inquiry_id": 10**9, "helpful": True}).status_code
                for _ in range(3)] == [404, 404, 429]
        login = client.post("/login", data={"username": STAFF.username, "password": STAFF.password.get_secret_value()})
        assert login.status_code == 303
        assert all(client.get("/api/staff/inquiries").status_code == 200 for _ in range(5))


def test_behind_a_trusted_proxy_the_client_is_the_nearest_address_it_did_not_write(behind_proxy) -> None:
    # The proxy appends the address it saw; what a client writes before it cannot choose another bucket.
    statuses = [
        httpx.post(f"{behind_proxy}/api/feedback", json={"inquiry_id": 10**9, "helpful": True}, timeout=60,
                   headers={"X-Forwarded-For": f"192.0.2.{n}, 203.0.113.20"}).status_code
        for n in range(3)
    ]
    assert statuses == [404, 404, 429]
    with as_client(behind_proxy, "203.0.113.21") as other:  # another client is not held up
        assert other.post("/api/feedback", json={"inquiry_id": 10**9, "helpful": True}).status_code == 404


def test_without_trusted_proxies_x_forwarded_for_is_ignored(indexed, tmp_path_factory) -> None:
    from assistant_ui.server import build_server

    settings, _ = indexed
    service = AssistantService(settings.model_copy(update={
        "data_dir": tmp_path_factory.mktemp("direct-data"), "ui": UISettings(**LIMITS),
    }))
    with served(build_server(service)) as url:
        statuses = [
            httpx.post(f"{url}/api/feedback", json={"inquiry_id": 10**9, "helpful": True}, timeout=60,
                       headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
            for n in range(3)
        ]
    assert statuses == [404, 404, 429]


@pytest.mark.browser
def test_the_chat_shares_the_limit_says_so_in_its_language_and_keeps_the_question(browser, behind_proxy) -> None:
    address = "203.0.113.30"
    with as_client(behind_proxy, address) as client:  # one of the client's two questions, through the API
        assert client.post("/api/ask", json={"question": "How big is the DX fund?"}).status_code == 200
    context = browser.new_context(extra_http_headers={"X-Forwarded-For": address})
    try:
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(behind_proxy + "/")
        box = page.locator("#question textarea")
        box.fill("2030년까지 AI 팩토리를 몇 개 만드나요?")
        page.locator("#send").click()
        expect(box).to_have_value("")  # taken when sent
        page.locator("#chat [data-testid=bot]", has_text="500").wait_for()
        # Typed while the answer may still be written: later updates of that answer leave it in the box.
        question = "산업 디지털 혁신 펀드는 얼마 규모인가요?"
        box.fill(question)
        page.locator("#send").click()
        page.get_by_text("짧은 시간에 질문이 너무 많았습니다").wait_for()
        assert box.input_value() == question  # nothing lost: it can be sent again
        assert page.locator("#chat [data-testid=bot]").count() == 1
    finally:
        context.close()


@pytest.fixture
def full_queue(indexed, tmp_path_factory) -> Iterator[tuple[str, Callable[[str], httpx.Response]]]:
    """A served chat whose queue is full (one answer worked on, held by a chat model that never answers; one
    waiting), and how the browser sends a question to it."""
    from assistant_ui.server import build_server

    settings, _ = indexed
    with SilentServer() as model:  # a chat model that never answers holds the first answer as long as the test needs
        service = AssistantService(settings.model_copy(update={
            "data_dir": tmp_path_factory.mktemp("queue-data"),
            "ui": UISettings(rate_limit_per_minute=0, queue_concurrency=1, queue_size=1),
            "answer": settings.answer.model_copy(update={"generator": "llm"}),
            "llm": LLMSettings(base_url=f"http://127.0.0.1:{model.port}/v1", first_token_timeout_s=120, timeout_s=120),
        }))
        with served(build_server(service)) as url, httpx.Client(base_url=url, timeout=60) as client:
            config = client.get("/config").json()
            (send,) = [c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "send"]
            (event,) = [d["id"] for d in config["dependencies"] if [send, "click"] in d["targets"]]

            def ask(session: str) -> httpx.Response:  # as the browser sends a question: the queue's join
                return client.post("/gradio_api/queue/join", json={
                    "data": ["2030년까지 AI 팩토리를 몇 개 만드나요?", [], None, None, None, "ko"], "event_data": None,
                    "fn_index": event, "trigger_id": send, "session_hash": session,
                })

            assert ask("first").status_code == 200
            assert model.accepted.wait(60)  # the first answer is being worked on (the one allowed at a time)
            assert ask("second").status_code == 200  # waits: the queue's one place
            yield url, ask
            model.hang_up()  # the held answers end now, so the server stops without waiting for them


def test_a_full_chat_queue_refuses_a_question_at_once_instead_of_keeping_it_waiting(full_queue) -> None:
    _, ask = full_queue
    refused = ask("third")
    assert refused.status_code == 503 and "Queue is full" in refused.json()["detail"]


@pytest.mark.browser
def test_the_chat_says_its_queue_is_full_in_the_pages_language_and_keeps_the_question(browser, full_queue) -> None:
    from assistant_ui.strings import text

    url, _ = full_queue
    page = browser.new_page()
    try:
        page.set_default_timeout(60_000)
        page.goto(url + "/")
        box = page.locator("#question textarea")
        for language, question in (("ko", "산업 디지털 혁신 펀드는 얼마 규모인가요?"), ("en", "How big is the DX fund?")):
            if language == "en":
                page.locator("#language").get_by_text("English").click()
            box.fill(question)
            page.locator("#send").click()
            page.get_by_text(text("queue_full", language)).first.wait_for()
            assert box.input_value() == question  # nothing lost: it can be sent again
        assert page.get_by_text("currently busy").count() == 0  # Gradio's English words are never left showing
    finally:
        page.close()
