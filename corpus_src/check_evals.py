"""Check evals/core.jsonl against the shipped corpus.

Usage: .venv/bin/python corpus_src/check_evals.py [evals/core.jsonl]

For every case it checks the schema; for answerable cases it checks that
  * each expected source exists in corpus/ (as .md, .txt or .pdf),
  * the sentence quoted in answer_source ('STEM §SECTION: "SENTENCE"', several sentences joined by ' / ')
    occurs verbatim in the primary source under that section,
  * every must_include item has an alternative ('|'-separated) inside that quoted sentence,
  * for a PDF, that alternative also occurs on one extracted line of the PDF (not broken by wrapping),
  * every other expected source contains an alternative of every must_include item.
Unanswerable cases must have no expected sources and no must_include. Exits 1 on any problem.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SRC = ROOT / "corpus_src"
FIELDS = ["id", "question", "language", "answerable", "expected_sources", "must_include", "tags", "answer_source"]
ANSWER_SOURCE = re.compile(r'^(?P<stem>[\w]+) §(?P<section>.+?): "(?P<sentence>.+?)"(?: \(also: .+\))?$')


def load_corpus() -> dict[str, dict]:
    docs: dict[str, dict] = {}
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in (".md", ".txt"):
            text = path.read_text(encoding="utf-8")
            docs[path.stem] = {"path": path, "text": text, "source_text": text, "pdf_lines": None}
        elif path.suffix == ".pdf":
            from pypdf import PdfReader

            pages = [p.extract_text() or "" for p in PdfReader(str(path)).pages]
            source = (SRC / f"{path.stem}.md").read_text(encoding="utf-8")
            lines = [ln for page in pages for ln in page.splitlines()]
            docs[path.stem] = {"path": path, "text": "\n".join(pages), "source_text": source, "pdf_lines": lines}
    return docs


def sections(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            out[current] = ""
        elif current:
            out[current] += line + "\n"
    return out


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def check(path: Path) -> int:
    docs = load_corpus()
    problems: list[str] = []
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    seen: set[str] = set()
    for case in cases:
        cid = case.get("id", "?")
        err = lambda msg: problems.append(f"{cid}: {msg}")  # noqa: E731
        if list(case) != FIELDS:
            err(f"fields are {list(case)}, expected {FIELDS}")
            continue
        if cid in seen:
            err("duplicate id")
        seen.add(cid)
        if case["language"] not in ("ko", "en", "de"):
            err("language must be ko, en or de")
        if not isinstance(case["answerable"], bool) or not isinstance(case["tags"], list):
            err("answerable must be bool and tags a list")
        if not case["answerable"]:
            if case["expected_sources"] or case["must_include"]:
                err("unanswerable case with expected_sources or must_include")
            continue
        if not case["expected_sources"] or not case["must_include"]:
            err("answerable case needs expected_sources and must_include")
            continue
        missing = [s for s in case["expected_sources"] if s not in docs]
        if missing:
            err(f"unknown sources {missing}")
            continue
        m = ANSWER_SOURCE.match(case["answer_source"])
        if not m or m["stem"] != case["expected_sources"][0]:
            err("answer_source must start with the first expected source: STEM §SECTION: \"SENTENCE\"")
            continue
        doc = docs[m["stem"]]
        secs = sections(doc["source_text"])
        if m["section"] not in secs:
            err(f"section '{m['section']}' not in {m['stem']}")
            continue
        quoted = m["sentence"].split(" / ")
        for sentence in quoted:
            if sentence not in secs[m["section"]]:
                err(f"sentence not found verbatim in {m['stem']} §{m['section']}: {sentence[:60]}...")
        joined = " ".join(quoted)
        for item in case["must_include"]:
            alternatives = item.split("|")
            in_sentence = [a for a in alternatives if a in joined]
            if not in_sentence:
                err(f"must_include '{item}' not in the quoted sentence")
            elif doc["pdf_lines"] is not None and not any(a in ln for a in in_sentence for ln in doc["pdf_lines"]):
                err(f"must_include '{item}' is split across PDF lines in {m['stem']}.pdf")
            for other in case["expected_sources"][1:]:
                if not any(a in flat(docs[other]["text"]) for a in alternatives):
                    err(f"must_include '{item}' not found in other expected source {other}")
    by = Counter((c.get("language"), c.get("answerable")) for c in cases)
    print(f"{len(cases)} cases; " + ", ".join(f"{lang}/{'answerable' if a else 'unanswerable'}={n}" for (lang, a), n in sorted(by.items())))
    print(f"cross-lingual: {sum('cross-lingual' in c.get('tags', []) for c in cases)}")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(check(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "evals" / "core.jsonl"))
