"""Answer-quality suites: read a JSONL suite, answer every case, write result lines and compute metrics."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .schema import Answer

REQUIRED_FIELDS = {"id": str, "question": str, "answerable": bool}
METRIC_NAMES = (
    "cases", "answerable", "unanswerable", "top1_source", "facts_present", "abstained_unanswerable",
    "false_abstention", "latency_p50_ms", "latency_p95_ms",
)
OPTIONAL_FIELDS = {"language": str, "expected_sources": list, "must_include": list, "tags": list, "answer_source": str}


class SuiteError(ValueError):
    """A suite file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Case:
    """One suite line."""

    id: str
    question: str
    answerable: bool
    language: str = ""
    expected_sources: list[str] = field(default_factory=list)
    must_include: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def load_suite(path: Path) -> list[Case]:
    """Read and check a JSONL suite; raise SuiteError naming the first bad line."""
    cases: list[Case] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SuiteError(f"{where}: not valid JSON ({exc.msg})") from exc
        if not isinstance(data, dict):
            raise SuiteError(f"{where}: each line must be a JSON object")
        for name, kind in {**REQUIRED_FIELDS, **OPTIONAL_FIELDS}.items():
            if name in REQUIRED_FIELDS and name not in data:
                raise SuiteError(f"{where}: missing field '{name}'")
            if name in data and not isinstance(data[name], kind):
                raise SuiteError(f"{where}: field '{name}' must be {kind.__name__}")
        if data["id"] in seen:
            raise SuiteError(f"{where}: duplicate id '{data['id']}'")
        if not data["question"].strip():
            raise SuiteError(f"{where}: empty question")
        seen.add(data["id"])
        cases.append(Case(**{k: data[k] for k in {**REQUIRED_FIELDS, **OPTIONAL_FIELDS} if k in data and k != "answer_source"}))
    if not cases:
        raise SuiteError(f"{path}: the suite has no cases")
    return cases


def _squash(text: str) -> str:
    return "".join(text.lower().split())


def fact_present(fact: str, answer_text: str) -> bool:
    """Whether one must_include entry ('a|b' = either) appears in the answer, ignoring case and spacing."""
    squashed = _squash(answer_text)
    return any(_squash(option) in squashed for option in fact.split("|") if option.strip())


def result_line(case: Case, answer: Answer, latency_ms: float) -> dict:
    """The result record other tools read (field names are a contract)."""
    return {
        "id": case.id,
        "question": case.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [c.to_dict() for c in answer.citations],
        "latency_ms": round(latency_ms, 1),
    }


def run_suite(cases: Iterable[Case], ask: Callable[[str], Answer]) -> list[tuple[Case, dict]]:
    """Answer every case; each pair is the case and its result line."""
    results = []
    for case in cases:
        start = time.perf_counter()
        answer = ask(case.question)
        results.append((case, result_line(case, answer, (time.perf_counter() - start) * 1000)))
    return results


def _stem(source: str) -> str:
    return Path(source).stem


def metrics(results: list[tuple[Case, dict]]) -> dict[str, float | int]:
    """Top-1 source accuracy, fact presence and abstention rates over a suite run."""
    answerable = [(c, r) for c, r in results if c.answerable]
    unanswerable = [(c, r) for c, r in results if not c.answerable]
    sourced = [(c, r) for c, r in answerable if c.expected_sources]
    with_facts = [(c, r) for c, r in answerable if c.must_include]
    top1 = sum(bool(r["citations"]) and _stem(r["citations"][0]["source"]) in c.expected_sources for c, r in sourced)
    facts = sum(all(fact_present(f, r["answer"]) for f in c.must_include) and not r["abstained"] for c, r in with_facts)
    latencies = sorted(r["latency_ms"] for _, r in results)

    def rate(count: int, total: int) -> float:
        return round(count / total, 4) if total else 0.0

    return {
        "cases": len(results),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "top1_source": rate(top1, len(sourced)),
        "facts_present": rate(facts, len(with_facts)),
        "abstained_unanswerable": rate(sum(r["abstained"] for _, r in unanswerable), len(unanswerable)),
        "false_abstention": rate(sum(r["abstained"] for _, r in answerable), len(answerable)),
        "latency_p50_ms": latencies[len(latencies) // 2] if latencies else 0.0,
        "latency_p95_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))] if latencies else 0.0,
    }


def write_results(results: list[tuple[Case, dict]], out: Path) -> None:
    """Write the result lines as JSONL (UTF-8, Korean kept readable)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for _, line in results:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
