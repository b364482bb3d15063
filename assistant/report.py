"""Evaluation reports: a Markdown summary and a self-contained HTML page with a chart per metric."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .evaluation import Case
from .metrics import HIGHER_IS_WORSE, METRIC_NAMES

PERCENT_METRICS = set(METRIC_NAMES) - {"cases", "latency_p50_ms", "latency_p95_ms"}


@dataclass
class Report:
    """Metrics of one or more systems on the same suites, by group, and the first system's failed cases."""

    suites: list[str]
    systems: dict[str, dict[str, dict]]
    failures: list[tuple[Case, dict, list[str]]] = field(default_factory=list)


def _cell(metric: str, value) -> str:
    if value is None:
        return "–"
    if metric in PERCENT_METRICS:
        return f"{value:.1%}"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def comparison_table(report: Report, group: str = "all") -> str:
    """A Markdown table: one row per metric, one column per system, for one group of cases."""
    names = list(report.systems)
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for metric in METRIC_NAMES:
        cells = [_cell(metric, report.systems[n].get(group, {}).get(metric)) for n in names]
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _group_table(metrics_by_group: dict[str, dict]) -> str:
    shown = ["cases", "hit_at_1", "top1_source", "facts_present", "abstained_unanswerable", "false_abstention"]
    lines = ["| group | " + " | ".join(shown) + " |", "|---|" + "---:|" * len(shown)]
    for group, values in metrics_by_group.items():
        lines.append(f"| {group} | " + " | ".join(_cell(m, values.get(m)) for m in shown) + " |")
    return "\n".join(lines)


def _failure_lines(failures: list[tuple[Case, dict, list[str]]]) -> list[str]:
    lines = []
    for case, result, reasons in failures:
        lines.append(f"- **{case.id}** ({case.language}) {case.question}")
        lines.append(f"  - why: {'; '.join(reasons)}")
        lines.append(f"  - answer: {result['answer']}")
        for c in result["citations"]:
            lines.append(f"  - source: {c['source']} p.{c['page']}: “{c['snippet']}”")
    return lines


def render_markdown(report: Report) -> str:
    """The report as Markdown."""
    first = next(iter(report.systems))
    parts = [
        f"# Evaluation report: {', '.join(report.suites)}",
        "## All cases",
        comparison_table(report),
        f"## By group ({first})",
        _group_table(report.systems[first]),
        f"## Failed cases ({first}: {len(report.failures)})",
        "\n".join(_failure_lines(report.failures)) or "None.",
    ]
    return "\n\n".join(parts) + "\n"


def _bar_chart(metric: str, values: dict[str, float | None]) -> str:
    """An inline SVG bar chart of one metric across systems."""
    known = [v for v in values.values() if v is not None]
    top = 1.0 if metric in PERCENT_METRICS else max(known, default=0.0) or 1.0
    rows = []
    for i, (name, value) in enumerate(values.items()):
        width = 0 if value is None else 300 * value / top
        y = 8 + i * 26
        rows.append(
            f'<text x="0" y="{y + 14}" font-size="12">{html.escape(name)}</text>'
            f'<rect x="130" y="{y}" width="{width:.1f}" height="18" fill="#3b6ea8"/>'
            f'<text x="{136 + width:.1f}" y="{y + 14}" font-size="12">{html.escape(_cell(metric, value))}</text>'
        )
    height = 16 + 26 * len(values)
    note = " (lower is better)" if metric in HIGHER_IS_WORSE else ""
    return (
        f'<figure><figcaption>{html.escape(metric)}{note}</figcaption>'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="520" height="{height}" role="img">{"".join(rows)}</svg></figure>'
    )


def _html_table(markdown_table: str) -> str:
    rows = [r.strip("|").split("|") for r in markdown_table.splitlines() if not r.startswith("|---")]
    head, body = rows[0], rows[1:]
    out = "<table><thead><tr>" + "".join(f"<th>{html.escape(c.strip())}</th>" for c in head) + "</tr></thead><tbody>"
    for row in body:
        out += "<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>" for c in row) + "</tr>"
    return out + "</tbody></table>"


def render_html(report: Report) -> str:
    """The report as one HTML page with no outside resources: tables, a chart per metric, the failed cases."""
    first = next(iter(report.systems))
    # A chart per metric that applies to the suites run (routing and rewrite accuracy only to conversation suites).
    per_metric = {m: {n: report.systems[n]["all"].get(m) for n in report.systems} for m in METRIC_NAMES if m != "cases"}
    charts = "".join(
        _bar_chart(m, values) for m, values in per_metric.items() if any(v is not None for v in values.values())
    )
    failures = "".join(
        f"<li><b>{html.escape(c.id)}</b> ({html.escape(c.language)}) {html.escape(c.question)}"
        f"<div class=why>{html.escape('; '.join(reasons))}</div><div>{html.escape(r['answer'])}</div><ul>"
        + "".join(
            f"<li>{html.escape(str(x['source']))} p.{html.escape(str(x['page']))}: <q>{html.escape(x['snippet'])}</q></li>"
            for x in r["citations"]
        )
        + "</ul></li>"
        for c, r, reasons in report.failures
    )
    title = html.escape(f"Evaluation report: {', '.join(report.suites)}")
    style = (
        "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
        "figure{display:inline-block;margin:1em}figcaption{font-weight:bold}.why{color:#a33}"
    )
    return (
        f"<!doctype html><html lang=ko><head><meta charset=utf-8><title>{title}</title><style>{style}</style></head>"
        f"<body><h1>{title}</h1><h2>All cases</h2>{_html_table(comparison_table(report))}<h2>Charts</h2>{charts}"
        f"<h2>By group ({html.escape(first)})</h2>{_html_table(_group_table(report.systems[first]))}"
        f"<h2>Failed cases ({html.escape(first)}: {len(report.failures)})</h2><ol>{failures or '<li>None.</li>'}</ol>"
        "</body></html>"
    )
