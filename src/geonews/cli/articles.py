"""``geonews map`` and ``geonews places``: the commands that read article files."""

from __future__ import annotations

import click

from geonews.cli.app import article_options, friendly_errors, main, offline_or_cdn, page_options


@main.command("map")
@click.argument("articles", nargs=-1, required=True, metavar="ARTICLE...")
@click.option(
    "-o",
    "--output",
    default="maps/geonews.html",
    show_default=True,
    type=click.Path(dir_okay=False, writable=True),
    help="HTML file to write.",
)
@page_options
@click.option("--iframe", is_flag=True, help="Also print an <iframe> snippet for the map file.")
@article_options
@friendly_errors
def map_command(
    articles, output, tiles, offline, cdn, fragment, iframe, title, url, published, lang
):
    """Make an HTML map of the places and events in ARTICLE files (.txt, .md,
    .html; '-' reads standard input). The page works without a network: its
    scripts are inlined and web tiles are drawn over shipped outlines. The same
    input gives byte-identical HTML."""
    from geonews.pipeline import make_map

    offline_or_cdn(offline, cdn)
    path, analyses = make_map(
        articles,
        output,
        lang=lang,
        title=title,
        url=url,
        published=published,
        tiles=tiles,
        offline=offline,
        cdn=cdn,
        fragment=fragment,
    )
    n_events = sum(len(a.events) for a in analyses)
    n_places = sum(len(a.places) for a in analyses)
    click.echo(
        f"Wrote {path}: {n_events} event{'s' * (n_events != 1)} at "
        f"{n_places} place{'s' * (n_places != 1)} from "
        f"{len(analyses)} article{'s' * (len(analyses) != 1)}."
    )
    if iframe:
        from geonews.render.offline import iframe_snippet

        click.echo(iframe_snippet(path), nl=False)


@main.command("places")
@click.argument("articles", nargs=-1, required=True, metavar="ARTICLE...")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per article.")
@article_options
@friendly_errors
def places_command(articles, as_json, title, url, published, lang):
    """List the places and events found in ARTICLE files, with their evidence."""
    import json

    from geonews.pipeline import read_and_analyse

    analyses = read_and_analyse(articles, lang, title=title, url=url, published=published)
    for a in analyses:
        if as_json:
            click.echo(json.dumps(a.to_dict(), ensure_ascii=False))
            continue
        click.echo(f"# {a.article.label} [{a.lang}]")
        if a.dateline is not None:
            click.echo(f"  dateline {a.dateline.text!r} → {a.dateline.place.name}")
        for m in a.places:
            region = f", {m.region.name}" if m.region else ""
            click.echo(
                f"  place  {m.text!r:<24} → {m.place.name} ({m.place.kind}{region}, "
                f"{m.place.country or '-'}) conf {m.confidence:.2f}"
            )
        for e in a.events:
            extra = []
            if e.origin:
                extra.append(f"from {e.origin.place.name}")
            if e.date_text:
                extra.append(e.date_text)
            if e.casualties:
                extra.append(f"{e.casualties} casualties")
            if e.quantities:
                extra.append(e.quantities[0].text)
            if e.place_from in ("earlier_sentence", "dateline"):
                extra.append(f"place from the {e.place_from.replace('_', ' ')}")
            more = f" ({'; '.join(extra)})" if extra else ""
            where = e.place.name if e.place is not None else "no place"
            click.echo(f"  event  {e.type:<15} @ {where} [{e.precision}]{more}")
