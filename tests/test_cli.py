"""Every CLI command through click's runner, on a real index."""

import json

from click.testing import CliRunner

from assistant.cli import main


def _ingest(index, *paths):
    return CliRunner().invoke(main, ["ingest", *map(str, paths), "--index", str(index)])


def test_ingest_summarises_and_fails_on_a_bad_file(tmp_path, docs):
    (docs / "locked.pdf").write_bytes(b"not really a pdf")
    (docs / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    result = _ingest(tmp_path / "idx", docs)
    assert result.exit_code == 1
    assert "Indexed 3 file(s): 4 page(s)" in result.stdout and "1 skipped; 1 failed." in result.stdout
    assert result.stderr.splitlines() == [
        f"SKIPPED {docs / 'photo.jpg'}: file type '.jpg' is not read; supported: .pdf, .hwp, .hwpx, .md, .markdown, .txt",
        f"FAILED {docs / 'locked.pdf'}: the file is named .pdf but is not a PDF",
    ]

    (docs / "locked.pdf").unlink()
    again = _ingest(tmp_path / "idx", docs)  # a skipped file alone does not fail the run
    assert again.exit_code == 0 and "Indexed 0 file(s)" in again.output and "3 unchanged; 1 skipped; 0 failed." in again.output
    assert again.stderr.startswith("SKIPPED ") and "FAILED" not in again.stderr


def test_ask_prints_answer_and_sources_or_json(tmp_path, docs):
    _ingest(tmp_path / "idx", docs)
    runner = CliRunner()
    text = runner.invoke(main, ["ask", "2030년까지 AI 팩토리를 몇 개 만드나요?", "--index", str(tmp_path / "idx")])
    assert text.exit_code == 0 and "500" in text.output and "[1] ai_factory_ko.md" in text.output

    as_json = runner.invoke(main, ["ask", "How big is the DX fund?", "--index", str(tmp_path / "idx"), "--json"])
    line = json.loads(as_json.output)
    assert set(line) == {"id", "question", "answer", "abstained", "citations", "latency_ms", "evidence", "outcome",
                         "rewritten_question"}
    assert line["citations"][0]["source"] == "dx_fund_en.md" and not line["abstained"]

    empty = runner.invoke(main, ["ask", "  ", "--index", str(tmp_path / "idx")])
    assert empty.exit_code == 2 and "Please type a question" in empty.output


def test_eval_writes_results_and_prints_metrics(tmp_path, docs):
    _ingest(tmp_path / "idx", docs)
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        json.dumps({"id": "a", "question": "AI 팩토리 몇 개?", "answerable": True, "expected_sources": ["ai_factory_ko"], "must_include": ["500"]}, ensure_ascii=False)
        + "\n" + json.dumps({"id": "b", "question": "김치찌개 만드는 법", "answerable": False}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "results.jsonl"
    result = CliRunner().invoke(main, ["eval", str(suite), "--index", str(tmp_path / "idx"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "top1_source              1.0" in result.output and "abstained_unanswerable   1.0" in result.output
    lines = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [l["id"] for l in lines] == ["a", "b"] and lines[1]["abstained"]

    gate = CliRunner().invoke(
        main, ["eval", str(suite), "--index", str(tmp_path / "idx"), "--out", str(out), "--fail-under", "top1_source=1.0",
               "--fail-under", "false_abstention=0.5"],
    )
    assert gate.exit_code == 1 and "BELOW THRESHOLD: false_abstention 0.0 < 0.5" in gate.output


def test_eval_refuses_an_unknown_threshold_before_running(tmp_path):
    suite = tmp_path / "suite.jsonl"
    suite.write_text('{"id": "a", "question": "q", "answerable": true}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(suite), "--out", str(tmp_path / "r.jsonl"), "--fail-under", "accuracy=0.9"])
    assert result.exit_code == 2 and "unknown metric 'accuracy'" in result.output
    assert not (tmp_path / "r.jsonl").exists()


def test_eval_names_a_malformed_line(tmp_path):
    suite = tmp_path / "suite.jsonl"
    suite.write_text('{"id": "a", "question": "q"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(suite), "--out", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 2 and "suite.jsonl:1: missing field 'answerable'" in result.output


def test_eval_compare_writes_baselines_and_reports(tmp_path, docs):
    _ingest(tmp_path / "idx", docs)
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        json.dumps({"id": "a", "question": "AI 팩토리 몇 개?", "language": "ko", "answerable": True,
                    "expected_sources": ["ai_factory_ko"], "must_include": ["500"], "tags": ["typo"]}, ensure_ascii=False)
        + "\n" + json.dumps({"id": "b", "question": "<script>alert(1)</script> 날씨", "answerable": False}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out" / "r.jsonl"
    result = CliRunner().invoke(
        main, ["eval", str(suite), "--index", str(tmp_path / "idx"), "--out", str(out), "--compare",
               "--corpus", str(docs), "--report", str(tmp_path / "report")],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "| metric | assistant | bm25-whitespace | bm25-kiwi | dense | tutorial |"
    assert "| top1_source | 100.0% |" in result.output
    for name in ("r.jsonl", "r.bm25-whitespace.jsonl", "r.bm25-kiwi.jsonl", "r.dense.jsonl", "r.tutorial.jsonl"):
        lines = [json.loads(l) for l in (out.parent / name).read_text(encoding="utf-8").splitlines()]
        assert [l["id"] for l in lines] == ["a", "b"] and "retrieved" in lines[0]
    markdown = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "| tag=typo |" in markdown and "## Failed cases (assistant: 0)" in markdown
    assert page.count("<svg") == 13 and "<script>" not in page  # no routing or rewrite cases: no chart for those and "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def _cards_env(tmp_path):
    from conftest import write_programs

    programs, notices = write_programs(tmp_path / "cards")
    return {"ASSISTANT_PROGRAMS_DIR": str(programs), "ASSISTANT_CORPUS_DIR": str(notices)}


def test_match_prints_verdicts_or_the_json_the_readme_documents(tmp_path):
    env = _cards_env(tmp_path)
    profile = tmp_path / "profile.json"
    profile.write_text('{"region": "gyeongbuk", "sector": "manufacturing", "employees": 45, "years_in_business": 3}')
    runner = CliRunner()
    result = runner.invoke(main, ["match", "--profile", str(profile), "--json"], env=env)
    assert result.exit_code == 0, result.output
    programs = json.loads(result.output)
    assert [(p["program"], p["verdict"]) for p in programs] == [("test-startup-loan", "eligible"), ("test-factory", "need_info")]
    assert set(programs[1]) >= {"program", "name", "verdict", "criteria", "next_question"}
    assert set(programs[1]["criteria"][0]) >= {"criterion", "status", "citation"}
    assert set(programs[1]["criteria"][0]["citation"]) >= {"source", "page", "snippet"}

    text = runner.invoke(main, ["match", "--profile", str(profile), "--program", "test-factory", "--language", "en"], env=env)
    assert text.output.startswith("test-factory: need_info\n  [met] A manufacturer (notice_ko.md)")
    assert "? What size class is your company" in text.output

    profile.write_text('{"region": "Gyeongbuk"}')
    bad = runner.invoke(main, ["match", "--profile", str(profile)], env=env)
    assert bad.exit_code == 1 and "region: Value error, 'Gyeongbuk' is not a region code" in bad.output


def test_cards_check_finds_every_quote_or_names_what_is_wrong(tmp_path):
    env = _cards_env(tmp_path)
    runner = CliRunner()
    good = runner.invoke(main, ["cards", "check"], env=env)
    assert good.exit_code == 0 and "2 card(s), 5 criteria, 5 citation(s) found" in good.output
    notice = tmp_path / "cards" / "notices" / "notice_ko.md"
    notice.write_text(notice.read_text(encoding="utf-8").replace("비수도권에 소재한", "지방에 있는"), encoding="utf-8")
    bad = runner.invoke(main, ["cards", "check"], env=env)
    assert bad.exit_code == 1 and "BAD CITATION test-factory: criteria[2] cites notice_ko.md" in bad.output


def test_eval_runs_an_eligibility_suite_and_reports_its_metrics(tmp_path, docs):
    env = _cards_env(tmp_path)
    suite = tmp_path / "eligibility.jsonl"
    suite.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in [
        {"id": "e1", "language": "ko", "profile": {"years_in_business": 7}, "program": "test-startup-loan", "verdict": "not_eligible"},
        {"id": "e2", "language": "ko", "profile": {}, "program": "test-factory", "verdict": "eligible"},
        {"id": "e3", "language": "ko", "question": "우리 회사는 경북 제조업체인데 시험 공장 지원을 받을 수 있나요?",
         "profile": {"region": "gyeongbuk", "sector": "manufacturing"}, "program": "test-factory", "verdict": "need_info"},
    ]), encoding="utf-8")
    _ingest(tmp_path / "idx", docs)
    out = tmp_path / "results" / "run.jsonl"
    result = CliRunner().invoke(main, ["eval", str(suite), "--index", str(tmp_path / "idx"), "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "verdict_accuracy             0.6667" in result.output and "profile_read_accuracy        1.0" in result.output
    assert "criterion_citation_correct   1.0" in result.output
    assert "WRONG e2: test-factory expected eligible, got need_info" in result.output
    assert len((tmp_path / "results" / "run.eligibility.jsonl").read_text().splitlines()) == 3

    suite.write_text('{"id": "e1", "profile": {}, "program": "no-such-program", "verdict": "eligible"}\n')
    unknown = CliRunner().invoke(main, ["eval", str(suite), "--index", str(tmp_path / "idx"), "--out", str(out)], env=env)
    assert unknown.exit_code == 2 and "program 'no-such-program' has no card" in unknown.output


def test_ask_takes_a_history_and_reports_outcome_and_rewrite(tmp_path, docs):
    _ingest(tmp_path / "idx", docs)
    history = tmp_path / "history.json"
    history.write_text(json.dumps([{"role": "user", "content": "AI 팩토리 확산 계획 알려 주세요"},
                                   {"role": "assistant", "content": "2030년까지 500개로 늘립니다."}], ensure_ascii=False))
    result = CliRunner().invoke(main, ["ask", "목표는 몇 개예요?", "--history", str(history), "--index",
                                       str(tmp_path / "idx"), "--json"])
    line = json.loads(result.output)
    assert line["outcome"] == "answered" and line["rewritten_question"].startswith("AI 팩토리") and "500" in line["answer"]
    private = CliRunner().invoke(main, ["ask", "제 전화번호는 010-1234-5678입니다. 안녕하세요", "--index",
                                        str(tmp_path / "idx"), "--json"])
    assert "010-1234-5678" not in private.output and "[전화번호]" in private.output
    history.write_text('{"role": "user"}')
    bad = CliRunner().invoke(main, ["ask", "목표는?", "--history", str(history), "--index", str(tmp_path / "idx")])
    assert bad.exit_code == 2 and "--history" in bad.output


def test_eval_reports_routing_and_rewrite_accuracy(tmp_path, docs):
    _ingest(tmp_path / "idx", docs)
    suite = tmp_path / "conversation.jsonl"
    suite.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in [
        {"id": "c1", "question": "목표는 몇 개예요?", "answerable": True, "outcome": "answered",
         "history": [{"role": "user", "content": "AI 팩토리 확산 계획 알려 주세요"}],
         "rewrite_must_include": ["AI 팩토리|AI factory"], "must_include": ["500"], "expected_sources": ["ai_factory_ko"]},
        {"id": "c2", "question": "안녕하세요", "answerable": False, "outcome": "small_talk"},
        {"id": "c3", "question": "오늘 날씨 어때요?", "answerable": False, "outcome": "unanswerable"},
    ]), encoding="utf-8")
    out = tmp_path / "run.jsonl"
    result = CliRunner().invoke(main, ["eval", str(suite), "--index", str(tmp_path / "idx"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "routing_accuracy         0.6667" in result.output and "rewrite_accuracy         1.0" in result.output
    suite.write_text('{"id": "c1", "question": "q", "answerable": false, "outcome": "chitchat"}\n')
    bad = CliRunner().invoke(main, ["eval", str(suite), "--index", str(tmp_path / "idx"), "--out", str(out)])
    assert bad.exit_code == 2 and "outcome 'chitchat' is not one of" in bad.output
