"""The `assistant` command: ingest, ask, eval, serve. Each command builds the service and renders what it returns."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import click

from .config import Settings
from .baselines import baseline_services
from .evaluation import Case, SuiteError, load_suites, result_line, run_suite, write_results
from .metrics import METRIC_NAMES, failure_reasons, groups, metrics
from .report import Report, comparison_table, render_html, render_markdown
from .question import QuestionError
from .service import AssistantService

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
    as skipped). Exits 1 if any file failed."""
    service = _service(index_dir)
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


@main.command()
@click.argument("question")
@index_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the eval result shape).")
def ask(question: str, index_dir: Path | None, as_json: bool) -> None:
    """Answer one question with cited sources."""
    service = _service(index_dir)
    start = time.perf_counter()
    try:
        answer = service.ask(question)
    except QuestionError as exc:
        raise click.UsageError(str(exc)) from exc
    if as_json:
        case = Case(id="cli", question=question, answerable=True)
        click.echo(json.dumps(result_line(case, answer, (time.perf_counter() - start) * 1000), ensure_ascii=False))
        return
    click.echo(answer.text)
    for c in answer.citations:
        page = f", p.{c.page}" if c.page is not None else ""
        click.echo(f"\n[{c.number}] {c.source}{page}\n    \"{c.snippet}\"")


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
    """Run answer-quality suites (JSONL) and print their metrics."""
    thresholds = _thresholds(fail_under)
    try:
        cases = load_suites(suites)
    except SuiteError as exc:
        raise click.UsageError(str(exc)) from exc
    service = _service(index_dir)
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


@main.command()
@index_option
@click.option("--port", type=int, default=None, help="Port (default: ASSISTANT_UI__PORT or 7860).")
@click.option("--host", default=None, help="Address to listen on (default 127.0.0.1).")
def serve(index_dir: Path | None, port: int | None, host: str | None) -> None:
    """Start the web UI."""
    from assistant_ui.app import build_app

    service = _service(index_dir)
    ui = service.settings.ui
    build_app(service).launch(server_name=host or ui.host, server_port=port or ui.port)


if __name__ == "__main__":
    main()
