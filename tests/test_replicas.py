"""Two web replicas (`assistant serve` processes) sharing one Chroma server and one PostgreSQL, as deployed behind a
proxy: a document uploaded through one is answered by the other, both write one inquiry log, and a client's rate
limit is one limit across them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from chromaserver import chroma_server
from pgserver import postgres_server
from webserver import free_port

ASSISTANT = Path(sys.executable).with_name("assistant")
CORPUS = Path(__file__).parents[1] / "corpus"
# A small part of the shipped corpus: a Korean PDF, a Korean and an English notice.
CORPUS_PART = ["ai_factory_max_alliance_ko.pdf", "sme_policy_fund_2026_ko.md", "smart_factory_history_en.md"]
USER, PASSWORD = "staff-replicas", "two replicas one log"
START_TIMEOUT_S = 300  # two processes loading the models at once on a loaded machine
SEEN_TIMEOUT_S = 60
T = TypeVar("T")

# The replicas' limits: each client's feedback (counted apart from questions) has FEEDBACK_BURST requests, and the
# next token is so far off that no test lasts long enough to see it; the proxy in front of them is on loopback.
FEEDBACK_BURST = 12
LIMITS = {"ASSISTANT_UI__RATE_LIMIT_BURST": str(FEEDBACK_BURST), "ASSISTANT_UI__RATE_LIMIT_PER_MINUTE": "0.01",
          "ASSISTANT_UI__TRUSTED_PROXIES": '["127.0.0.1"]'}

UPLOAD_NAME = "drone_voucher_ko.md"
UPLOAD = """# 해양 드론 물류 실증 바우처 공고

## 지원 내용
해양 드론 물류 실증 바우처는 기업당 최대 7,700만 원을 지원한다.
"""
UPLOAD_QUESTION = "해양 드론 물류 실증 바우처는 기업당 최대 얼마를 지원하나요?"


@dataclass(frozen=True)
class Replica:
    url: str
    data_dir: Path
    log: Path


def _environment(chroma_port: int, database_url: str, data_dir: Path, root: Path) -> dict[str, str]:
    """A replica's configuration, from the environment as a deployment gives it."""
    return os.environ | {
        "ASSISTANT_STORE__KIND": "chroma-http", "ASSISTANT_STORE__HOST": "127.0.0.1",
        "ASSISTANT_STORE__PORT": str(chroma_port), "ASSISTANT_DATABASE_URL": database_url,
        "ASSISTANT_DATA_DIR": str(data_dir), "ASSISTANT_INDEX_DIR": str(root / "no-index"),
        "ASSISTANT_STAFF__USERNAME": USER, "ASSISTANT_STAFF__PASSWORD": PASSWORD,
    } | LIMITS


@contextmanager
def _replica(name: str, env: dict[str, str], root: Path) -> Iterator[tuple[subprocess.Popen, Replica]]:
    """An `assistant serve` process on a free loopback port, its output in root/<name>.log; stopped after."""
    port = free_port()
    log = root / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [ASSISTANT, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, cwd=root, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        yield process, Replica(f"http://127.0.0.1:{port}", Path(env["ASSISTANT_DATA_DIR"]), log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=60)


def _wait_until_serving(process: subprocess.Popen, replica: Replica, deadline: float) -> None:
    while not _healthy(replica.url):  # the condition: the app answers its health route
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{replica.url} did not start (exit code {process.poll()}):\n"
                               + replica.log.read_text(errors="replace")[-3000:])
        time.sleep(0.5)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Replica, Replica]]:
    """One Chroma server holding part of the shipped corpus, one PostgreSQL, and two replicas serving from them."""
    root = tmp_path_factory.mktemp("replicas")
    (root / "corpus").mkdir()
    for name in CORPUS_PART:
        (root / "corpus" / name).write_bytes((CORPUS / name).read_bytes())
    with ExitStack() as stack:
        chroma_port = stack.enter_context(chroma_server(root / "chroma"))
        database_url = stack.enter_context(postgres_server())
        ingest_env = _environment(chroma_port, database_url, root / "ingest-data", root)
        ingested = subprocess.run([ASSISTANT, "ingest", root / "corpus"], env=ingest_env, cwd=root,
                                  capture_output=True, text=True)
        assert ingested.returncode == 0, ingested.stdout + ingested.stderr
        started = [
            stack.enter_context(_replica(name, _environment(chroma_port, database_url, root / name, root), root))
            for name in ("replica-a", "replica-b")
        ]
        deadline = time.monotonic() + START_TIMEOUT_S
        for process, replica in started:
            _wait_until_serving(process, replica, deadline)
        yield started[0][1], started[1][1]
        assert not (root / "no-index").exists()  # the index is the server's only


