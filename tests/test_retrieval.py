"""Hybrid retrieval over a real index: same-language and cross-language questions."""

import pytest

from assistant.embeddings import make_embeddings
from assistant.retrieval import BM25Index, HybridRetriever
from assistant.store import ChunkStore
from assistant.tokens import Tokenizer


@pytest.fixture(scope="module")
def retriever(indexed):
    """A retriever opened on the index the shared service built."""
    settings = indexed[0]
    store = ChunkStore(settings.store, settings.index_dir, make_embeddings(settings.embeddings))
    return HybridRetriever(store, Tokenizer(), settings.retrieval)


@pytest.mark.parametrize(
    "question, source",
    [
        ("2030년까지 AI 팩토리를 몇 개 만드나요?", "ai_factory_ko.md"),
        ("How big is the DX innovation fund?", "dx_fund_en.md"),
        ("스마트공장 1만 개 보급 목표", "smart_factory_ko.pdf"),
        ("When were regulation-free special zones first designated?", "smart_factory_ko.pdf"),
        ("How many AI factories will Korea build by 2030?", "ai_factory_ko.md"),
    ],
)
def test_the_right_document_ranks_first(retriever, question, source):
    hits = retriever.search(question)
    assert hits[0].chunk.source == source
    assert hits == sorted(hits, key=lambda h: h.score, reverse=True)


def test_pdf_hits_carry_their_page(retriever):
    hit = retriever.search("규제자유특구는 언제 처음 지정되었나요?")[0]
    assert (hit.chunk.source, hit.chunk.page) == ("smart_factory_ko.pdf", 2)


def test_bm25_ignores_unknown_terms():
    index = BM25Index([["ai", "팩토리", "500"], ["펀드", "4,000", "억"]])
    assert index.rank(["factory"], 5).order == []
    assert index.rank(["펀드"], 5).order == [1]


def test_empty_index_returns_nothing(settings):
    store = ChunkStore(settings.store, settings.index_dir, make_embeddings(settings.embeddings))
    assert HybridRetriever(store, Tokenizer(), settings.retrieval).search("AI 팩토리") == []


def test_rrf_fusion_still_finds_same_language_answers(indexed):
    settings = indexed[0]
    store = ChunkStore(settings.store, settings.index_dir, make_embeddings(settings.embeddings))
    rrf = HybridRetriever(store, Tokenizer(), settings.retrieval.model_copy(update={"fusion": "rrf"}))
    assert rrf.search("2030년까지 AI 팩토리를 몇 개 만드나요?")[0].chunk.source == "ai_factory_ko.md"


def test_found_documents_bring_their_scope_notes(indexed):
    settings = indexed[0]
    store = ChunkStore(settings.store, settings.index_dir, make_embeddings(settings.embeddings))
    retriever = HybridRetriever(store, Tokenizer(), settings.retrieval)
    with_notes = retriever.search("AI 선도모델 협력", k=1)
    assert [h.chunk.source for h in with_notes] == ["ai_factory_ko.md"] * 2
    assert "밝히지 않는다" in with_notes[1].chunk.text
    assert [h.chunk.source for h in retriever.search("How big is the DX fund?", k=1)] == ["dx_fund_en.md"]
    plain = HybridRetriever(store, Tokenizer(), settings.retrieval.model_copy(update={"scope_notes": False}))
    assert len(plain.search("AI 선도모델 협력", k=1)) == 1
