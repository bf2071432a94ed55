"""Pipeline commands: ingest, serve, analyze, reprocess."""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import datetime
from typing import Annotated

import typer

from newsflow.cli.app import ConfigOpt, DbOpt, app, fail, settings_or_exit
from newsflow.config.settings import DEFAULT_CONFIG_PATH, Settings


def interrupt_on_sigterm() -> None:
    """Make SIGTERM end the command the way Ctrl-C does (KeyboardInterrupt), so every
    ``finally`` and ``with`` runs: the run is recorded, worker pools and Prefect's temporary
    server are stopped. Further SIGTERMs while shutting down are ignored."""

    def handler(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


@app.command()
def ingest(
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
    verbose: Annotated[
        bool | None,
        typer.Option(
            "--progress/--quiet",
            help="One line per stage on stderr; default: on in a terminal, off otherwise.",
        ),
    ] = None,
    poll_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Poll every enabled feed now, not only those due ([polling] schedule).",
        ),
    ] = False,
) -> None:
    """Poll the feeds that are due and load new stories (one Prefect flow run).

    Each feed is polled about as often as it publishes (see [polling]); --all polls every
    enabled feed now. Pages left by earlier runs (failed, interrupted) are fetched too.
    Prints one summary line at the end; in a terminal also one line per stage as it goes.
    Example: newsflow ingest --config config/feeds.toml
    """
    # Prefect's per-task INFO lines are for the UI; the terminal gets our stage lines. Set
    # before the config is validated: that imports Prefect, which sets up logging on import.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    settings = settings_or_exit(config, db, ingesting=True)
    interactive = sys.stderr.isatty() if verbose is None else verbose
    from newsflow.flows import progress
    from newsflow.flows.ingest import run_ingest as ingest_flow

    def show(stage: str, message: str) -> None:
        typer.echo(f"[{stage}] {message}", err=True)

    if interactive:
        progress.add_listener(show)
    from prefect.exceptions import TerminationSignal

    from newsflow.warehouse.db import WarehouseError, ingest_lock, refuse_old

    interrupt_on_sigterm()
    try:
        refuse_old(settings.warehouse.path)
        with ingest_lock(settings.warehouse.path):  # fail fast, before Prefect logs a crash
            pass
        summary = ingest_flow(
            config_path=str(config), db_path=str(settings.warehouse.path), poll_all=poll_all
        )
    except WarehouseError as exc:  # another run, disk full, read-only folder...
        raise fail(str(exc)) from None
    except (KeyboardInterrupt, TerminationSignal):
        raise fail("interrupted: the run was recorded as 'interrupted'", code=130) from None
    finally:
        progress.remove_listener(show)
    if summary.publish_error:  # the run is recorded failed; the old snapshot stays whole
        raise fail(summary.publish_error)
    typer.echo(
        f"feeds: {summary.feeds_polled} polled ({summary.feeds_not_due} not due), "
        f"{summary.feeds_unchanged} unchanged, "
        f"{summary.feeds_failed} failed | new items: {summary.new_items} | "
        f"articles stored: {summary.articles_stored} | failed fetches: {summary.fetch_failures} | "
        f"mentions: {summary.mentions} | quotes: {summary.quotes} | {summary.seconds:.1f} s"
    )


@app.command()
def serve(config: ConfigOpt = DEFAULT_CONFIG_PATH, db: DbOpt = None) -> None:
    """Run ingest on the configured schedule until stopped (Ctrl-C).

    Uses PREFECT_API_URL when set, else starts a local Prefect server (UI link printed).
    Example: newsflow serve --config config/feeds.toml
    """
    settings = settings_or_exit(config, db, ingesting=True)
    interrupt_on_sigterm()
    from newsflow.flows.server import prefect_api

    try:
        with prefect_api():
            from newsflow.flows.serve import serve_ingest

            serve_ingest(settings, config)
    except KeyboardInterrupt:
        typer.echo("newsflow serve: stopped", err=True)
    except RuntimeError as exc:
        raise fail(str(exc)) from None


