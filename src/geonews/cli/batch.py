"""Commands added to the `geonews` group by this module (see cli.py): ``geonews geoparse``."""

from __future__ import annotations

import sys

import click

from geonews.cli.app import friendly_errors, main


def _open_input(path: str):
    if path == "-":
        return sys.stdin.buffer, None
    with open(path, "rb") as fh:
        total = sum(1 for line in fh if line.strip())
    return open(path, "rb"), total


@main.command("geoparse")
@click.argument("corpus", type=click.Path(allow_dash=True, dir_okay=False, exists=True))
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    type=click.Path(allow_dash=True, dir_okay=False, writable=True),
    help="JSONL file to write; '-' writes standard output.",
)
@click.option(
    "--lang",
    metavar="CODE",
    help='Language of records without a "lang" field; detected per record if omitted.',
)
@click.option(
    "-j",
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(min=0),
    help="Worker processes (0: one per CPU).",
)
@click.option(
    "--join",
    type=click.Choice(["gazetteer", "spatial"]),
    default="gazetteer",
    show_default=True,
    help="Admin-1 from the GeoNames code (fast) or from the shipped polygons.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on standard error (default: when it is a terminal).",
)
@friendly_errors
def geoparse_command(corpus, output, lang, jobs, join, progress):
    """Geoparse CORPUS, a JSONL file of {"id", "text"} records ('-' reads
    standard input): one JSON line out per record, in the same order, with its
    places and events. A malformed record gives {"id", "error"} and the run
    goes on. See docs/batch.md for the output schema."""
    from tqdm import tqdm

    from geonews.batch import geoparse_jsonl

    src, total = _open_input(corpus)
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    errors = n = 0
    try:
        disable = None if progress is None else not progress  # None: only on a terminal
        with tqdm(total=total, unit=" articles", file=sys.stderr, disable=disable) as bar:
            for line, failed in geoparse_jsonl(src, lang=lang, join=join, jobs=jobs):
                out.write(line)
                out.write("\n")
                n += 1
                errors += failed
                bar.update(1)
    finally:
        if out is not sys.stdout:
            out.close()
        if src is not sys.stdin.buffer:
            src.close()
    if output != "-" or errors:
        click.echo(
            f"Geoparsed {n} record{'s' * (n != 1)}"
            + (f", {errors} with errors" if errors else "")
            + (f" into {output}." if output != "-" else "."),
            err=True,
        )
