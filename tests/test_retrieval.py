"""Hybrid retrieval over a real index: same-language and cross-language questions, and writes by other processes."""

import subprocess
import sys

import pytest

from assistant.config import Settings
from assistant.embeddings import make_embeddings
from assistant.glossary import QueryExpander, load_glossary
from assistant.question import parse_question
from assistant.retrieval import BM25Index, HybridRetriever
from assistant.store import ChunkStore
from assistant.tokens import Tokenizer


def _retriever(settings: Settings, **changes) -> tuple[HybridRetriever, QueryExpander]:
    tokenizer = Tokenizer()
    expander = QueryExpander(tokenizer, load_glossary("bundled", tokenizer))
    store = ChunkStore(settings.store, settings.index_dir, make_embeddings(settings.embeddings))
    return HybridRetriever(store, settings.retrieval.model_copy(update=changes), expander), expander


def _search(retriever_and_expander, text: str, k: int | None = None):
    retriever, expander = retriever_and_expander
    return retriever.search(parse_question(text, expander, 2000), k)


@pytest.fixture(scope="module")
def retriever(indexed):
    """A retriever opened on the index the shared service built."""
    return _retriever(indexed[0])


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
    hits = _search(retriever, question)
    assert hits[0].chunk.source == source
    assert hits == sorted(hits, key=lambda h: h.score, reverse=True)


def test_pdf_hits_carry_their_page(retriever):
    hit = _search(retriever, "규제자유특구는 언제 처음 지정되었나요?")[0]
    assert (hit.chunk.source, hit.chunk.page) == ("smart_factory_ko.pdf", 2)


def test_bm25_ignores_unknown_terms():
    index = BM25Index([["ai", "팩토리", "500"], ["펀드", "4,000", "억"]])
    assert index.rank(["factory"], 5).order == []
    assert index.rank(["펀드"], 5).order == [1]
    assert index.idf("factory") > index.idf("펀드")


def test_empty_index_returns_nothing(settings):
    assert _search(_retriever(settings), "AI 팩토리") == []


def test_rrf_fusion_still_finds_same_language_answers(indexed):
    rrf = _retriever(indexed[0], fusion="rrf")
    assert _search(rrf, "2030년까지 AI 팩토리를 몇 개 만드나요?")[0].chunk.source == "ai_factory_ko.md"


def test_documents_another_process_indexes_are_found_without_a_restart(settings, tmp_path):
    """A running retriever (a server) sees what `assistant ingest` in another process wrote, by words and by meaning."""
    found = _retriever(settings)
    assert _search(found, "수소 특화단지 지정") == []
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "hydrogen_ko.md").write_text(
        "# 수소 특화단지\n\n## 지정\n정부는 수소 특화단지 3곳을 새로 지정했다.\n", encoding="utf-8"
    )
    ingest = [sys.executable, "-m", "assistant.cli", "ingest", str(tmp_path / "new"), "--index", str(settings.index_dir)]
    result = subprocess.run(ingest, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [h.chunk.source for h in _search(found, "수소 특화단지 지정")] == ["hydrogen_ko.md"]
    # The dense ranking alone must see the new vectors too (an embedded Chroma caches its vector index).
    dense = _retriever(settings, bm25_weight=0.0)
    assert _search(dense, "hydrogen industrial cluster designation")[0].chunk.source == "hydrogen_ko.md"


def test_the_other_language_offset_lifts_chunks_not_in_the_questions_language(indexed):
    def lead(offset: float) -> float:
        """How far the best English chunk leads the best chunk in another language."""
        hits = _search(_retriever(indexed[0], other_language_offset=offset), "How big is the DX innovation fund?", 20)
        return max(h.score for h in hits if h.chunk.language == "en") - max(h.score for h in hits if h.chunk.language != "en")

    assert lead(0.0) > 0
    assert lead(1.0) < lead(0.0)