@contextmanager
def _staff(replica: Replica) -> Iterator[httpx.Client]:
    """A client logged in as staff on the replica."""
    with httpx.Client(base_url=replica.url, timeout=300) as client:
        response = client.post("/login", data={"username": USER, "password": PASSWORD})
        assert response.status_code == 303, response.text
        yield client


def _eventually(look: Callable[[], T], done: Callable[[T], bool], what: str) -> T:
    """Look until done says so, up to SEEN_TIMEOUT_S; the last look's value either way."""
    deadline = time.monotonic() + SEEN_TIMEOUT_S
    while not done(seen := look()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {SEEN_TIMEOUT_S} s; last seen: {seen}")
        time.sleep(0.5)
    return seen


def _ask(replica: Replica, question: str) -> dict:
    response = httpx.post(f"{replica.url}/api/ask", json={"question": question}, timeout=300)
    assert response.status_code == 200, response.text
    return response.json()


def test_both_replicas_answer_from_the_shared_index(replicas) -> None:
    for replica in replicas:
        body = _ask(replica, "2030년까지 AI 팩토리를 몇 개 만드나요?")
        assert "500" in body["answer"] and body["citations"][0]["source"] == "ai_factory_max_alliance_ko.pdf", body
        assert httpx.get(f"{replica.url}/api/health").json()["documents"] == len(CORPUS_PART)


def test_a_document_uploaded_through_one_replica_is_answered_by_the_other(replicas) -> None:
    a, b = replicas
    assert _ask(b, UPLOAD_QUESTION)["abstained"]  # nothing says it yet
    with _staff(a) as staff:
        uploaded = staff.post("/api/staff/documents", files=[("files", (UPLOAD_NAME, UPLOAD.encode()))])
    assert uploaded.status_code == 200 and uploaded.json()["indexed"] == [UPLOAD_NAME], uploaded.text

    # B sees the new document without a restart: its document count and the source view first (no question has
    # made it search since), then the answer.
    health = _eventually(lambda: httpx.get(f"{b.url}/api/health").json(),
                         lambda h: h["documents"] == len(CORPUS_PART) + 1, "B counts the uploaded document")
    assert health["status"] == "ok"
    source = httpx.get(f"{b.url}/source", params={"doc": UPLOAD_NAME, "quote": "7,700만 원"})
    assert source.status_code == 200 and '<mark id="passage">7,700만 원</mark>' in source.text, source.text
    answer = _eventually(lambda: _ask(b, UPLOAD_QUESTION), lambda body: not body["abstained"], "B answers from it")
    assert "7,700만" in answer["answer"] and answer["citations"][0]["source"] == UPLOAD_NAME, answer
    # The file itself is kept only by the replica it was uploaded to; B serves everything from the index.
    assert (a.data_dir / "uploads" / UPLOAD_NAME).is_file()
    assert not (b.data_dir / "uploads" / UPLOAD_NAME).exists()


def test_inquiries_through_either_replica_are_in_one_log(replicas) -> None:
    a, b = replicas
    through_a = _ask(a, "산업 AI 전환 펀드는 누가 운용하나요? (A)")["inquiry_id"]
    through_b = _ask(b, "How many smart factories were built by 2022? (B)")["inquiry_id"]
    assert through_a != through_b
    with _staff(a) as on_a:
        from_a = on_a.get("/api/staff/inquiries").json()
        # The login made on A is valid on B: sessions are in the shared data store.
        with httpx.Client(base_url=b.url, cookies=on_a.cookies, timeout=60) as on_b:
            from_b = on_b.get("/api/staff/inquiries").json()
    assert from_a == from_b
    questions = {row["id"]: row["question"] for row in from_a}
    assert questions[through_a].endswith("(A)") and questions[through_b].endswith("(B)")
    assert {row["channel"] for row in from_a if row["id"] in {through_a, through_b}} == {"api"}


def test_a_client_has_one_rate_limit_across_the_replicas(replicas) -> None:
    # Each request of a client no other test is (its own address, as the proxy reports it) spends a token of one
    # bucket in the shared store, whichever replica takes it: after the burst, both refuse. Counted per process,
    # each replica would allow the whole burst again.
    def feedback(replica: Replica) -> httpx.Response:
        return httpx.post(f"{replica.url}/api/feedback", json={"inquiry_id": 999_999, "helpful": True},
                          headers={"X-Forwarded-For": "198.51.100.23"}, timeout=60)

    spent = [feedback(replicas[n % 2]) for n in range(FEEDBACK_BURST)]
    assert all(r.status_code != 429 for r in spent), [r.text for r in spent]
    for replica in replicas:
        refused = feedback(replica)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 60, refused.text
