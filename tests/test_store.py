"""The index on disk: whole-document replacement, persistence, and no half-written documents."""

import pytest

from assistant.config import StoreSettings
from assistant.embeddings import UniversalSentenceEncoderEmbeddings
from assistant.schema import Chunk
from assistant import store as store_module
from assistant.store import ChunkStore
from fakes import Recording


def _chunks(source: str, texts: list[str]) -> list[Chunk]:
    return [Chunk(t, source, 1, "제목", "문서", "ko", i) for i, t in enumerate(texts)]


def _tokens(chunks):
    return [c.text.split() for c in chunks]


@pytest.fixture
def embeddings():
    return UniversalSentenceEncoderEmbeddings()


def test_documents_persist_and_are_replaced_whole(tmp_path, embeddings):
    store = ChunkStore(StoreSettings(), tmp_path, embeddings)
    v1 = _chunks("a.md", ["AI 팩토리 500개", "M.AX 얼라이언스"])
    store.replace_document("a.md", "hash1", v1, _tokens(v1))
    store.replace_document("b.md", "hash2", _chunks("b.md", ["규제자유특구"]), [["규제자유특구"]])

    reopened = ChunkStore(StoreSettings(), tmp_path, embeddings)
    assert reopened.versions().complete == {"a.md": "hash1", "b.md": "hash2"}

    v2 = _chunks("a.md", ["AI 팩토리 600개"])
    reopened.replace_document("a.md", "hash3", v2, _tokens(v2))
    snap = reopened.snapshot()
    assert [c.text for c in snap.chunks] == ["AI 팩토리 600개", "규제자유특구"]
    assert snap.tokens[0] == ["AI", "팩토리", "600개"]
    assert snap.versions == {"a.md": "hash3", "b.md": "hash2"}

    reopened.remove_document("b.md")
    assert reopened.versions().complete == {"a.md": "hash3"}


def test_dense_search_returns_similarity(tmp_path, embeddings):
    store = ChunkStore(StoreSettings(), tmp_path, embeddings)
    chunks = _chunks("a.md", ["AI 팩토리를 2030년까지 500개로 늘린다.", "부산 날씨는 맑다."])
    store.replace_document("a.md", "h", chunks, _tokens(chunks))
    found = store.dense_search("AI 팩토리 몇 개?", 2, {"a.md": "h"})
    assert found[0][0].text.startswith("AI 팩토리") and found[0][0].page == 1
    assert -1.0 <= found[1][1] < found[0][1] <= 1.0
    assert store.dense_search("AI 팩토리 몇 개?", 2, {"a.md": "other"}) == []



def test_snapshot_keeps_one_string_per_distinct_token(tmp_path, embeddings):
    """A large index repeats few words many times; each word is held once (memory of 100k chunks' tokens)."""
    store = ChunkStore(StoreSettings(), tmp_path, embeddings)
    chunks = _chunks("a.md", ["스마트공장 보급 확산", "스마트공장 보급 목표"])
    store.replace_document("a.md", "h", chunks, _tokens(chunks))
    first, second = store.snapshot().tokens
    assert first[:2] == second[:2] == ["스마트공장", "보급"]
    assert first[0] is second[0] and first[1] is second[1]


def test_nearest_ids_are_the_dense_search_by_snapshot_id(tmp_path, embeddings):
    store = ChunkStore(StoreSettings(), tmp_path, embeddings)
    chunks = _chunks("a.md", ["AI 팩토리를 2030년까지 500개로 늘린다.", "부산 날씨는 맑다.", "규제자유특구 지정"])
    store.replace_document("a.md", "h", chunks, _tokens(chunks))
    snapshot = store.snapshot()
    by_id = dict(zip(snapshot.ids, snapshot.chunks))
    nearest = store.nearest_ids("AI 팩토리 몇 개?", 3)
    assert [(by_id[i], similarity) for i, similarity in nearest] == store.dense_search("AI 팩토리 몇 개?", 3, snapshot.versions)
    assert by_id[nearest[0][0]].text.startswith("AI 팩토리")

