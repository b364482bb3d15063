"""Check the evaluation suites (evals/*.jsonl) against the shipped corpus.

Usage:
    .venv/bin/python corpus_src/check_evals.py                  # every evals/*.jsonl
    .venv/bin/python corpus_src/check_evals.py evals/core.jsonl # only the files named

Ids must be unique across all files checked together. For every case it checks:
  * the line validates against evals/suite.schema.json (when the jsonschema package is installed);
  * the line is a JSON object with the suite fields (id, question, language, answerable, expected_sources,
    must_include, tags, answer_source) of the right types; extra fields are allowed;
  * language is ko, en or de and matches the question's script (a ko question contains Hangul, an en/de
    question is mostly Latin letters);
  * unanswerable cases: no expected sources, no must_include, tags 'unanswerable' plus exactly one of
    'in-scope' / 'out-of-scope', answer_source starting with 'none:' and saying why;
  * answerable cases:
      - each expected source exists in corpus/ (as .md, .txt, .pdf, .hwp or .hwpx);
      - answer_source is 'STEM §SECTION: "SENTENCE"' (several sentences of one section joined by ' / '),
        optionally followed by ' (also: …)'; a quoted "sentence" is any verbatim span of the section: a
        sentence, a bullet item (without its '□'/'○'/'-' marker) or a whole Markdown table row
        ('| 구분 | 2026년 |'), since notices and press releases put several facts in one sentence and many
        in tables; a 'multi-hop' case quotes two or more documents, the parts joined
        by ' + ' ('STEM1 §S1: "…" + STEM2 §S2: "…"'); the first quoted document is the first expected source
        and every quoted document is an expected source;
      - each quoted sentence occurs verbatim under that section of the document (for a PDF, in its Markdown
        source corpus_src/STEM.md) and, whitespace-normalised, in the shipped file's text (for a PDF, the text
        pypdf extracts, page footers removed), so a stale PDF is caught; a quoted table row is compared with a
        PDF's text as its cells joined by spaces (the PDF draws the rule, not the pipes), and its cells, not
        its pipes, are what must_include items are looked for in;
      - every must_include item ('a|b' = accepted alternatives) has an alternative inside the quoted
        sentences, ignoring case and whitespace (the way `assistant eval` matches answers); for a PDF that
        alternative must also sit on one extracted line (not broken by the PDF's line wrapping);
      - a single-fact case: every other expected source also contains an alternative of every item;
      - a 'multi-hop' case: every quoted document supplies at least one item, and every expected source
        that is not quoted contains at least one item.
Prints counts per file and in total, then one PROBLEM line per problem; exits 1 if there is any.
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
EVALS = ROOT / "evals"
SCHEMA = EVALS / "suite.schema.json"
FIELDS = {
    "id": str, "question": str, "language": str, "answerable": bool, "expected_sources": list,
    "must_include": list, "tags": list, "answer_source": str,
}
LANGUAGES = ("ko", "en", "de")
SCOPES = ("in-scope", "out-of-scope")
PART = re.compile(r'^(?P<stem>\w+) §(?P<section>.+?): "(?P<sentence>.+)"$')
ALSO = re.compile(r' \(also: [^()]*(?:\([^()]*\)[^()]*)*\)$')
PART_SEPARATOR = re.compile(r'(?<=") \+ (?=\w+ §)')
PDF_FOOTER = re.compile(r"^- \d+ -$")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
LATIN = re.compile(r"[A-Za-zÄÖÜäöüß]")
KIND_TAGS = ("typo", "spacing", "number-format", "paraphrase", "cross-lingual", "multi-hop", "multi-source",
             "unanswerable", "in-scope", "out-of-scope")


def load_corpus() -> dict[str, dict]:
    """Every shipped document: the text the assistant sees and the text the sections are read from."""
    docs: dict[str, dict] = {}
    for path in sorted(CORPUS.iterdir()):
        if path.suffix in (".md", ".txt"):
            text = path.read_text(encoding="utf-8")
            docs[path.stem] = {"path": path, "text": text, "source_text": text, "pdf_lines": None}
        elif path.suffix == ".pdf":
            from pypdf import PdfReader

            pages = [p.extract_text() or "" for p in PdfReader(str(path)).pages]
            lines = [ln for page in pages for ln in page.splitlines() if not PDF_FOOTER.match(ln.strip())]
            source = (SRC / f"{path.stem}.md").read_text(encoding="utf-8")
            docs[path.stem] = {"path": path, "text": "\n".join(lines), "source_text": source, "pdf_lines": lines}
        elif path.suffix in (".hwp", ".hwpx"):
            from assistant.config import IngestSettings
            from assistant.ingest import load_file

            text = "\n".join(page.text for page in load_file(path, IngestSettings()))
            source = (SRC / f"{path.stem}.md").read_text(encoding="utf-8")
            docs[path.stem] = {"path": path, "text": text, "source_text": source, "pdf_lines": None}
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
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    """Lower case, all whitespace removed: the comparison `assistant eval` uses for must_include."""
    return "".join(text.lower().split())


def table_row(sentence: str) -> list[str] | None:
    """The cells of a quoted Markdown table row ('| a | b |' -> ['a', 'b']), or None for any other quote."""
    if len(sentence) > 2 and sentence.startswith("|") and sentence.endswith("|"):
        return [c.strip() for c in sentence[1:-1].split("|")]
    return None


def quoted_text(sentence: str) -> str:
    """What a quote says: a table row's cells joined by spaces, any other quote as it is."""
    cells = table_row(sentence)
    return sentence if cells is None else " ".join(cells)


