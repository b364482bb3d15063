"""Faults, made real: `assistant ingest` killed mid-write, a staff upload killed with its server, a read-only or full
index folder, an LLM server that goes away mid-conversation and comes back."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings, StoreSettings
from assistant.indexer import document_hash
from assistant.service import AssistantService
from assistant.uploads import Uploads
from conftest import choose_files
from webserver import free_port

ASSISTANT = Path(sys.executable).with_name("assistant")
DEADLINE_S = 180  # the longest any awaited condition may take on a loaded machine

VOUCHER_QUESTION = "녹색 물류 전환 바우처는 기업당 최대 얼마를 지원하나요?"
HARBOUR_QUESTION = "스마트 항만 실증 사업은 과제당 얼마를 지원하나요?"


def voucher_md(amount: str, appendix: int = 0) -> str:
    """The voucher notice; its new version carries an appendix of many small sections, so that writing it takes
    more than one of the store's batches (a kill can land between them)."""
    parts = [f"# 녹색 물류 전환 바우처 공고\n\n## 지원 규모\n녹색 물류 전환 바우처는 기업당 최대 {amount}을 지원한다.\n"]
    parts += [f"\n## 별표 {i}\n별표 {i}번 서식은 참고용 양식 {i}호이다.\n" for i in range(appendix)]
    return "".join(parts)


def harbour_md(amount: str) -> str:
    return f"# 스마트 항만 공고\n\n## 지원 내용\n스마트 항만 실증 사업은 과제당 {amount}을 지원한다.\n"


def write_old_versions(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a_harbour.md").write_text(harbour_md("8억 원"), encoding="utf-8")
    (folder / "b_voucher.md").write_text(voucher_md("3,000만 원"), encoding="utf-8")
    return folder


def write_new_versions(folder: Path) -> Path:
    # Ingest goes by name: the small harbour notice is written first, then the voucher notice over several batches.
    (folder / "a_harbour.md").write_text(harbour_md("12억 원"), encoding="utf-8")
    (folder / "b_voucher.md").write_text(voucher_md("5,000만 원", appendix=1400), encoding="utf-8")
    return folder


def service_env(root: Path, **more: str) -> dict[str, str]:
    """The environment a deployment would configure an `assistant` process with."""
    return os.environ | {
        "ASSISTANT_INDEX_DIR": str(root / "index"), "ASSISTANT_DATA_DIR": str(root / "data"),
        "ASSISTANT_PROGRAMS_DIR": str(root / "no-programs"), **more,
    }


def fresh_service(root: Path) -> AssistantService:
    """A service that opens the index as a newly started process would."""
    settings = Settings(index_dir=root / "index", data_dir=root / "data", programs_dir=root / "no-programs")
    return AssistantService(settings)


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen | None = None) -> None:
    """Poll until the condition holds; fail at the deadline, or at once when the process it waits on has ended."""
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if process is not None and process.poll() is not None:
            pytest.fail(f"the process ended (exit code {process.returncode}) before {what}")
        assert time.monotonic() < deadline, f"not within {DEADLINE_S} s: {what}"
        time.sleep(0.02)


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL  # it was still running: the kill cut it off


def chunks_written(index: Path, doc_hash: str) -> tuple[int, int]:
    """(chunks of this document version in the index's database, chunks the version has in all), read from Chroma's
    SQLite file without opening Chroma, as an observer beside the writing process."""
    database = index / "chroma.sqlite3"
    if not database.exists():
        return 0, 0
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
        try:
            ids = [row[0] for row in db.execute(
                "SELECT id FROM embedding_metadata WHERE key = 'doc_hash' AND string_value = ?", (doc_hash,)
            )]
        except sqlite3.OperationalError:  # the tables are being created
            return 0, 0
        total = db.execute(
            "SELECT int_value FROM embedding_metadata WHERE key = 'n_chunks' AND id = ?", (ids[0],)
        ).fetchone()[0] if ids else 0
    return len(ids), total


def stored_chunks(index: Path) -> int:
    """Chunks in the index's chunk collection (sentence vectors, a cache keyed by the sentence, live beside it)."""
    with sqlite3.connect(f"file:{index / 'chroma.sqlite3'}?mode=ro", uri=True, timeout=10) as db:
        return db.execute(
            "SELECT count(*) FROM embeddings e JOIN segments s ON e.segment_id = s.id "
            "JOIN collections c ON s.collection = c.id WHERE c.name = ?", (StoreSettings().collection,)
        ).fetchone()[0]


def cited_text(service: AssistantService, question: str) -> tuple[str, list[str]]:
    answer = service.ask(question)
    return answer.text, [c.source for c in answer.citations]


def ingest(root: Path, *paths: Path) -> subprocess.CompletedProcess:
    """`assistant ingest` in a process of its own, into root/index."""
    command = [ASSISTANT, "ingest", *paths]
    return subprocess.run(command, env=service_env(root), cwd=root, capture_output=True, text=True)


