"""The data store contract (inquiry log, feedback, staff accounts, sessions), run against every store we ship."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.datastore import (
    DataStore, DataStoreError, Inquiry, InquiryFilter, SqliteDataStore, open_datastore, password_matches,
)
from pgserver import postgres_server


def _inquiry(question: str, **fields) -> Inquiry:
    return Inquiry.model_validate({"rewritten_question": question, "language": "ko", "outcome": "answered"} | fields
                                  | {"question": question})


class DataStoreContract:
    """What every DataStore does; a subclass gives the `store` fixture."""

    def test_an_inquiry_is_logged_and_read_back_with_its_sources(self, store) -> None:
        cited = [{"source": "a.pdf", "page": 3, "snippet": "최대 1억 원", "score": 0.5}]
        first = store.log_inquiry(_inquiry("지원 한도는?", citations=cited, latency_ms=12.5, channel="api"))
        second = store.log_inquiry(_inquiry("신청 기간은?", outcome="unanswerable", abstained=True))
        assert second > first
        found = store.inquiry(first)
        assert (found.question, found.citations, found.latency_ms, found.channel) == ("지원 한도는?", cited, 12.5, "api")
        assert found.at and found.helpful is None
        assert [i.id for i in store.inquiries(InquiryFilter())] == [second, first]  # newest first
        assert store.inquiry(999_999) is None

    def test_personal_data_is_masked_on_the_way_in(self, store) -> None:
        logged = store.inquiry(store.log_inquiry(_inquiry("제 번호는 010-4821-9357입니다")))
        assert "4821" not in logged.question and "[전화번호]" in logged.question
        store.add_feedback(logged.id, False, "메일 kim@example.com 로 연락 주세요")
        assert "kim@example.com" not in store.inquiry(logged.id).comment

    def test_feedback_keeps_the_latest_rating_and_refuses_an_unknown_inquiry(self, store) -> None:
        inquiry_id = store.log_inquiry(_inquiry("질문"))
        store.add_feedback(inquiry_id, True)
        store.add_feedback(inquiry_id, False, "  출처가 틀렸어요 ")
        found = store.inquiry(inquiry_id)
        assert (found.helpful, found.comment) == (False, "출처가 틀렸어요")
        with pytest.raises(KeyError):
            store.add_feedback(999_999, True)

    def test_filters_combine(self, store) -> None:
        a = store.log_inquiry(_inquiry("스마트공장 지원 한도", at="2026-11-01T09:00:00+00:00"))
        b = store.log_inquiry(_inquiry("How big is the fund?", at="2026-11-20T09:00:00+00:00", channel="api"))
        c = store.log_inquiry(_inquiry("날씨", at="2026-11-21T23:59:00+00:00", outcome="out_of_scope"))
        store.add_feedback(a, False)
        store.add_feedback(b, True)

        def ids(**where) -> list[int]:
            return [i.id for i in store.inquiries(InquiryFilter(**where))]

        assert ids(text="스마트공장") == [a]
        assert ids(outcome="out_of_scope") == [c] and ids(channel="api") == [b]
        assert ids(feedback="unhelpful") == [a] and ids(feedback="helpful") == [b] and ids(feedback="none") == [c]
        assert ids(since="2026-11-20") == [c, b] and ids(until="2026-11-21") == [c, b, a]
        assert ids(since="2026-11-02", until="2026-11-20") == [b]
        assert ids(limit=1) == [c]

    def test_staff_login_checks_the_password_and_a_session_ends(self, store) -> None:
        store.set_staff("kim", "first-pass")
        store.set_staff("kim", "second-pass")  # setting again changes the password
        assert store.check_staff("kim", "second-pass")
        assert not store.check_staff("kim", "first-pass") and not store.check_staff("lee", "second-pass")
        token = store.open_session("kim", hours=1)
        assert store.session_user(token) == "kim"
        assert store.session_user(token + "x") is None and store.session_user("") is None
        store.close_session(token)
        assert store.session_user(token) is None
        assert store.session_user(store.open_session("kim", hours=-1)) is None  # expired

    def test_a_token_bucket_gives_its_burst_then_refuses_until_tokens_come_back(self, store) -> None:
        # A token every 10 s, three at most; the clock is the caller's.
        assert [store.take_token("a", 0.1, 3, 1000.0) for _ in range(3)] == [0, 0, 0]
        assert store.take_token("a", 0.1, 3, 1000.0) == pytest.approx(10)
        assert store.take_token("b", 0.1, 3, 1000.0) == 0  # another bucket
        assert store.take_token("a", 0.1, 3, 1004.0) == pytest.approx(6)
        assert store.take_token("a", 0.1, 3, 1010.0) == 0
        assert store.take_token("a", 0.1, 3, 1000.0) == pytest.approx(10)  # a clock behind the last one gains nothing
        assert [store.take_token("a", 0.1, 3, 5000.0) for _ in range(4)][3] > 0  # refilled to three, no further

    def test_buckets_idle_since_a_time_are_forgotten(self, store) -> None:
        store.take_token("old", 1.0, 2, 100.0)
        store.take_token("recent", 1.0, 2, 200.0)
        assert store.forget_buckets(idle_since=150.0) == 1
        assert store.forget_buckets(idle_since=150.0) == 0
        assert [store.take_token("old", 1.0, 2, 150.0) for _ in range(3)][:2] == [0, 0]  # forgotten: full again

    def test_processes_on_one_database_share_a_bucket_and_never_spend_a_token_twice(self, store, twin) -> None:
        from concurrent.futures import ThreadPoolExecutor

        # Eight workers on two store objects (two replicas) take 40 times from a bucket of 20 that refills too slowly
        # to matter: exactly 20 go ahead, whoever asks.
        with ThreadPoolExecutor(8) as pool:
            waits = list(pool.map(lambda n: (store, twin)[n % 2].take_token("shared", 1e-9, 20, 1000.0), range(40)))
        assert waits.count(0) == 20


class TestSqliteDataStore(DataStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> SqliteDataStore:
        return SqliteDataStore(tmp_path / "data")

    @pytest.fixture
    def twin(self, store: SqliteDataStore) -> SqliteDataStore:
        return SqliteDataStore(store.path.parent)

    def test_the_file_holds_no_password_or_session_token(self, tmp_path: Path) -> None:
        store = SqliteDataStore(tmp_path)
        store.set_staff("kim", "plain-secret-pw")
        token = store.open_session("kim", hours=1)
        raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
        assert b"plain-secret-pw" not in raw and token.encode() not in raw
        (stored,) = sqlite3.connect(store.path).execute("SELECT password_hash FROM staff").fetchone()
        assert stored.startswith("scrypt$") and password_matches("plain-secret-pw", stored)

    def test_a_folder_that_cannot_be_written_is_a_clear_error(self, tmp_path: Path) -> None:
        blocker = tmp_path / "file"
        blocker.write_text("not a folder")
        with pytest.raises(DataStoreError, match="cannot use the data store"):
            SqliteDataStore(blocker / "data")

    def test_a_damaged_database_file_is_a_clear_error(self, tmp_path: Path) -> None:
        (tmp_path / "assistant.sqlite3").write_bytes(b"this is not a database" * 100)
        with pytest.raises(DataStoreError, match="cannot use the data store"):
            SqliteDataStore(tmp_path)


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server (Debian's packages; the test command installs them), one per module."""
    with postgres_server() as url:
        yield url


class TestPostgresDataStore(DataStoreContract):
    @pytest.fixture
    def store(self, postgres_url: str, request) -> DataStore:
        # A database per test, so each starts empty as the SQLite ones do.
        import psycopg

        name = "t_" + hashlib.sha1(request.node.name.encode()).hexdigest()[:12]
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
        return open_datastore(Path("unused"), postgres_url.rsplit("/", 1)[0] + f"/{name}")

    @pytest.fixture
    def twin(self, store) -> DataStore:
        return open_datastore(Path("unused"), store.url)

    def test_replicas_starting_together_share_one_schema(self, postgres_url: str) -> None:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(4) as pool:
            stores = list(pool.map(lambda _: open_datastore(Path("unused"), postgres_url), range(4)))
        inquiry_id = stores[0].log_inquiry(_inquiry("복제 서버 질문"))
        assert stores[3].inquiry(inquiry_id).question == "복제 서버 질문"

    def test_an_unreachable_server_is_a_clear_error(self) -> None:
        from webserver import free_port

        with pytest.raises(DataStoreError, match="cannot use the PostgreSQL data store"):
            open_datastore(Path("unused"), f"postgresql://nobody@127.0.0.1:{free_port()}/none")
