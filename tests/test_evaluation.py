"""Suite loading and checking (no model needed)."""

import json

import pytest

from assistant.evaluation import SuiteError, load_suite, load_suites


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


def test_ids_must_be_unique_across_suites(tmp_path):
    first = _write(tmp_path, [GOOD])
    second = tmp_path / "other.jsonl"
    second.write_text(GOOD + "\n", encoding="utf-8")
    with pytest.raises(SuiteError, match="id 'q1' is also used in"):
        load_suites([first, second])
    assert [c.suite for c in load_suites([first])] == ["suite"]