@pytest.fixture(scope="module")
def old_index(tmp_path_factory) -> Path:
    """An index of the old versions, written by a finished `assistant ingest`; tests copy it (copy_index)."""
    root = tmp_path_factory.mktemp("old")
    done = ingest(root, write_old_versions(root / "docs"))
    assert done.returncode == 0, done.stderr
    return root / "index"


def copy_index(old_index: Path, root: Path) -> Path:
    """root/docs with the new versions, beside root/index holding the old ones."""
    shutil.copytree(old_index, root / "index", dirs_exist_ok=True)
    return write_new_versions(write_old_versions(root / "docs"))


@pytest.mark.model
def test_a_killed_ingest_leaves_the_previous_versions_answering_and_a_rerun_completes(old_index, tmp_path):
    docs = copy_index(old_index, tmp_path)
    env = service_env(tmp_path)
    settings = Settings()
    new_voucher = document_hash((docs / "b_voucher.md").read_bytes(), settings)
    new_harbour = document_hash((docs / "a_harbour.md").read_bytes(), settings)

    # Killed right at its start, before it wrote anything.
    kill(subprocess.Popen([ASSISTANT, "ingest", docs], env=env, cwd=tmp_path))
    # Killed in the middle of the voucher notice: some of its new chunks are written, not all.
    running = subprocess.Popen([ASSISTANT, "ingest", docs], env=env, cwd=tmp_path)
    wait_for(lambda: chunks_written(tmp_path / "index", new_voucher)[0] > 0, "new voucher chunks are written", running)
    kill(running)
    written, total = chunks_written(tmp_path / "index", new_voucher)
    assert 0 < written < total, (written, total)  # the half-written state this test is about
    assert chunks_written(tmp_path / "index", new_harbour)[0] == 1  # the harbour notice was done before

    service = fresh_service(tmp_path)
    text, sources = cited_text(service, VOUCHER_QUESTION)
    assert "3,000만 원" in text and sources[0] == "b_voucher.md"  # the previous version, whole
    assert "별표" not in service.page_text("b_voucher.md", None).text  # nothing of the half-written version
    text, sources = cited_text(service, HARBOUR_QUESTION)
    assert "12억 원" in text and sources[0] == "a_harbour.md"  # completed before the kill
    assert service.document_count() == 2

    rerun = service.ingest([docs])  # here, in the test's process: starting another would only cost time
    assert (rerun.indexed, rerun.unchanged) == ([str(docs / "b_voucher.md")], [str(docs / "a_harbour.md")])
    assert not rerun.failures
    text, sources = cited_text(service, VOUCHER_QUESTION)
    assert "5,000만 원" in text and sources[0] == "b_voucher.md"
    assert stored_chunks(tmp_path / "index") == total + 1  # nothing of the killed runs is left behind


