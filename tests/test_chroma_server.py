"""The index on a real Chroma server (`chroma run`): ingest in one process, answer in another, see new documents."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.chunking import quotable_sentences
from assistant.config import EmbeddingSettings, Settings, StoreSettings
from assistant.embeddings import make_embeddings
from assistant.service import AssistantService
from assistant.store import ChunkStore
from chromaserver import chroma_server
from webserver import free_port, served

ASSISTANT = Path(sys.executable).with_name("assistant")


def _ingest_elsewhere(folder: Path, port: int, tmp_path: Path) -> subprocess.CompletedProcess:
    """`assistant ingest` in its own process, configured from the environment as a deployment would be."""
    env = os.environ | {
        "ASSISTANT_STORE__KIND": "chroma-http", "ASSISTANT_STORE__HOST": "127.0.0.1",
        "ASSISTANT_STORE__PORT": str(port), "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
    }
    return subprocess.run([ASSISTANT, "ingest", folder], env=env, capture_output=True, text=True, cwd=tmp_path)


@pytest.mark.model
def test_a_document_ingested_by_another_process_is_answered_from_the_server(docs: Path, tmp_path: Path) -> None:
    with chroma_server(tmp_path / "chroma") as port:
        done = _ingest_elsewhere(docs, port, tmp_path)
        assert done.returncode == 0, done.stderr
        store = StoreSettings(kind="chroma-http", host="127.0.0.1", port=port)
        # An index folder that does not exist: everything must come from the server.
        service = AssistantService(Settings(store=store, index_dir=tmp_path / "no-index", data_dir=tmp_path / "data"))
        answer = service.ask("2030년까지 AI 팩토리를 몇 개 만드나요?")
        assert "500" in answer.text and answer.citations[0].source == "ai_factory_ko.md"
        assert not (tmp_path / "no-index").exists()

        # A new document, ingested by another process while this one serves, is answered without a restart.
        more = tmp_path / "more"
        more.mkdir()
        (more / "zones_en.md").write_text(
            "# Regulation-free zones\n\nThe first regulation-free special zones were designated in July 2019 in "
            "seven regions.\n", encoding="utf-8",
        )
        assert _ingest_elsewhere(more, port, tmp_path).returncode == 0
        later = service.ask("When were the first regulation-free special zones designated?")
        assert "2019" in later.text and later.citations[0].source == "zones_en.md"
        assert service.document_count() == 4


@pytest.mark.model
def test_a_server_that_goes_away_is_a_clear_error_and_answers_again_when_back(docs: Path, tmp_path: Path) -> None:
    from assistant.store_errors import StoreUnavailable
    from assistant_ui.server import build_server

    port = free_port()
    with chroma_server(tmp_path / "chroma", port):
        assert _ingest_elsewhere(docs, port, tmp_path).returncode == 0
        store = StoreSettings(kind="chroma-http", host="127.0.0.1", port=port)
        service = AssistantService(Settings(store=store, index_dir=tmp_path / "no-index", data_dir=tmp_path / "data"))
        assert "500" in service.ask("2030년까지 AI 팩토리를 몇 개 만드나요?").text
    with pytest.raises(StoreUnavailable, match="검색 색인 서버.*cannot be reached"):
        service.ask("2030년까지 AI 팩토리를 몇 개 만드나요?")
    # Through the web app: the API says 503 with the message; nothing is logged as answered.
    with served(build_server(service)) as url:
        away = httpx.post(f"{url}/api/ask", json={"question": "2030년까지 AI 팩토리를 몇 개 만드나요?"}, timeout=120)
        assert away.status_code == 503 and "cannot be reached" in away.json()["detail"]
        with chroma_server(tmp_path / "chroma", port):  # back, with the same data
            back = httpx.post(f"{url}/api/ask", json={"question": "2030년까지 AI 팩토리를 몇 개 만드나요?"}, timeout=120)
            assert back.status_code == 200 and "500" in back.json()["answer"]


@pytest.mark.model
def test_copy_index_moves_an_embedded_index_onto_a_server(docs: Path, tmp_path: Path) -> None:
    local = AssistantService(Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data"))
    assert not local.ingest([docs]).failures
    with chroma_server(tmp_path / "chroma") as port:
        done = subprocess.run(
            [ASSISTANT, "copy-index", "--index", tmp_path / "index", "--host", "127.0.0.1", "--port", str(port)],
            capture_output=True, text=True,
        )
        assert done.returncode == 0, done.stderr
        assert "Copied" in done.stdout
        store = StoreSettings(kind="chroma-http", host="127.0.0.1", port=port)
        served = AssistantService(Settings(store=store, index_dir=tmp_path / "no-index", data_dir=tmp_path / "data"))
        assert served.document_count() == local.document_count() == 3
        # The sentence vectors came along: the reader on the server embeds no document sentence.
        model = make_embeddings(EmbeddingSettings())
        chunks = ChunkStore(StoreSettings(), tmp_path / "index", model).snapshot().chunks
        sentences = [sentence for chunk in chunks for sentence in quotable_sentences(chunk)]
        assert sentences and None not in ChunkStore(store, tmp_path / "no-index", model).sentence_vectors(sentences)
        answer = served.ask("How big is the DX fund?")
        assert "400 billion" in answer.text and answer.citations[0].source == "dx_fund_en.md"
