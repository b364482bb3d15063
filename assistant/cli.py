"""The `assistant` command: ingest, ask, eval, serve. Each command builds the service and renders what it returns."""

from __future__ import annotations

import json
import re
import sys
import tempfile
import time
from pathlib import Path

import click
from pydantic import ValidationError

from .card_draft import draft_card
from .config import Settings
from .eligibility import match as match_programs
from .embeddings import make_embeddings
from .eligibility_eval import (
    citation_problems, eligibility_metrics, is_eligibility_suite, load_eligibility_suites, run_eligibility,
)
from .ingest import IngestError
from .profile import Profile
from .programs import CardError, load_cards
from .baselines import baseline_services
from .evaluation import Case, SuiteError, load_suites, result_line, run_suite, write_results
from .metrics import METRIC_NAMES, failure_reasons, groups, metrics
from .report import Report, comparison_table, render_html, render_markdown
from .question import QuestionError
from .schema import Utterance
from .service import AssistantService
from .store import ChunkStore
from .store_errors import IndexNotWritable, StoreUnavailable

index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Index folder (default: ASSISTANT_INDEX_DIR or ./index).",
)


def _service(index_dir: Path | None) -> AssistantService:
    settings = Settings()
    if index_dir is not None:
        settings = settings.model_copy(update={"index_dir": index_dir})
    return AssistantService(settings)


