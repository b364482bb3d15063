"""The `assistant` command: ingest, ask, eval, serve. Each command builds the service and renders what it returns."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from .config import Settings
from .evaluation import METRIC_NAMES, Case, SuiteError, load_suite, metrics, result_line, run_suite, write_results
from .service import AssistantService, QuestionError

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
    """Index PDF, Markdown and text files (folders are searched). Exits 1 if any file failed."""
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
        f"{len(report.unchanged)} unchanged; {len(report.failures)} failed."
    )
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
@click.argument("suite", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@index_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write result lines (JSONL).")
@click.option("--fail-under", "fail_under", multiple=True, metavar="METRIC=VALUE",
              help="Exit 1 when a metric is below VALUE (repeatable), e.g. --fail-under top1_source=0.9.")
def evaluate(suite: Path, index_dir: Path | None, out: Path, fail_under: tuple[str, ...]) -> None:
    """Run an answer-quality suite (JSONL) and print its metrics."""
    thresholds = _thresholds(fail_under)
    try:
        cases = load_suite(suite)
    except SuiteError as exc:
        raise click.UsageError(str(exc)) from exc
    service = _service(index_dir)
    results = run_suite(cases, service.ask)
    write_results(results, out)
    summary = metrics(results)
    for name, value in summary.items():
        click.echo(f"{name:24} {value}")
    below = [f"{name} {summary[name]} < {limit}" for name, limit in thresholds.items() if summary[name] < limit]
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