def parse_answer_source(value: str) -> list[tuple[str, str, list[str]]] | None:
    """[(stem, section, [sentence, …]), …] or None when the text does not follow the format."""
    value = ALSO.sub("", value)
    parts = []
    for chunk in PART_SEPARATOR.split(value):
        m = PART.match(chunk)
        if not m:
            return None
        parts.append((m["stem"], m["section"], m["sentence"].split(" / ")))
    return parts


def read_cases(path: Path, problems: list[str]) -> list[dict]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path.name}:{number}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(case, dict):
            problems.append(f"{path.name}:{number}: a line must be a JSON object")
            continue
        case["_where"] = f"{path.name}:{number}"
        cases.append(case)
    return cases


def check_fields(case: dict, err) -> bool:
    ok = True
    for name, kind in FIELDS.items():
        if name not in case:
            err(f"missing field '{name}'")
            ok = False
        elif not isinstance(case[name], kind):
            err(f"field '{name}' must be {kind.__name__}")
            ok = False
    if not ok:
        return False
    for name in ("expected_sources", "must_include", "tags"):
        if not all(isinstance(v, str) and v.strip() for v in case[name]):
            err(f"'{name}' must hold non-empty strings")
            ok = False
    if not case["id"].strip() or not case["question"].strip():
        err("empty id or question")
        ok = False
    return ok


def check_language(case: dict, err) -> None:
    lang, question = case["language"], case["question"]
    if lang not in LANGUAGES:
        err(f"language must be one of {LANGUAGES}")
    elif lang == "ko" and not HANGUL.search(question):
        err("language is ko but the question has no Hangul")
    elif lang in ("en", "de") and len(HANGUL.findall(question)) >= len(LATIN.findall(question)):
        err(f"language is {lang} but the question is mostly Hangul")


def check_unanswerable(case: dict, err) -> None:
    if case["expected_sources"] or case["must_include"]:
        err("unanswerable case with expected_sources or must_include")
    tags = case["tags"]
    if "unanswerable" not in tags:
        err("unanswerable case without the 'unanswerable' tag")
    if sum(t in tags for t in SCOPES) != 1:
        err("unanswerable case needs exactly one of the tags 'in-scope' / 'out-of-scope'")
    if not case["answer_source"].startswith("none:") or len(case["answer_source"]) < 10:
        err("unanswerable answer_source must be 'none: <why no document answers it>'")


