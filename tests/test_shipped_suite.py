"""The shipped corpus answers the shipped suites at today's quality: a regression fails the build."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import main

ROOT = Path(__file__).resolve().parents[1]
SUITES = sorted((ROOT / "evals").glob("*.jsonl"))
# Today's levels (README, "Answer quality"), rounded down; raise them when the assistant improves, never lower
# them to pass. These suites are also the reader's training data (four fifths of them), so these are in-sample
# levels: they catch regressions; the held-out and KorQuAD numbers in the README are the ones to judge by.
# Re-based on 2026-11-22 when ten notices joined the corpus for the program cards (many restate the older documents'
# facts, which the suites' expected sources do not all name) and the reader was retrained with English and German
# questions (a lower calibrated threshold: fewer false abstentions, fewer abstentions on unanswerable questions).
# Raised on 2026-11-23 when up to three sentences came to be quoted (facts) and retrieval gained its other-language
# offset and glossary regions.
CORE_GATES = {"top1_source": 0.91, "facts_present": 0.94, "abstained_unanswerable": 0.27, "hit_at_1": 0.8}
ALL_GATES = {"top1_source": 0.77, "facts_present": 0.77, "abstained_unanswerable": 0.22, "hit_at_1": 0.68}


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("shipped") / "index"
    result = CliRunner().invoke(main, ["ingest", str(ROOT / "corpus"), "--index", str(index)])
    assert result.exit_code == 0, result.output
    return index


def _gated_eval(index: Path, suites: list[Path], gates: dict[str, float], out: Path) -> str:
    args = ["eval", *map(str, suites), "--index", str(index), "--out", str(out)]
    for metric, level in gates.items():
        args += ["--fail-under", f"{metric}={level}"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def _metric(output: str, name: str) -> float:
    return float(next(line.split()[1] for line in output.splitlines() if line.startswith(name + " ")))


def test_shipped_suites_are_there():
    assert [p.name for p in SUITES] == [
        "core.jsonl", "crosslingual.jsonl", "heldout.jsonl", "multihop.jsonl", "unanswerable.jsonl", "variants.jsonl"
    ]


@pytest.mark.model
def test_core_suite_meets_todays_levels(index, tmp_path):
    output = _gated_eval(index, [ROOT / "evals" / "core.jsonl"], CORE_GATES, tmp_path / "core.jsonl")
    assert _metric(output, "false_abstention") <= 0.03 and _metric(output, "faithfulness") == 1.0


@pytest.mark.model
def test_all_suites_meet_todays_levels(index, tmp_path):
    output = _gated_eval(index, SUITES, ALL_GATES, tmp_path / "all.jsonl")
    assert _metric(output, "false_abstention") <= 0.13 and _metric(output, "faithfulness") == 1.0
