"""Metrics and failure reasons on hand-made results (no model needed)."""

import pytest

from assistant.evaluation import Case, result_line
from assistant.metrics import failure_reasons, fact_present, groups, metrics, unsupported_claims
from assistant.schema import Answer, Citation


def _result(case, text, abstained, cited, retrieved=()):
    citations = [Citation(i + 1, source, 1, snippet, 0.5) for i, (source, snippet) in enumerate(cited)]
    line = result_line(case, Answer(case.question, text, "ko", abstained, citations), 10.0)
    line["retrieved"] = list(retrieved)
    return case, line


A = Case("a", "AI 팩토리 몇 개?", True, "ko", ["ai"], ["500"], ["typo"], "core")
B = Case("b", "DX fund?", True, "en", ["dx"], ["4,000억|400 billion", "2024"], [], "core")
C = Case("c", "날씨?", False, "ko", tags=["out-of-scope"], suite="core")
D = Case("d", "마감일?", False, "ko", suite="extra")


@pytest.fixture
def results():
    return [
        _result(A, "500개 [1]", False, [("ai.pdf", "AI 팩토리 500개")], ["ai.pdf", "dx.md"]),
        _result(B, "400 billion won [1] 2023 [2]", False, [("ai.md", "nothing"), ("dx.md", "400 billion won")], ["ai.md", "x.md", "dx.md"]),
        _result(C, "찾지 못했습니다", True, []),
        _result(D, "아마 3개 [1]", False, [("ai.pdf", "3개")], ["ai.pdf"]),
    ]


def test_metrics_over_all_cases(results):
    m = metrics(results)
    assert m["cases"] == 4
    assert (m["hit_at_1"], m["hit_at_3"]) == (0.5, 1.0)
    assert m["mrr"] == pytest.approx((1 + 1 / 3) / 2, abs=1e-4)
    assert m["top1_source"] == 0.5
    assert m["citation_precision"] == pytest.approx((1 + 0.5) / 2)
    assert m["fact_recall"] == pytest.approx(2 / 3, abs=1e-4) and m["facts_present"] == 0.5
    assert m["faithfulness"] == pytest.approx(2 / 3, abs=1e-4)  # '2023' in B is in no cited passage
    assert (m["abstained_unanswerable"], m["false_abstention"]) == (0.5, 0.0)
    assert m["latency_p50_ms"] == 10.0


def test_groups_split_by_suite_language_and_tag(results):
    grouped = groups(results)
    assert {k: len(v) for k, v in grouped.items()} == {
        "all": 4, "suite=core": 3, "suite=extra": 1, "language=ko": 3, "language=en": 1, "tag=typo": 1, "tag=out-of-scope": 1,
    }
    assert metrics(grouped["tag=out-of-scope"])["top1_source"] is None


def test_unsupported_claims_finds_numbers_and_names_not_in_passages():
    assert unsupported_claims("펀드는 4,000억 원이다 [1]", ["400 billion won fund"]) == []
    assert unsupported_claims("The 'K-Smart' fund of 500 won", ["fund of 400 won"]) == ["500", "K-Smart"]
    assert unsupported_claims("M.AX and CPTPP", ["M.AX alliance"]) == ["CPTPP"]


def test_failure_reasons(results):
    assert failure_reasons(*results[0]) == []
    assert failure_reasons(*results[1]) == ["first citation is not from dx", "missing facts: 2024", "not in the cited passages: 2023"]
    assert failure_reasons(*results[3]) == ["answered a question the documents do not answer"]


def test_fact_matching_accepts_alternatives_case_and_spacing():
    assert fact_present("150 trillion|150조", "국가성장펀드 150 조 원")
    assert fact_present("DX", "the dx fund")
    assert not fact_present("4,000억|400 billion", "4000억 원")
