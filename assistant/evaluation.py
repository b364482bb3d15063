"""Answer-quality suites: read a JSONL suite, answer every case, write the result lines (metrics: metrics.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .pii import mask
from .routing import OUTCOMES
from .schema import Answer, Utterance
from .service import collect

REQUIRED_FIELDS = {"id": str, "question": str, "answerable": bool}
OPTIONAL_FIELDS = {
    "language": str, "expected_sources": list, "must_include": list, "tags": list, "answer_source": str,
    "history": list, "outcome": str, "rewrite_must_include": list, "rewrite_must_not_include": list,
}


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
    suite: str = ""
    history: list[dict] = field(default_factory=list)  # earlier turns: [{"role": "user"|"assistant", "content"}]
    outcome: str = ""  # the outcome the turn must get (routing cases)
    rewrite_must_include: list[str] = field(default_factory=list)  # words the standalone rewrite must contain
    rewrite_must_not_include: list[str] = field(default_factory=list)  # an old topic a new one must not carry

    def earlier(self) -> list[Utterance]:
        """The earlier messages, oldest first, as the service takes them."""
        return [Utterance(turn["role"], turn["content"]) for turn in self.history]


def read_lines(path: Path) -> Iterator[tuple[str, dict]]:
    """Each non-empty line of a JSONL file as an object, with 'file:line' for messages; SuiteError otherwise."""
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
        yield where, data


def load_suite(path: Path) -> list[Case]:
    """Read and check a JSONL suite; raise SuiteError naming the first bad line."""
    cases: list[Case] = []
    seen: set[str] = set()
    for where, data in read_lines(path):
        for name, kind in {**REQUIRED_FIELDS, **OPTIONAL_FIELDS}.items():
            if name in REQUIRED_FIELDS and name not in data:
                raise SuiteError(f"{where}: missing field '{name}'")
            if name in data and not isinstance(data[name], kind):
                raise SuiteError(f"{where}: field '{name}' must be {kind.__name__}")
        if data["id"] in seen:
            raise SuiteError(f"{where}: duplicate id '{data['id']}'")
        if not data["question"].strip():
            raise SuiteError(f"{where}: empty question")
        if data.get("outcome", "answered") not in OUTCOMES:
            raise SuiteError(f"{where}: outcome '{data['outcome']}' is not one of {', '.join(OUTCOMES)}")
        if any(not isinstance(t, dict) or t.get("role") not in {"user", "assistant"} or not isinstance(t.get("content"), str)
               for t in data.get("history", [])):
            raise SuiteError(f"{where}: history must be a list of {{\"role\": \"user\"|\"assistant\", \"content\": str}}")
        seen.add(data["id"])
        fields = {k: data[k] for k in {**REQUIRED_FIELDS, **OPTIONAL_FIELDS} if k in data and k != "answer_source"}
        cases.append(Case(**fields, suite=path.stem))
    if not cases:
        raise SuiteError(f"{path}: the suite has no cases")
    return cases


def load_suites(paths: Iterable[Path]) -> list[Case]:
    """Read several suites; ids must be unique across them."""
    cases: list[Case] = []
    owner: dict[str, str] = {}
    for path in paths:
        for case in load_suite(path):
            if case.id in owner:
                raise SuiteError(f"{path}: id '{case.id}' is also used in {owner[case.id]}")
            owner[case.id] = str(path)
            cases.append(case)
    return cases


def result_line(case: Case, answer: Answer, latency_ms: float) -> dict:
    """The result record other tools read (field names are a contract)."""
    # result files never hold personal data typed into a question
    return {"id": case.id, "question": mask(case.question)[0], **answer.to_dict(latency_ms)}


def run_suite(cases: Iterable[Case], stream: Callable[..., Iterable]) -> list[tuple[Case, dict]]:
    """Answer every case through a service's event stream; each pair is the case and its result line.

    The line adds 'retrieved': the source files of the retrieved passages, best first, each once.
    """
    results = []
    for case in cases:
        start = time.perf_counter()
        hits, answer = collect(stream(case.question, case.earlier()))
        line = result_line(case, answer, (time.perf_counter() - start) * 1000)
        line["retrieved"] = list(dict.fromkeys(hit.chunk.source for hit in hits))
        results.append((case, line))
    return results


def write_results(results: list[tuple[Case, dict]], out: Path) -> None:
    """Write the result lines as JSONL (UTF-8, Korean kept readable)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle:
        for _, line in results:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
