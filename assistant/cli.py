"""The `assistant` command: ingest, ask, eval, serve. Each command builds the service and renders what it returns."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .config import Settings
from .evaluation import SuiteError, load_suite, metrics, run_suite, write_results
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
    from .evaluation import Case, result_line

    service = _service(index_dir)
    try:
        answer = service.ask(question)
    except QuestionError as exc:
        raise click.UsageError(str(exc)) from exc
    if as_json:
        line = result_line(Case(id="cli", question=question, answerable=True), answer, 0.0)
        line.pop("latency_ms")
        click.echo(json.dumps(line, ensure_ascii=False))
        return
    click.echo(answer.text)
    for c in answer.citations:
        page = f", p.{c.page}" if c.page is not None else ""
        click.echo(f"\n[{c.number}] {c.source}{page}\n    \"{c.snippet}\"")


@main.command(name="eval")
@click.argument("suite", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@index_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Where to write result lines (JSONL).")
def evaluate(suite: Path, index_dir: Path | None, out: Path) -> None:
    """Run an answer-quality suite (JSONL) and print its metrics."""
    try:
        cases = load_suite(suite)
    except SuiteError as exc:
        raise click.UsageError(str(exc)) from exc
    service = _service(index_dir)
    results = run_suite(cases, service.ask)
    write_results(results, out)
    for name, value in metrics(results).items():
        click.echo(f"{name:24} {value}")


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
