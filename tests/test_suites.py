"""The shipped suites agree with the shipped corpus (corpus_src/check_evals.py), and every line loads."""

import subprocess
import sys
from pathlib import Path

from assistant.evaluation import load_suites

ROOT = Path(__file__).resolve().parents[1]


def test_suites_agree_with_the_corpus():
    result = subprocess.run([sys.executable, str(ROOT / "corpus_src" / "check_evals.py")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("OK")


def test_suites_meet_the_issue_mix():
    cases = load_suites(sorted((ROOT / "evals").glob("*.jsonl")))
    unanswerable = [c for c in cases if not c.answerable]
    assert len(cases) >= 150 and len(unanswerable) / len(cases) >= 0.15
    assert {c.language for c in cases} == {"ko", "en", "de"}
    tags = {t for c in cases for t in c.tags}
    assert {"multi-hop", "typo", "spacing", "number-format", "paraphrase", "cross-lingual"} <= tags
