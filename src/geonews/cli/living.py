"""Commands of the living map: ``ingest``, ``render``, ``watch`` and ``events``.

Each parses its options and calls one library function (:func:`geonews.living.ingest.ingest`,
:func:`geonews.living.render.render_store`, :func:`geonews.living.render.watch`,
:func:`geonews.living.export.export_events`) on the store named by ``--db``.
"""

from __future__ import annotations

import sys

import click

from geonews.cli.app import friendly_errors, main, offline_or_cdn, page_options
from geonews.model import EVENT_TYPES  # already imported by the package: free for --help

_FORMATS = ("geojson", "csv", "gpkg", "jsonl")


def db_option(func):
    """``--db PATH``: the event store (default ``geonews.db``, or ``$GEONEWS_DB``)."""
    return click.option(
        "--db",
        "db",
        envvar="GEONEWS_DB",
        default="geonews.db",
        show_default=True,
        show_envvar=True,
        type=click.Path(dir_okay=False),
        help="Event store (SQLite file).",
    )(func)


def filter_options(func, with_lang: bool = True):
    """The event filters shared by ``render``, ``watch`` and ``events``."""
    options = [
        click.option(
            "--since", metavar="YYYY-MM-DD", help="Events on or after this date (event date, else "
            "publication date).",
        ),
        click.option("--until", metavar="YYYY-MM-DD", help="Events on or before this date."),
        click.option(
            "--type", "types", multiple=True, type=click.Choice(list(EVENT_TYPES)),
            help="Event type (repeatable).",
        ),
        click.option(
            "--country", "countries", multiple=True, metavar="CODE",
            help="Country: ISO code (UA) or English name (repeatable).",
        ),
        click.option(
            "--region", "regions", multiple=True, metavar="REGION",
            help="Admin-1 region: code (UA.08), ISO code (UA-65) or name (Kherson) (repeatable).",
        ),
        click.option(
            "--source", "source_filter", multiple=True, metavar="TEXT",
            help="Text in the article's source or URL, e.g. a site name (repeatable).",
        ),
        click.option(
            "--lang", "langs", multiple=True, metavar="CODE",
            help="Article language, e.g. fr (repeatable).",
        ),
    ]  # fmt: skip
    if not with_lang:  # watch's --lang is the language of the articles it reads
        options.pop()
    for option in reversed(options):
        func = option(func)
    return func


def watch_filter_options(func):
    """:func:`filter_options` without ``--lang``."""
    return filter_options(func, with_lang=False)


