"""Suite loading, fact matching and metrics (no model needed)."""

import json

import pytest

from assistant.evaluation import Case, SuiteError, fact_present, load_suite, metrics, result_line
from assistant.schema import Answer, Citation


def _write(tmp_path, lines):
    path = tmp_path / "suite.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps({"id": "q1", "question": "몇 개?", "language": "ko", "answerable": True,
                   "expected_sources": ["ai"], "must_include": ["500"]}, ensure_ascii=False)


def test_a_valid_suite_loads(tmp_path):
    cases = load_suite(_write(tmp_path, [GOOD, "", json.dumps({"id": "q2", "question": "x", "answerable": False})]))
    assert [c.id for c in cases] == ["q1", "q2"] and cases[0].must_include == ["500"]


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{not json", "not valid JSON"),
        ('["a"]', "JSON object"),
        ('{"id": "x", "question": "q"}', "missing field 'answerable'"),
        ('{"id": "x", "question": "q", "answerable": "yes"}', "'answerable' must be bool"),
        ('{"id": "q1", "question": "q", "answerable": true}', "duplicate id"),
        ('{"id": "x", "question": " ", "answerable": true}', "empty question"),
        ('{"id": "x", "question": "q", "answerable": true, "must_include": "500"}', "'must_include' must be list"),
    ],
)
def test_a_bad_line_is_named(tmp_path, bad, message):
    with pytest.raises(SuiteError, match=rf"suite.jsonl:2: .*{message}"):
        load_suite(_write(tmp_path, [GOOD, bad]))


def test_empty_suite_is_an_error(tmp_path):
    with pytest.raises(SuiteError, match="no cases"):
        load_suite(_write(tmp_path, [""]))


def test_fact_matching_accepts_alternatives_case_and_spacing():
    assert fact_present("150 trillion|150조", "국가성장펀드 150 조 원")
    assert fact_present("DX", "the dx fund")
    assert not fact_present("4,000억|400 billion", "4000억 원")


def _result(case, text, abstained, sources):
    answer = Answer(case.question, text, "ko", abstained, [Citation(i + 1, s, 1, "…", 0.5) for i, s in enumerate(sources)])
    return case, result_line(case, answer, 12.5)


def test_metrics():
    a = Case("a", "q", True, expected_sources=["ai"], must_include=["500"])
    b = Case("b", "q", True, expected_sources=["dx"], must_include=["4,000억|400 billion"])
    c = Case("c", "q", False)
    d = Case("d", "q", False)
    results = [
        _result(a, "500개 [1]", False, ["ai.pdf"]),
        _result(b, "펀드 [1]", False, ["ai.md", "dx.md"]),
        _result(c, "찾지 못했습니다", True, []),
        _result(d, "아마 3개", False, ["ai.pdf"]),
    ]
    m = metrics(results)
    assert m["top1_source"] == 0.5 and m["facts_present"] == 0.5
    assert m["abstained_unanswerable"] == 0.5 and m["false_abstention"] == 0.0
    assert m["latency_p50_ms"] == 12.5 and m["cases"] == 4
    assert set(results[0][1]) == {"id", "question", "answer", "abstained", "citations", "latency_ms"}
    assert set(results[0][1]["citations"][0]) == {"source", "page", "snippet", "score"}
