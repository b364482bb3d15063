"""Ingesting folders into the index: skip unchanged, replace changed, report failures without damage."""

import pytest

from assistant import store as store_module
from assistant.chunking import quotable_sentences
from assistant.embeddings import make_embeddings
from assistant.indexer import index_files
from assistant.schema import Chunk, FileFailure
from assistant.store import ChunkStore
from assistant.tokens import Tokenizer


def _store(settings):
    return ChunkStore(settings.store, settings.index_dir, make_embeddings(settings.embeddings))


def test_unchanged_files_are_skipped_and_changed_ones_replaced(settings, docs):
    store, tokenizer = _store(settings), Tokenizer()
    first = index_files([docs], store, tokenizer, settings)
    assert len(first.indexed) == 3 and first.pages == 4 and first.chunks >= 5 and not first.failures

    again = index_files([docs], store, tokenizer, settings)
    assert again.indexed == [] and len(again.unchanged) == 3

    (docs / "dx_fund_en.md").write_text("# DX Fund\n\n## Size\nThe fund was enlarged.\n", encoding="utf-8")
    changed = index_files([docs], store, tokenizer, settings)
    assert [p.endswith("dx_fund_en.md") for p in changed.indexed] == [True]
    texts = [c.text for c in store.snapshot().chunks if c.source == "dx_fund_en.md"]
    assert texts == ["Size\nThe fund was enlarged."]
    # The reader finds every quotable sentence's vector ready, the changed document's too.
    sentences = [s for chunk in store.snapshot().chunks for s in quotable_sentences(chunk)]
    assert "The fund was enlarged." in sentences and None not in store.sentence_vectors(sentences)


def test_a_failing_file_is_named_and_the_others_still_indexed(settings, docs):
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (docs / "empty.txt").write_bytes(b"")
    seen = []
    report = index_files([docs], _store(settings), Tokenizer(), settings, progress=lambda d, t, p: seen.append((d, t)))
    assert sorted(f.path.rsplit("/", 1)[-1] for f in report.failures) == ["broken.pdf", "empty.txt"]
    assert all(f.reason for f in report.failures)
    assert len(report.indexed) == 3
    assert seen[-1] == (5, 5)


def test_files_of_other_types_are_reported_as_skipped_not_failed(settings, docs):
    (docs / "minutes.docx").write_bytes(b"PK\x03\x04")
    (docs / ".~lock.minutes.docx#").write_bytes(b"x")
    seen = []
    report = index_files([docs], _store(settings), Tokenizer(), settings, progress=lambda d, t, p: seen.append((d, t)))
    assert len(report.indexed) == 3 and not report.failures and seen[-1] == (3, 3)
    assert report.skipped == [FileFailure(
        str(docs / "minutes.docx"), "file type '.docx' is not read; supported: .pdf, .hwp, .hwpx, .md, .markdown, .txt"
    )]
    direct = index_files([docs / "minutes.docx"], _store(settings), Tokenizer(), settings)
    assert not direct.skipped and "unsupported file type '.docx'" in direct.failures[0].reason


def test_changing_chunk_settings_reindexes(settings, docs):
    store, tokenizer = _store(settings), Tokenizer()
    index_files([docs], store, tokenizer, settings)
    smaller = settings.model_copy(update={"chunking": settings.chunking.model_copy(update={"chunk_size": 120})})
    assert len(index_files([docs], store, tokenizer, smaller).indexed) == 3


def test_files_with_the_same_name_in_different_folders_are_different_documents(settings, tmp_path):
    for folder, text in (("2025", "2025년 공고: AI 팩토리 100개."), ("2026", "2026년 공고: AI 팩토리 200개.")):
        (tmp_path / "notices" / folder).mkdir(parents=True)
        (tmp_path / "notices" / folder / "공고.md").write_text(f"# 공고\n\n{text}\n", encoding="utf-8")
    store = _store(settings)
    report = index_files([tmp_path / "notices"], store, Tokenizer(), settings)
    assert len(report.indexed) == 2 and not report.failures
    assert {c.source for c in store.snapshot().chunks} == {"2025/공고.md", "2026/공고.md"}


def test_identical_files_under_two_names_are_two_documents(settings, tmp_path):
    """A notice saved twice under different names (an upload and the shipped copy) must not share chunk ids, or the
    second write would take over the first's chunks."""
    (tmp_path / "notices").mkdir()
    for name in ("공고.md", "공고_사본.md"):
        (tmp_path / "notices" / name).write_text("# 공고\n\n2026년 공고: AI 팩토리 200개.\n", encoding="utf-8")
    store = _store(settings)
    report = index_files([tmp_path / "notices"], store, Tokenizer(), settings)
    assert len(report.indexed) == 2 and not report.failures
    assert {c.source for c in store.snapshot().chunks} == {"공고.md", "공고_사본.md"}


def test_two_files_given_under_one_name_keep_the_first_and_name_the_clash(settings, tmp_path):
    for folder, text in (("a", "첫 번째 문서입니다."), ("b", "두 번째 문서입니다.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.md").write_text(f"# 보고서\n\n{text}\n", encoding="utf-8")
    store = _store(settings)
    report = index_files([tmp_path / "a" / "report.md", tmp_path / "b" / "report.md"], store, Tokenizer(), settings)
    assert len(report.indexed) == 1 and "rename one" in report.failures[0].reason
    assert [c.text for c in store.snapshot().chunks] == ["보고서\n첫 번째 문서입니다."]


class _FailsOnSecondCall:
    """Embeddings that give out after the first batch, as an ingest killed between two batches would."""

    def __init__(self, embeddings) -> None:
        self._embeddings, self.calls = embeddings, 0

    def embed_documents(self, texts):
        self.calls += 1
        if self.calls == 2:
            raise RuntimeError("killed")
        return self._embeddings.embed_documents(texts)

    def embed_query(self, text):
        return self._embeddings.embed_query(text)


def test_chunks_a_cut_off_write_left_are_cleared_when_the_document_is_ingested_unchanged(settings, docs, monkeypatch):
    store, tokenizer = _store(settings), Tokenizer()
    index_files([docs], store, tokenizer, settings)
    shown = store.snapshot()
    monkeypatch.setattr(store_module, "_BATCH", 1)
    cut_off = ChunkStore(settings.store, settings.index_dir, _FailsOnSecondCall(make_embeddings(settings.embeddings)))
    half = [Chunk(text, "dx_fund_en.md", None, "Size", "", "en", i) for i, text in enumerate(["Grew.", "More."])]
    with pytest.raises(RuntimeError, match="killed"):
        cut_off.replace_document("dx_fund_en.md", "half", half, [["fund"], ["more"]])
    assert store.versions().leftovers == {"dx_fund_en.md"} and store.snapshot() == shown  # kept, never shown

    again = index_files([docs], store, tokenizer, settings)
    assert len(again.unchanged) == 3 and not again.indexed
    assert store.versions().leftovers == set() and store.snapshot() == shown