@click.group()
def main() -> None:
    """Answer questions about Korean SME support programs from indexed documents, with cited sources."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@index_option
def ingest(paths: tuple[Path, ...], index_dir: Path | None) -> None:
    """Index PDF, HWP, HWPX, Markdown and text files (folders are searched; files of other types in them are listed
    as skipped). Exits 1 if any file failed, or with one line when the index cannot be written or reached."""
    try:
        _ingest(_service(index_dir), paths)
    except (IndexNotWritable, StoreUnavailable) as exc:
        raise click.ClickException(str(exc)) from exc


def _ingest(service: AssistantService, paths: tuple[Path, ...]) -> None:
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=1, label="Indexing", file=sys.stderr)

    def progress(done: int, total: int, path: Path) -> None:
        if bar is not None:
            bar.length = total
            bar.update(1, current_item=path.name)

    report = service.ingest(paths, progress=progress)
    if bar is not None:
        bar.render_finish()
    click.echo(
        f"Indexed {len(report.indexed)} file(s): {report.pages} page(s), {report.chunks} chunk(s); "
        f"{len(report.unchanged)} unchanged; {len(report.skipped)} skipped; {len(report.failures)} failed."
    )
    for skipped in report.skipped:
        click.echo(f"SKIPPED {skipped.path}: {skipped.reason}", err=True)
    for failure in report.failures:
        click.echo(f"FAILED {failure.path}: {failure.reason}", err=True)
    if report.failures:
        sys.exit(1)


@main.command("copy-index")
@index_option
@click.option("--host", required=True, help="The Chroma server's host.")
@click.option("--port", type=int, default=8000, show_default=True, help="The Chroma server's port.")
def copy_index(index_dir: Path | None, host: str, port: int) -> None:
    """Copy the embedded index (the index folder) onto a Chroma server, vectors included, so a deployment can serve
    it with ASSISTANT_STORE__KIND=chroma-http without indexing again."""
    settings = Settings()
    folder = index_dir or settings.index_dir
    if not folder.is_dir():
        raise click.UsageError(f"no index at {folder}: run 'assistant ingest' first")
    embeddings = make_embeddings(settings.embeddings)
    local = ChunkStore(settings.store.model_copy(update={"kind": "chroma-local"}), folder, embeddings)
    server_settings = settings.store.model_copy(update={"kind": "chroma-http", "host": host, "port": port})
    try:
        copied = local.copy_to(ChunkStore(server_settings, folder, embeddings))
    except StoreUnavailable as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Copied {copied} chunk(s) from {folder} to the Chroma server at {host}:{port}.")


@main.command()
@click.argument("question")
@index_option
@click.option("--history", "history_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help='Earlier turns as JSON: [{"role": "user"|"assistant", "content": "..."}], oldest first.')
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the eval result shape).")
def ask(question: str, index_dir: Path | None, history_path: Path | None, as_json: bool) -> None:
    """Answer one question (a follow-up, given --history) with cited sources."""
    history = _history(history_path) if history_path else []
    service = _service(index_dir)
    start = time.perf_counter()
    try:
        answer = service.ask(question, [Utterance(turn["role"], turn["content"]) for turn in history])
    except QuestionError as exc:
        raise click.UsageError(str(exc)) from exc
    if as_json:
        case = Case(id="cli", question=question, answerable=True)
        click.echo(json.dumps(result_line(case, answer, (time.perf_counter() - start) * 1000), ensure_ascii=False))
        return
    click.echo(answer.text)
    if answer.note:
        click.echo(f"\n{answer.note}")
    for c in answer.citations:
        page = f", p.{c.page}" if c.page is not None else ""
        click.echo(f"\n[{c.number}] {c.source}{page}\n    \"{c.snippet}\"")


def _history(path: Path) -> list[dict]:
    try:
        turns = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"{path}: not valid JSON ({exc})", param_hint="--history") from exc
    if not isinstance(turns, list) or any(
        not isinstance(t, dict) or t.get("role") not in {"user", "assistant"} or not isinstance(t.get("content"), str)
        for t in turns
    ):
        raise click.BadParameter(f'{path}: use [{{"role": "user"|"assistant", "content": "..."}}, ...]', param_hint="--history")
    return turns


def _thresholds(values: tuple[str, ...]) -> dict[str, float]:
    thresholds = {}
    for value in values:
        name, _, number = value.partition("=")
        name = name.strip()
        if name not in METRIC_NAMES:
            raise click.BadParameter(f"unknown metric '{name}'; known: {', '.join(METRIC_NAMES)}", param_hint="--fail-under")
        try:
            thresholds[name] = float(number)
        except ValueError:
            raise click.BadParameter(f"'{value}': use METRIC=NUMBER, e.g. top1_source=0.9", param_hint="--fail-under") from None
    return thresholds


@main.command(name="eval")
@click.argument("suites", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@index_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write result lines (JSONL); baselines go beside it as OUT.<baseline>.jsonl.")
@click.option("--fail-under", "fail_under", multiple=True, metavar="METRIC=VALUE",
              help="Exit 1 when a metric over all cases is below VALUE (repeatable), e.g. top1_source=0.9.")
@click.option("--compare", is_flag=True,
              help="Also run the baselines (bm25-whitespace, bm25-kiwi, dense, tutorial) and print a side-by-side table.")
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Documents the tutorial baseline indexes (default: ASSISTANT_CORPUS_DIR or ./corpus).")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write report.md and report.html (charts, groups, failed cases) into this folder.")
def evaluate(
    suites: tuple[Path, ...], index_dir: Path | None, out: Path, fail_under: tuple[str, ...], compare: bool,
    corpus: Path | None, report_dir: Path | None,
) -> None:
    """Run answer-quality suites (JSONL) and print their metrics; eligibility suites (lines with a 'verdict') are
    run against the program cards and reported apart."""
    thresholds = _thresholds(fail_under)
    eligibility_suites = [p for p in suites if is_eligibility_suite(p)]
    suites = tuple(p for p in suites if p not in eligibility_suites)
    service = _service(index_dir)
    if eligibility_suites:
        _evaluate_eligibility(service, eligibility_suites, out)
    if not suites:
        return
    try:
        cases = load_suites(suites)
    except SuiteError as exc:
        raise click.UsageError(str(exc)) from exc
    systems = {"assistant": service}
    with tempfile.TemporaryDirectory() as scratch:
        if compare:
            corpus_dir = corpus or service.settings.corpus_dir
            systems.update(baseline_services(service.settings, [corpus_dir], Path(scratch)))
        runs = {name: run_suite(cases, system.stream) for name, system in systems.items()}
    for name, results in runs.items():
        write_results(results, out if name == "assistant" else out.with_name(f"{out.stem}.{name}{out.suffix}"))
    report = Report(
        suites=[p.name for p in suites],
        systems={name: {g: metrics(r) for g, r in groups(results).items()} for name, results in runs.items()},
        failures=[(c, r, why) for c, r in runs["assistant"] if (why := failure_reasons(c, r))],
    )
    if compare:
        click.echo(comparison_table(report))
    else:
        for name, value in report.systems["assistant"]["all"].items():
            click.echo(f"{name:24} {'-' if value is None else value}")
    if report_dir is not None:
        report_dir.mkdir(parents=True, exist_ok=True)
        (report_dir / "report.md").write_text(render_markdown(report), encoding="utf-8")
        (report_dir / "report.html").write_text(render_html(report), encoding="utf-8")
        click.echo(f"Report: {report_dir / 'report.md'}, {report_dir / 'report.html'}")
    overall = report.systems["assistant"]["all"]
    below = [f"{m} {overall[m]} < {limit}" for m, limit in thresholds.items() if overall[m] is None or overall[m] < limit]
    for line in below:
        click.echo(f"BELOW THRESHOLD: {line}", err=True)
    if below:
        sys.exit(1)


def _evaluate_eligibility(service: AssistantService, paths: list[Path], out: Path) -> None:
    try:
        cases = load_eligibility_suites(paths, service.cards)
    except SuiteError as exc:
        raise click.UsageError(str(exc)) from exc
    lines = run_eligibility(cases, service)
    problems = citation_problems(service.cards, service.settings.corpus_dir, service.settings.ingest)
    target = out.with_name(f"{out.stem}.eligibility{out.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    click.echo(f"Eligibility ({', '.join(p.name for p in paths)}; results: {target})")
    for name, value in eligibility_metrics(lines, service.cards, problems).items():
        click.echo(f"{name:28} {'-' if value is None else value}")
    for line in lines:
        if not line["correct"] or not line.get("profile_right", True):
            click.echo(f"WRONG {line['id']}: {line['program']} expected {line['expected']}, got {line['verdict']}"
                       + (f"; profile read {line['profile_read']}" if "profile_read" in line else ""))
    for problem in problems:
        click.echo(f"BAD CITATION {problem}")


@main.command()
@click.option("--profile", "profile_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Company profile (JSON object; fields in the README, any subset).")
@click.option("--program", "programs", multiple=True, help="Only this program id (repeatable); default: all, ranked.")
@click.option("--language", type=click.Choice(["ko", "en"]), default="ko", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list, one object per program.")
def match(profile_path: Path, programs: tuple[str, ...], language: str, as_json: bool) -> None:
    """Which support programs a company qualifies for, with one cited line per criterion."""
    settings = Settings()
    try:
        cards = load_cards(settings.programs_dir)
        profile = Profile.model_validate_json(profile_path.read_text(encoding="utf-8"))
    except CardError as exc:
        raise click.ClickException(str(exc)) from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'profile'}: {e['msg']}" for e in exc.errors())
        raise click.ClickException(f"{profile_path}: {problems}") from exc
    unknown = sorted(set(programs) - {card.id for card in cards})
    if unknown:
        raise click.BadParameter(f"no card for {', '.join(unknown)}", param_hint="--program")
    assessments = match_programs(cards, profile, programs)
    if as_json:
        click.echo(json.dumps([a.to_dict(language) for a in assessments], ensure_ascii=False, indent=2))
        return
    for a in assessments:
        click.echo(f"{a.card.id}: {a.verdict}")
        for line in a.to_dict(language)["criteria"]:
            page = f", p.{line['citation']['page']}" if line["citation"]["page"] is not None else ""
            click.echo(f"  [{line['status']}] {line['criterion']} ({line['citation']['source']}{page})")
        if question := a.next_question(language):
            click.echo(f"  ? {question}")


@main.group()
def cards() -> None:
    """Program cards (the YAML files eligibility answers come from)."""


@cards.command(name="check")
def check_cards() -> None:
    """Validate every card and find each criterion's quote in its document. Exits 1 on any problem."""
    settings = Settings()
    try:
        found = load_cards(settings.programs_dir)
    except CardError as exc:
        raise click.ClickException(str(exc)) from exc
    problems = citation_problems(found, settings.corpus_dir, settings.ingest)
    for problem in problems:
        click.echo(f"BAD CITATION {problem}", err=True)
    criteria = sum(len(card.criteria) for card in found)
    click.echo(f"{len(found)} card(s), {criteria} criteria, {criteria - len(problems)} citation(s) found in their documents.")
    if problems:
        sys.exit(1)


@cards.command(name="draft")
@click.argument("notice", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "card_id", default=None, help="The program id (default: the notice's file name).")
def draft(notice: Path, card_id: str | None) -> None:
    """Propose a card from a notice (PDF, HWP, HWPX, Markdown, text) for staff to review: its eligibility clauses as
    criteria with their quotes; everything it cannot tell is TODO."""
    import yaml

    settings = Settings()
    try:
        card = draft_card(notice, card_id or re.sub(r"[^a-z0-9]+", "-", notice.stem.lower()).strip("-"), settings.ingest)
    except IngestError as exc:
        raise click.ClickException(f"{notice}: {exc}") from exc
    click.echo(yaml.safe_dump(card, allow_unicode=True, sort_keys=False, width=120), nl=False)


@main.command()
@index_option
@click.option("--port", type=int, default=None, help="Port (default: ASSISTANT_UI__PORT or 7860).")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
def serve(index_dir: Path | None, port: int | None, host: str | None) -> None:
    """Start the web UI."""
    from assistant_ui.server import serve as serve_app

    service = _service(index_dir)
    ui = service.settings.ui
    serve_app(service, host or ui.host, port or ui.port)


if __name__ == "__main__":
    main()