class _FailsOnSecondBatch(UniversalSentenceEncoderEmbeddings):
    calls = 0

    def embed_documents(self, texts):
        type(self).calls += 1
        if type(self).calls == 2:
            raise RuntimeError("power cut")
        return super().embed_documents(texts)


def test_interrupted_write_never_shows_half_a_document(tmp_path, embeddings, monkeypatch):
    good = ChunkStore(StoreSettings(), tmp_path, embeddings)
    v1 = _chunks("a.md", ["옛 버전 하나", "옛 버전 둘"])
    good.replace_document("a.md", "old", v1, _tokens(v1))

    monkeypatch.setattr(store_module, "_BATCH", 1)
    failing = ChunkStore(StoreSettings(), tmp_path, _FailsOnSecondBatch())
    v2 = _chunks("a.md", ["새 버전 하나", "새 버전 둘", "새 버전 셋"])
    with pytest.raises(RuntimeError):
        failing.replace_document("a.md", "new", v2, _tokens(v2))

    snap = good.snapshot()
    assert snap.versions == {"a.md": "old"}
    assert [c.text for c in snap.chunks] == ["옛 버전 하나", "옛 버전 둘"]

    good.replace_document("a.md", "new", v2, _tokens(v2))
    assert [c.text for c in good.snapshot().chunks] == ["새 버전 하나", "새 버전 둘", "새 버전 셋"]


def test_sentence_vectors_are_stored_once_and_read_back(tmp_path):
    model = Recording(UniversalSentenceEncoderEmbeddings())
    store = ChunkStore(StoreSettings(), tmp_path, model)
    assert store.sentence_vectors(["기업당 최대 1억 원을 지원한다."]) == [None]  # nothing stored yet
    a = _chunks("a.md", ["기업당 최대 1억 원을 지원한다. 신청은 누리집에서 받는다."])
    sentences = ["기업당 최대 1억 원을 지원한다.", "신청은 누리집에서 받는다."]
    store.replace_document("a.md", "h1", a, _tokens(a), sentences)
    b = _chunks("b.md", ["기업당 최대 1억 원을 지원한다. 자부담은 30%다."])
    model.asked.clear()
    store.replace_document("b.md", "h2", b, _tokens(b), ["기업당 최대 1억 원을 지원한다.", "자부담은 30%다."])
    assert model.asked == ["자부담은 30%다.", b[0].text]  # only the sentence not stored before, then the chunk
    found = ChunkStore(StoreSettings(), tmp_path, model).sentence_vectors([*sentences, "없는 문장이다."])
    expected = UniversalSentenceEncoderEmbeddings().embed_documents(sentences)
    assert found[2] is None
    assert all(abs(x - y) < 1e-5 for got, want in zip(found[:2], expected) for x, y in zip(got, want))


def test_a_replaced_or_removed_version_takes_the_sentence_vectors_only_it_used(tmp_path, embeddings):
    store = ChunkStore(StoreSettings(), tmp_path, embeddings)
    kept, old, new = "신청은 누리집에서 받는다.", "기업당 최대 1억 원을 지원한다.", "기업당 최대 2억 원을 지원한다."
    v1 = _chunks("a.md", [f"{old} {kept}"])
    store.replace_document("a.md", "h1", v1, _tokens(v1), [old, kept])
    v2 = _chunks("a.md", [f"{new} {kept}"])
    store.replace_document("a.md", "h2", v2, _tokens(v2), [new, kept])
    found = ChunkStore(StoreSettings(), tmp_path, embeddings).sentence_vectors([old, kept, new])
    assert found[0] is None and found[1] is not None and found[2] is not None
    store.remove_document("a.md")
    assert store.sentence_vectors([kept, new]) == [None, None]
