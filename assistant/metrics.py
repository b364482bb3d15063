"""Answer-quality metrics over a suite run: retrieval, citations, facts, faithfulness, abstention, latency.

Every metric is a mean over the cases it applies to, and None when no case in the group applies.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from .evaluation import Case
from .grounding import squash, unsupported_claims

Results = list[tuple[Case, dict]]
METRIC_NAMES = (
    "cases", "hit_at_1", "hit_at_3", "mrr", "ndcg_at_10", "top1_source", "citation_precision", "fact_recall",
    "facts_present", "faithfulness", "abstained_unanswerable", "false_abstention", "routing_accuracy",
    "rewrite_accuracy", "latency_p50_ms", "latency_p95_ms",
)
HIGHER_IS_WORSE = {"false_abstention", "latency_p50_ms", "latency_p95_ms"}


def fact_present(fact: str, text: str) -> bool:
    """Whether one must_include entry ('a|b' = either) appears in the text, ignoring case and spacing."""
    squashed = squash(text)
    return any(squash(option) in squashed for option in fact.split("|") if option.strip())


def rewrite_right(case: Case, rewritten: str) -> bool:
    """Whether a follow-up's standalone form holds the words it must and none of an abandoned topic's."""
    return all(fact_present(word, rewritten) for word in case.rewrite_must_include) and not any(
        fact_present(word, rewritten) for word in case.rewrite_must_not_include
    )


def _stem(source: str) -> str:
    return Path(source).stem


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _rank_of_first_relevant(case: Case, result: dict) -> int | None:
    for rank, source in enumerate(result.get("retrieved", []), start=1):
        if _stem(source) in case.expected_sources:
            return rank
    return None


def _ndcg_at_10(case: Case, result: dict) -> float:
    ranked = [_stem(s) for s in result.get("retrieved", [])[:10]]
    dcg = sum(1 / math.log2(i + 2) for i, s in enumerate(ranked) if s in case.expected_sources)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(case.expected_sources), 10)))
    return dcg / ideal if ideal else 0.0


def _citation_precision(case: Case, result: dict) -> float:
    citations = result["citations"]
    return sum(any(fact_present(f, c["snippet"]) for f in case.must_include) for c in citations) / len(citations)


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def metrics(results: Results) -> dict[str, float | int | None]:
    """All metrics of one group of results."""
    answerable = [(c, r) for c, r in results if c.answerable]
    sourced = [(c, r) for c, r in answerable if c.expected_sources]
    with_facts = [(c, r) for c, r in answerable if c.must_include]
    answered_with_facts = [(c, r) for c, r in with_facts if not r["abstained"] and r["citations"]]
    ranks = [_rank_of_first_relevant(c, r) for c, r in sourced]
    latencies = [r["latency_ms"] for _, r in results]
    return {
        "cases": len(results),
        "hit_at_1": _mean([float(rank == 1) for rank in ranks]),
        "hit_at_3": _mean([float(rank is not None and rank <= 3) for rank in ranks]),
        "mrr": _mean([1 / rank if rank else 0.0 for rank in ranks]),
        "ndcg_at_10": _mean([_ndcg_at_10(c, r) for c, r in sourced]),
        "top1_source": _mean(
            [float(bool(r["citations"]) and _stem(r["citations"][0]["source"]) in c.expected_sources) for c, r in sourced]
        ),
        "citation_precision": _mean([_citation_precision(c, r) for c, r in answered_with_facts]),
        "fact_recall": _mean(
            [float(not r["abstained"] and fact_present(f, r["answer"])) for c, r in with_facts for f in c.must_include]
        ),
        "facts_present": _mean(
            [float(not r["abstained"] and all(fact_present(f, r["answer"]) for f in c.must_include)) for c, r in with_facts]
        ),
        "faithfulness": _mean(
            [float(not unsupported_claims(r["answer"], [c["snippet"] for c in r["citations"]]))
             for _, r in results if not r["abstained"]]
        ),
        "abstained_unanswerable": _mean([float(r["abstained"]) for c, r in results if not c.answerable]),
        "false_abstention": _mean([float(r["abstained"]) for _, r in answerable]),
        "routing_accuracy": _mean([float(r.get("outcome") == c.outcome) for c, r in results if c.outcome]),
        "rewrite_accuracy": _mean([float(rewrite_right(c, r.get("rewritten_question", ""))) for c, r in results
                                   if c.rewrite_must_include]),
        "latency_p50_ms": _percentile(latencies, 0.5),
        "latency_p95_ms": _percentile(latencies, 0.95),
    }


def groups(results: Results) -> dict[str, Results]:
    """The results as a whole and split by suite, language and tag ('suite=core', 'language=ko', 'tag=typo')."""
    grouped: dict[str, Results] = {"all": results}
    keys: list[Callable[[Case], list[str]]] = [
        lambda c: [f"suite={c.suite}"] if c.suite else [],
        lambda c: [f"language={c.language}"] if c.language else [],
        lambda c: [f"tag={t}" for t in c.tags],
    ]
    for key in keys:
        for case, result in results:
            for name in key(case):
                grouped.setdefault(name, []).append((case, result))
    return grouped


def failure_reasons(case: Case, result: dict) -> list[str]:
    """Why one case failed, in words for the report (empty when it passed)."""
    routing = []
    if case.outcome and result.get("outcome") != case.outcome:
        routing.append(f"outcome {result.get('outcome')}, expected {case.outcome}")
    if case.rewrite_must_include and not rewrite_right(case, result.get("rewritten_question", "")):
        routing.append(f"rewritten as: {result.get('rewritten_question', '')}")
    return routing + _answer_reasons(case, result)


def _answer_reasons(case: Case, result: dict) -> list[str]:
    if not case.answerable:
        return [] if result["abstained"] else ["answered a question the documents do not answer"]
    if result["abstained"]:
        return ["abstained although the documents answer it"]
    reasons = []
    if case.expected_sources and not (
        result["citations"] and _stem(result["citations"][0]["source"]) in case.expected_sources
    ):
        reasons.append(f"first citation is not from {', '.join(case.expected_sources)}")
    missing = [f for f in case.must_include if not fact_present(f, result["answer"])]
    if missing:
        reasons.append(f"missing facts: {', '.join(missing)}")
    unsupported = unsupported_claims(result["answer"], [c["snippet"] for c in result["citations"]])
    if unsupported:
        reasons.append(f"not in the cited passages: {', '.join(unsupported)}")
    return reasons