def _where(since, until, types, countries, regions, source_filter, langs):
    from geonews.living.query import EventFilter

    try:
        return EventFilter(
            since=since,
            until=until,
            types=types,
            countries=countries,
            regions=regions,
            sources=source_filter,
            langs=langs,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


def ingest_options(func):
    """Options for reading sources, shared by ``ingest`` and ``watch``."""
    options = [
        click.option(
            "-j", "--jobs", default=1, show_default=True, type=click.IntRange(1, 64),
            help="Worker processes analysing articles.",
        ),
        click.option(
            "--lang", "lang", metavar="CODE",
            help="Language of the articles (fr, en...); detected if omitted.",
        ),
        click.option(
            "--no-fetch", is_flag=True,
            help="Do not fetch feed entries' links; read their summaries instead.",
        ),
        click.option(
            "--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.1),
            help="Seconds to wait for a web server.",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def count_option(func):
    """``--count``: what the choropleth counts."""
    return click.option(
        "--count", "count", type=click.Choice(("incidents", "events")), default="incidents",
        show_default=True,
        help="What the regions' shading counts: incidents (the reports of one thing, "
        "grouped) or events (every report).",
    )(func)  # fmt: skip


def _store(db, create: bool):
    from geonews.living.store import Store

    return Store(db, create=create)


class _Progress:
    """A progress bar on stderr for multi-article ingests (only on a terminal)."""

    def __init__(self) -> None:
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if total < 2 or not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Ingesting", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def incident_options(func):
    """``--incident-km`` and ``--incident-days``: the incident rule's parameters."""
    options = [
        click.option(
            "--incident-km", type=click.FloatRange(0, 100), metavar="KM",
            help="Town-level reports at most this far apart are one place (stored with the "
            "store; default 3).",
        ),
        click.option(
            "--incident-days", type=click.IntRange(0, 30), metavar="DAYS",
            help="An undated report covers its publication day plus or minus DAYS (stored "
            "with the store; default 1). Changing either regroups the store.",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def _incident_rule(store, km, days):
    """The grouping parameters to set: the stored ones with the given options changed."""
    if km is None and days is None:
        return None
    from dataclasses import replace

    current = store.incident_options
    return replace(
        current, km=current.km if km is None else km, days=current.days if days is None else days
    )


@main.command("ingest")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@db_option
@ingest_options
@incident_options
@friendly_errors
def ingest_command(sources, db, jobs, lang, no_fetch, timeout, incident_km, incident_days):
    """Add articles and their events to the event store.

    SOURCE is an article file (.txt, .md, .html), a directory (read recursively),
    a JSONL corpus (one {"id", "text", "title", "url", "published", "lang"} object
    a line), an RSS/Atom feed (file or URL), a web page URL, or '-' for standard
    input. Articles already stored (same URL, else same text) are skipped; a
    changed article at a known URL replaces its events. Exits with 1 if any
    article failed, after ingesting the others.

    Events of one type at one place on overlapping days are grouped into
    incidents as they arrive (see --incident-km and --incident-days).
    """
    from geonews.living.ingest import ingest
    from geonews.read.fetch import Fetcher

    progress = _Progress()
    with _store(db, create=True) as store:
        try:
            report = ingest(
                sources, store, jobs=jobs, lang=lang, fetch_links=not no_fetch,
                fetcher=Fetcher(timeout=timeout), progress=progress,
                incidents=_incident_rule(store, incident_km, incident_days),
            )  # fmt: skip
        finally:
            progress.close()
        stats = store.stats()
    for _, reason in report.failed:
        click.echo(f"Failed: {reason}", err=True)
    click.echo(
        f"Ingested {report.total:,} article{'s' * (report.total != 1)} into {db} in "
        f"{report.seconds:.1f} s: {report.summary()}. "
        f"The store holds {stats.articles:,} articles and {stats.events:,} events "
        f"in {stats.incidents:,} incidents."
    )
    if report.failed:
        sys.exit(1)


@main.command("render")
@click.option(
    "-o", "--output", default="maps/latest.html", show_default=True,
    type=click.Path(dir_okay=False), help="HTML file to write (atomically).",
)  # fmt: skip
@click.option("--title", help="Title of the map.")
@count_option
@page_options
@db_option
@filter_options
@friendly_errors
def render_command(output, title, count, tiles, offline, cdn, fragment, db, since, until, types,
                   countries, regions, source_filter, langs):  # fmt: skip
    """Draw the stored incidents as a map with a timeline slider per event type.
    One mark per incident, its popup listing every source. The page works without
    a network unless --cdn. The same store, filters and options give
    byte-identical HTML."""
    from geonews.living.render import render_store

    offline_or_cdn(offline, cdn)
    where = _where(since, until, types, countries, regions, source_filter, langs)
    with _store(db, create=False) as store:
        result = render_store(
            store, output, where=where, title=title, tiles=tiles, offline=offline, cdn=cdn,
            fragment=fragment, count=count,
        )  # fmt: skip
    click.echo(result.summary())


@main.command("watch")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@click.option(
    "--every", default="10m", show_default=True, metavar="INTERVAL",
    help="Time between cycles: 30s, 10m, 1h...",
)  # fmt: skip
@click.option(
    "-o", "--output", default="maps/latest.html", show_default=True,
    type=click.Path(dir_okay=False), help="HTML file to keep up to date.",
)  # fmt: skip
@click.option("--title", help="Title of the map.")
@count_option
@page_options
@click.option("--max-cycles", type=click.IntRange(1), help="Stop after this many cycles.")
@db_option
@ingest_options
@watch_filter_options
@friendly_errors
def watch_command(sources, every, output, title, count, tiles, offline, cdn, fragment, max_cycles, db,
                  jobs, lang, no_fetch, timeout, since, until, types, countries, regions,
                  source_filter):  # fmt: skip
    """Ingest SOURCEs (directories, feeds, URLs, files) every INTERVAL and re-render
    the map when something changed; one log line per cycle; Ctrl-C stops."""
    from geonews.living.render import parse_interval, watch
    from geonews.read.fetch import Fetcher

    offline_or_cdn(offline, cdn)
    try:
        seconds = parse_interval(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from exc
    where = _where(since, until, types, countries, regions, source_filter, ())
    with _store(db, create=True) as store:
        result = watch(
            sources, store, output, every=seconds, where=where, title=title,
            tiles=tiles, offline=offline, cdn=cdn, fragment=fragment, max_cycles=max_cycles,
            count=count, echo=lambda line: click.echo(line, err=False), jobs=jobs, lang=lang,
            fetch_links=not no_fetch, fetcher=Fetcher(timeout=timeout),
        )  # fmt: skip
    if result.interrupted:
        sys.exit(130)


@main.command("events")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(_FORMATS),
    help="Output format (default: from the output file's extension, else geojson).",
)  # fmt: skip
@click.option(
    "-o", "--output", default="-", show_default=True, type=click.Path(dir_okay=False),
    help="File to write, or '-' for standard output (not for gpkg).",
)  # fmt: skip
@click.option(
    "--raw", is_flag=True,
    help="Export every event (one per report) instead of the incidents.",
)  # fmt: skip
@db_option
@filter_options
@friendly_errors
def events_command(fmt, output, raw, db, since, until, types, countries, regions, source_filter,
                   langs):  # fmt: skip
    """Export the stored incidents as GeoJSON, CSV, GeoPackage or JSONL: one per incident,
    with its incident_id, n_sources and events. With --raw, export the events
    (CSV with ACLED column names)."""
    from geonews.living.export import export_events, export_incidents, format_from_path

    where = _where(since, until, types, countries, regions, source_filter, langs)
    if fmt is None:
        fmt = (format_from_path(output) if output != "-" else None) or "geojson"
    if fmt == "gpkg" and output == "-":
        raise click.UsageError("a GeoPackage must be written to a file: use -o events.gpkg")
    with _store(db, create=False) as store:
        result = (export_events if raw else export_incidents)(store, output, fmt, where)
    if result.path is not None:
        what = "event" if raw else "incident"
        click.echo(f"Wrote {result.count:,} {what}{'s' * (result.count != 1)} to {result.path}.")
