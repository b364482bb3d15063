"""Hybrid retrieval over a real index: same-language and cross-language questions, and writes by other processes."""

import subprocess
import sys

import pytest

from assistant.config import Settings
from assistant.embeddings import make_embeddings
from assistant.glossary import QueryExpander, load_glossary
from assistant.question import parse_question
from assistant.retrieval import BM25Index, HybridRetriever
from assistant.service import AssistantService
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


@pytest.fixture(scope="module")
def workshops(tmp_path_factory) -> Settings:
    """One program in three years and two languages: Korean articles of 2020 and 2021 that share most of a Korean
    question's words, and an English article of 2022 that answers it."""
    root = tmp_path_factory.mktemp("workshops")
    (root / "docs").mkdir()
    (root / "docs" / "workshop_2020_ko.md").write_text(
        "# 스마트공방 시범사업\n\n중소벤처기업부는 2020년 스마트공방 시범사업 참여 기업을 모집한다. 스마트공방 사업은 "
        "소공인의 작업장에 스마트 기술을 보급하는 사업으로, 이번 스마트공방 사업 모집에는 전국의 소공인이 신청할 수 "
        "있다.\n",
        encoding="utf-8",
    )
    (root / "docs" / "workshop_2021_ko.md").write_text(
        "# 스마트공방 사업\n\n2021년 스마트공방 사업은 소공인 작업장의 스마트화를 돕는 사업이다.\n", encoding="utf-8"
    )
    (root / "docs" / "workshop_2022_en.md").write_text(
        "# Smart workshops in 2022\n\nThe 2022 smart workshop budget is 18 billion won for about 1,000 micro "
        "manufacturers.\n",
        encoding="utf-8",
    )
    settings = Settings(index_dir=root / "index", programs_dir=root / "none", corpus_dir=root / "none")
    report = AssistantService(settings).ingest([root / "docs"])
    assert not report.failures, report.failures
    return settings


def test_a_question_finds_the_document_in_another_language_among_same_language_ones(workshops):
    """Its own language matches the question word for word, the other only by the glossary's few translated terms:
    BM25 is put on one scale per language, or the Korean article would win on shared words alone."""
    hits = _search(_retriever(workshops, dense_weight=0.0, year_penalty=0.0), "스마트공방 사업 예산은 얼마인가요?")
    assert len(hits) == 3 and hits[1].chunk.source == "workshop_2022_en.md"


def test_documents_naming_the_asked_year_rank_above_those_that_do_not(workshops):
    question = "2022년 스마트공방 사업 예산은 얼마인가요?"
    assert _search(_retriever(workshops), question)[0].chunk.source == "workshop_2022_en.md"
    assert _search(_retriever(workshops, year_penalty=0.0), question)[0].chunk.source != "workshop_2022_en.md"
    # A year no document names changes nothing.
    unnamed = "2019년 스마트공방 사업 예산은?"
    assert _search(_retriever(workshops), unnamed) == _search(_retriever(workshops, year_penalty=0.0), unnamed)