def check_answerable(case: dict, docs: dict[str, dict], err) -> None:
    sources, items, tags = case["expected_sources"], case["must_include"], case["tags"]
    if "unanswerable" in tags or any(t in tags for t in SCOPES):
        err("answerable case tagged unanswerable/in-scope/out-of-scope")
    if not sources or not items:
        err("answerable case needs expected_sources and must_include")
        return
    if len(set(sources)) != len(sources):
        err("duplicate expected source")
    missing = [s for s in sources if s not in docs]
    if missing:
        err(f"unknown sources {missing} (use file stems of corpus/ documents)")
        return
    for item in items:
        if any(not alt.strip() for alt in item.split("|")):
            err(f"must_include '{item}' has an empty alternative")
    parts = parse_answer_source(case["answer_source"])
    if parts is None:
        err('answer_source must be STEM §SECTION: "SENTENCE" (multi-hop: parts joined by " + ")')
        return
    stems = [p[0] for p in parts]
    if stems[0] != sources[0]:
        err(f"answer_source quotes {stems[0]} first but the first expected source is {sources[0]}")
    for stem in stems:
        if stem not in sources:
            err(f"answer_source quotes {stem}, which is not an expected source")
            return
    multi_hop = "multi-hop" in tags
    if multi_hop and len(set(stems)) < 2:
        err("multi-hop case must quote sentences from at least two documents")
    if not multi_hop and len(parts) > 1:
        err("only a 'multi-hop' case may quote more than one document part")

    quoted: dict[str, str] = {}  # stem -> squashed quoted sentences
    for stem, section, sentences in parts:
        doc = docs[stem]
        secs = sections(doc["source_text"])
        if section not in secs:
            err(f"section '{section}' not in {stem}")
            continue
        shipped = flat(doc["text"])
        for sentence in sentences:
            in_shipped = quoted_text(sentence) if doc["pdf_lines"] is not None else sentence
            if sentence not in secs[section]:
                err(f"sentence not found verbatim in {stem} §{section}: {sentence[:60]}...")
            elif flat(in_shipped) not in shipped:
                err(f"sentence is in the source but not in the shipped {doc['path'].name}: {sentence[:60]}...")
        quoted[stem] = quoted.get(stem, "") + squash(" ".join(quoted_text(x) for x in sentences))

    supplied: Counter[str] = Counter()
    for item in items:
        alternatives = [a for a in item.split("|") if a.strip()]
        found_in = [s for s, text in quoted.items() if any(squash(a) in text for a in alternatives)]
        if not found_in:
            err(f"must_include '{item}' not in the quoted sentence(s)")
            continue
        supplied.update(found_in)
        for stem in found_in:
            lines = docs[stem]["pdf_lines"]
            present = [a for a in alternatives if squash(a) in quoted[stem]]
            if lines is not None and not any(squash(a) in squash(ln) for a in present for ln in lines):
                err(f"must_include '{item}' is split across PDF lines in {stem}.pdf")
        if not multi_hop:
            for other in sources[1:]:
                if not any(squash(a) in squash(docs[other]["source_text"]) for a in alternatives):
                    err(f"must_include '{item}' not found in other expected source {other}")
    if multi_hop:
        for stem in quoted:
            if not supplied[stem]:
                err(f"multi-hop: no must_include item comes from the quoted document {stem}")
        for other in sources:
            if other not in quoted and not any(
                squash(a) in squash(docs[other]["source_text"]) for item in items for a in item.split("|") if a.strip()
            ):
                err(f"multi-hop: expected source {other} contains none of the must_include items")


def summary(name: str, cases: list[dict]) -> str:
    by_lang = Counter(c.get("language") for c in cases)
    unanswerable = sum(c.get("answerable") is False for c in cases)
    share = unanswerable / len(cases) if cases else 0.0
    tags = Counter(t for c in cases for t in c.get("tags", []) if t in KIND_TAGS)
    return (
        f"{name}: {len(cases)} cases; " + ", ".join(f"{k}={v}" for k, v in sorted(by_lang.items(), key=str))
        + f"; answerable={len(cases) - unanswerable}, unanswerable={unanswerable} ({share:.1%})"
        + ("; tags: " + ", ".join(f"{t}={tags[t]}" for t in KIND_TAGS if tags[t]) if tags else "")
    )


def schema_validator():
    """A validator for evals/suite.schema.json, or None when jsonschema is not installed."""
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        print("note: jsonschema is not installed; skipping the suite.schema.json check")
        return None
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check(paths: list[Path]) -> int:
    docs = load_corpus()
    validator = schema_validator()
    problems: list[str] = []
    seen: dict[str, str] = {}
    per_file: dict[str, list[dict]] = {}
    for path in paths:
        cases = read_cases(path, problems)
        per_file[path.name] = cases
        for case in cases:
            cid = case.get("id", "?")
            where = case.pop("_where")
            err = lambda msg, cid=cid, where=where: problems.append(f"{where} {cid}: {msg}")  # noqa: E731
            if validator is not None:
                for error in validator.iter_errors(case):
                    err(f"schema: {'/'.join(map(str, error.absolute_path)) or 'line'}: {error.message}")
            if not check_fields(case, err):
                continue
            if cid in seen:
                err(f"duplicate id (first used at {seen[cid]})")
            seen.setdefault(cid, where)
            check_language(case, err)
            if case["answerable"]:
                check_answerable(case, docs, err)
            else:
                check_unanswerable(case, err)
    for name, cases in per_file.items():
        print(summary(name, cases))
    if len(per_file) > 1:
        print(summary("total", [c for cases in per_file.values() for c in cases]))
    for p in problems:
        print("PROBLEM", p)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]] or sorted(EVALS.glob("*.jsonl"))
    if not args:
        sys.exit("no suite files found")
    sys.exit(check(args))
