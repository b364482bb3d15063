"""Report rendering from hand-made metrics (no model needed)."""

from assistant.evaluation import Case
from assistant.metrics import METRIC_NAMES
from assistant.report import Report, comparison_table, render_html, render_markdown


def _report() -> Report:
    overall = {m: 0.5 for m in METRIC_NAMES} | {"cases": 2, "latency_p50_ms": 40.0, "hit_at_3": None}
    case = Case("q<1>", "AI 팩토리 <b>몇</b> 개?", True, "ko", ["ai"], ["500"])
    result = {"answer": "모릅니다 <img src=x>", "citations": [{"source": "ai.pdf", "page": 2, "snippet": "500개 & more"}]}
    return Report(
        suites=["core.jsonl"],
        systems={"assistant": {"all": overall, "language=ko": overall}, "dense": {"all": overall}},
        failures=[(case, result, ["missing facts: 500"])],
    )


def test_comparison_table_formats_rates_counts_and_missing_values():
    table = comparison_table(_report()).splitlines()
    assert table[0] == "| metric | assistant | dense |"
    assert "| cases | 2 | 2 |" in table and "| hit_at_1 | 50.0% | 50.0% |" in table
    assert "| hit_at_3 | – | – |" in table and "| latency_p50_ms | 40.0 | 40.0 |" in table


def test_markdown_lists_groups_and_failures():
    text = render_markdown(_report())
    assert "| language=ko | 2 |" in text
    assert "- **q<1>** (ko) AI 팩토리 <b>몇</b> 개?" in text and "  - source: ai.pdf p.2: “500개 & more”" in text


def test_html_is_self_contained_and_escaped():
    page = render_html(_report())
    # A chart per metric, except 'cases' and hit_at_3, which no system has a value for.
    assert page.startswith("<!doctype html>") and page.count("<svg") == len(METRIC_NAMES) - 2
    assert "<img src=x>" not in page and "&lt;img src=x&gt;" in page and "&lt;b&gt;몇&lt;/b&gt;" in page
    assert "lower is better" in page and "<link" not in page and "<script" not in page