@app.command()
def analyze(
    file: Annotated[str, typer.Argument(help="A text file, or - for standard input.")],
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help='Input is JSON lines {"id", "text"}; output too.')
    ] = False,
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
) -> None:
    """Print the entities and quotes of a text as JSON (the flow's own NLP code path).

    Reads no warehouse: --db is accepted (and ignored) so every command takes the same flags.
    Example: newsflow analyze article.txt | jq .quotes
    """
    from dataclasses import asdict

    from newsflow.tasks.nlp.pipeline import analyze_texts
    from newsflow.tasks.text import join_surrogates

    settings = settings_or_exit(config, None) if config.exists() else Settings()
    stream = sys.stdin if file == "-" else None
    try:
        # a byte that is no UTF-8 reads as U+FFFD, one character for one, as offsets need
        handle = stream or open(file, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        raise fail(f"{file}: {exc.strerror}") from None
    with handle:
        if not jsonl:
            [analysis] = analyze_texts(
                [join_surrogates(handle.read())],
                model=settings.nlp.model,
                models=settings.nlp.models,
            )
            typer.echo(json.dumps(_analysis_json(asdict(analysis)), ensure_ascii=False, indent=2))
            return
        records = []
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                # JSON may escape a lone surrogate ("\ud800"): U+FFFD, offsets unchanged
                records.append((record["id"], join_surrogates(str(record["text"]))))
            except (json.JSONDecodeError, KeyError, TypeError):
                raise fail(f'{file}:{number}: expected {{"id": ..., "text": ...}}') from None
    batch = 64
    for start in range(0, len(records), batch):
        chunk = records[start : start + batch]
        analyses = analyze_texts(
            [text for _, text in chunk],
            model=settings.nlp.model,
            models=settings.nlp.models,
            batch_size=settings.nlp.batch_size,
        )
        for (record_id, _), analysis in zip(chunk, analyses, strict=True):
            out = {"id": record_id, **_analysis_json(asdict(analysis))}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


@app.command()
def reprocess(
    config: ConfigOpt = DEFAULT_CONFIG_PATH,
    db: DbOpt = None,
    since: Annotated[
        datetime | None,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
            help="Only articles published (else fetched) on or after this date (UTC).",
        ),
    ] = None,
    outdated: Annotated[
        bool,
        typer.Option(
            "--outdated",
            help="Skip articles whose rows already come from the current rules and model.",
        ),
    ] = False,
) -> None:
    """Re-run entity and quote extraction on stored article text (no refetch).

    For after the rules or the spaCy model changed: each batch's mentions and quotes are
    replaced in one transaction, then the snapshot is published. Rows record the rules'
    version and the model (extractor_version, model).
    Example: newsflow reprocess --since 2025-06-01
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # before Prefect is imported
    settings = settings_or_exit(config, db)
    from newsflow.warehouse.db import WarehouseError, ingest_lock, refuse_old
    from newsflow.warehouse.lake import location

    published = settings.warehouse.path
    try:
        refuse_old(published)
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    if not location(published).exists():
        raise fail(f"{published}: no warehouse yet (run `newsflow ingest` first)")
    from newsflow.flows.reprocess import reprocess as reprocess_flow

    interrupt_on_sigterm()
    try:
        with ingest_lock(published):  # fail fast, before Prefect logs a crash
            pass
        summary = reprocess_flow(
            config_path=str(config), db_path=str(published), since=since, only_outdated=outdated
        )
    except WarehouseError as exc:
        raise fail(str(exc)) from None
    except KeyboardInterrupt:
        raise fail("interrupted", code=130) from None
    typer.echo(
        f"reprocessed: {summary.articles} articles in {summary.batches} batches | "
        f"mentions: {summary.mentions_before} -> {summary.mentions_after} | "
        f"quotes: {summary.quotes_before} -> {summary.quotes_after} | "
        f"{summary.extractor_version}, {summary.model} | {summary.seconds:.1f} s"
    )


def _analysis_json(analysis: dict) -> dict:
    return {"entities": analysis["mentions"], "quotes": analysis["quotes"]}
