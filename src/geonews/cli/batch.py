"""Commands added to the `geonews` group by this module (see cli/app.py): ``geonews geoparse``."""

from __future__ import annotations

import os
import stat
import sys

import click

from geonews.cli.app import friendly_errors, main

#: Exit status of ``geonews geoparse`` when the input had records and none of them could
#: be geoparsed (as for a fatal error; README.md, "Exit codes").
EXIT_ALL_FAILED = 1
#: The most numbers of bad lines the summary names.
_SHOWN_LINES = 10


def _open_input(path: str):
    """The input as a binary stream, and its number of records when it can be counted
    beforehand: only a regular file can be read twice (not a pipe or a FIFO)."""
    if path == "-":
        return sys.stdin.buffer, None
    src = open(path, "rb")  # noqa: SIM115
    if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
        return src, None
    with open(path, "rb") as fh:
        total = sum(1 for line in fh if line.strip())
    return src, total


def _summary(n: int, errors: int, bad: list[int], output: str) -> str:
    """One line: how many records, how many bad, and the first bad ones' input lines."""
    lines = ", ".join(map(str, bad[:_SHOWN_LINES])) + (", ..." if errors > _SHOWN_LINES else "")
    return (
        f"Geoparsed {n} record{'s' * (n != 1)}"
        + (f", {errors} with errors (line{'s' * (errors != 1)} {lines})" if errors else "")
        + (f" into {output}." if output != "-" else ".")
    )


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
    goes on; the exit status is 1 when every record is malformed. See
    docs/batch.md for the output schema."""
    from tqdm import tqdm

    from geonews.batch import numbered_jsonl

    src, total = _open_input(corpus)
    out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
    errors = n = 0
    bad: list[int] = []  # the first bad lines' numbers
    try:
        disable = None if progress is None else not progress  # None: only on a terminal
        with tqdm(total=total, unit=" articles", file=sys.stderr, disable=disable) as bar:
            for number, line, failed in numbered_jsonl(src, lang=lang, join=join, jobs=jobs):
                out.write(line)
                out.write("\n")
                n += 1
                if failed:
                    errors += 1
                    if len(bad) < _SHOWN_LINES:
                        bad.append(number)
                bar.update(1)
    finally:
        if out is not sys.stdout:
            out.close()
        if src is not sys.stdin.buffer:
            src.close()
    if output != "-" or errors or not n:
        click.echo(_summary(n, errors, bad, output), err=True)
    if n and errors == n:
        sys.exit(EXIT_ALL_FAILED)
