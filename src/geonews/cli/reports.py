"""Commands for putting maps into reports: ``geonews snapshot`` and ``geonews iframe``."""

from __future__ import annotations

import time

import click

from geonews.cli.app import friendly_errors, main


@main.command("snapshot")
@click.argument("map_file", metavar="MAP.html", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="PNG file to write (default: MAP with .png).",
)
@click.option("--size", default="1600x1000", show_default=True, help="Viewport, WIDTHxHEIGHT.")
@click.option(
    "--scale", default=1.0, show_default=True, type=float, help="Pixel ratio (2 for print)."
)
@click.option(
    "--timeout", default=60.0, show_default=True, type=float, help="Seconds to wait for drawing."
)
@friendly_errors
def snapshot_command(map_file, output, size, scale, timeout):
    """Save a PNG of MAP.html with headless Chromium, once the map has finished drawing."""
    from pathlib import Path

    from geonews.render.snapshot import parse_size, snapshot

    try:
        parse_size(size)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--size") from exc
    output = output or str(Path(map_file).with_suffix(".png"))
    start = time.monotonic()
    path = snapshot(map_file, output, size=size, scale=scale, timeout=timeout)
    click.echo(f"Wrote {path} ({size}) in {time.monotonic() - start:.1f} s.")


@main.command("iframe")
@click.argument("map_file", metavar="MAP.html", type=click.Path(dir_okay=False))
@click.option("--src", metavar="URL", help="URL of the map as the report sees it (default: path).")
@click.option("--height", default="600px", show_default=True, help="CSS height of the frame.")
@click.option("--title", default="geonews map", show_default=True, help="Frame title.")
@friendly_errors
def iframe_command(map_file, src, height, title):
    """Print a sandboxed <iframe> snippet that embeds an existing MAP.html in a report."""
    from geonews.render.offline import iframe_snippet

    try:
        click.echo(iframe_snippet(map_file, src=src, title=title, height=height), nl=False)
    except ValueError as exc:  # the height; a missing file is a RenderError
        raise click.BadParameter(str(exc), param_hint="--height") from exc