@contextmanager
def mounted(folder: Path, *how: str) -> Iterator[Path]:
    """A real mount at folder (`mount HOW... FOLDER`) while the block runs; the test is skipped, saying why, where
    this machine does not let it mount (that needs root, as the tests have here: chmod would not stop root)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", *how, folder], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount to play a full or read-only disk: {done.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", folder], check=True)  # lazy: this process may still hold files open


def small_disk(folder: Path, size: str) -> AbstractContextManager[Path]:
    return mounted(folder, "-t", "tmpfs", "-o", f"size={size}", "tmpfs")


def read_only(folder: Path) -> AbstractContextManager[Path]:
    """The folder, bound read-only over itself."""
    return mounted(folder, "--bind", "-o", "ro", str(folder))


def one_line_error(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    (line,) = done.stderr.strip().splitlines()
    return line


def disk_full(index: Path) -> tuple[str, str]:
    return (
        f"색인 폴더 {index}의 디스크가 가득 찼습니다. 공간을 비운 뒤 다시 색인하세요(완성된 문서는 그대로 답합니다).",
        f"the disk of the index folder {index} is full; free some space and ingest again (documents already complete "
        "still answer).",
    )


@pytest.mark.model
def test_a_full_disk_is_a_clear_error_from_ingest_and_uploads_and_the_previous_index_still_answers(old_index, tmp_path):
    with small_disk(tmp_path / "disk", "2m") as disk:
        docs = copy_index(old_index, disk)  # the new voucher notice needs several MB of index
        ko, en = disk_full(disk / "index")
        assert one_line_error(ingest(disk, docs)) == f"Error: {ko} / {en}"

        service = fresh_service(disk)
        text, sources = cited_text(service, VOUCHER_QUESTION)
        assert "3,000만 원" in text and sources == ["b_voucher.md"]
        text, sources = cited_text(service, HARBOUR_QUESTION)  # written before the disk filled, whole
        assert "12억 원" in text and sources == ["a_harbour.md"]

        # The same through a staff upload (its files kept on another disk): refused with the reason, nothing saved.
        settings = service.settings.model_copy(update={"data_dir": tmp_path / "data"})
        report = Uploads(service, settings).upload([docs / "b_voucher.md"])
        assert report.indexed == [] and [str(r) for r in report.refused] == [f"b_voucher.md: {ko} / {en}"]
        assert not (tmp_path / "data" / "uploads" / "b_voucher.md").exists()
        assert "3,000만 원" in service.ask(VOUCHER_QUESTION).text


@pytest.mark.model
def test_a_read_only_index_or_uploads_folder_is_a_clear_error(old_index, tmp_path):
    docs = copy_index(old_index, tmp_path)
    with read_only(tmp_path / "index") as index:
        assert one_line_error(ingest(tmp_path, docs)) == (
            f"Error: 색인 폴더 {index}에 쓸 수 없습니다(읽기 전용이거나 권한이 없습니다). 쓸 수 있는 폴더를 지정하세요. / "
            f"the index folder {index} cannot be written (read-only or no permission); Chroma writes to it even to "
            "read, so give a writable folder."
        )
    service = fresh_service(tmp_path)
    with read_only(tmp_path / "data" / "uploads") as uploads:
        report = Uploads(service, service.settings).upload([docs / "a_harbour.md"])
    assert report.indexed == [] and [str(r) for r in report.refused] == [
        f"a_harbour.md: 업로드 폴더 {uploads}에 저장할 수 없습니다. / the uploads folder {uploads} cannot be written "
        "(Read-only file system)."
    ]
    text, sources = cited_text(service, HARBOUR_QUESTION)  # the old version, untouched
    assert "8억 원" in text and sources == ["a_harbour.md"]


STAFF_USER, STAFF_PASSWORD = "상담직원", "correct horse 1357"
BROWSER_TIMEOUT_MS = 120_000


@contextmanager
def serving(root: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """`assistant serve` in a process of its own over root/index and root/data, with a staff account; its URL and
    the process, once it answers; killed after the block (if the test has not killed it)."""
    port = free_port()
    env = service_env(root, ASSISTANT_STAFF__USERNAME=STAFF_USER, ASSISTANT_STAFF__PASSWORD=STAFF_PASSWORD)
    with (root / "serve.log").open("ab") as log:
        server = subprocess.Popen([ASSISTANT, "serve", "--port", str(port)], env=env, cwd=root, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: health(url) is not None, "the server answers", server)
        yield url, server
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=60)


def health(url: str) -> dict | None:
    try:
        response = httpx.get(f"{url}/api/health", timeout=5)
    except httpx.HTTPError:
        return None
    return response.json() if response.status_code == 200 else None


def api_answer(url: str, question: str) -> tuple[str, list[str]]:
    body = httpx.post(f"{url}/api/ask", json={"question": question}, timeout=120).json()
    return body["answer"], [c["source"] for c in body["citations"]]


def upload_in_console(browser, url: str, path: Path):
    """Log in as staff, choose the file in the console's upload box and start indexing it; returns the page."""
    page = browser.new_context().new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    page.goto(f"{url}/login?next=/staff/")
    page.locator("#username").fill(STAFF_USER)
    page.locator("#password").fill(STAFF_PASSWORD)
    page.locator("#login").click()
    page.locator("#staff-user").get_by_text(STAFF_USER).first.wait_for()
    choose_files(page, [path])
    page.locator("#upload-start").click()
    return page


@pytest.mark.browser
@pytest.mark.model
def test_a_server_killed_during_an_upload_restarts_on_the_previous_index_and_takes_the_next_upload(
    old_index, browser, tmp_path
):
    docs = copy_index(old_index, tmp_path)
    new_voucher = document_hash((docs / "b_voucher.md").read_bytes(), Settings())
    uploads = tmp_path / "data" / "uploads"
    with serving(tmp_path) as (url, server):
        page = upload_in_console(browser, url, docs / "b_voucher.md")
        wait_for(lambda: chunks_written(tmp_path / "index", new_voucher)[0] > 0, "the upload is being indexed", server)
        kill(server)
        page.context.close()
    written, total = chunks_written(tmp_path / "index", new_voucher)
    assert 0 < written < total, (written, total)  # killed with half the document written
    assert (uploads / ".staging" / "b_voucher.md").exists() and not (uploads / "b_voucher.md").exists()

    with serving(tmp_path) as (url, _):
        assert health(url)["documents"] == 2
        text, sources = api_answer(url, VOUCHER_QUESTION)
        assert "3,000만 원" in text and sources[0] == "b_voucher.md"  # the previous version, whole
        assert not (uploads / "b_voucher.md").exists()  # never listed as uploaded
        # The lock died with the killed process: the next upload is indexed, and the staging folder cleared.
        page = upload_in_console(browser, url, docs / "a_harbour.md")
        page.wait_for_function("() => document.querySelector('#upload-report textarea').value !== ''")
        assert "✔ a_harbour.md" in page.locator("#upload-report textarea").input_value()
        page.context.close()
        assert sorted(p.name for p in uploads.iterdir()) == [".lock", "a_harbour.md"]
        text, sources = api_answer(url, HARBOUR_QUESTION)
        assert "12억 원" in text and sources[0] == "a_harbour.md"
        assert "3,000만 원" in api_answer(url, VOUCHER_QUESTION)[0]
