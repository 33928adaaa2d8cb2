"""The ``geonews`` command line: each command parses options and calls one library function.

Heavy modules (geopandas, folium, the gazetteer) are imported inside the
commands, so ``geonews --help`` stays fast.
"""

from __future__ import annotations

import functools
import sys

import click

from geonews.errors import GeonewsError


def friendly_errors(func):
    """Turn a GeonewsError, or an error the system gives (``OSError``: a permission,
    a full disk), into one ``Error: ...`` line on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except GeonewsError as exc:
            message = " ".join(str(exc).split())
            click.echo(f"Error: {message}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            raise  # the reader went away ("geonews places ... | head"): click ends quietly
        except OSError as exc:
            # what the system refused (a permission, a full disk): one line, not a traceback
            where = f": {exc.filename}" if exc.filename else ""
            click.echo(f"Error: {exc.strerror or exc}{where}", err=True)
            sys.exit(1)

    return wrapper


def article_options(func):
    """Options shared by the commands that read articles."""
    func = click.option(
        "--lang", metavar="CODE", help="Language of the articles (fr, en...); detected if omitted."
    )(func)
    func = click.option(
        "--published", metavar="YYYY-MM-DD", help="Publication date of the article."
    )(func)
    func = click.option("--url", metavar="URL", help="Source URL of the article.")(func)
    func = click.option("--title", help="Title of the article (and of the map).")(func)
    return func


def offline_or_cdn(offline: bool, cdn: bool) -> None:
    """The usage error of a page asked to be both."""
    if offline and cdn:
        raise click.UsageError("--offline and --cdn exclude each other")


def page_options(func):
    """``--tiles``, ``--offline``, ``--cdn`` and ``--fragment``: how a map page is made
    (``map``, ``render``, ``watch``)."""
    options = [
        click.option(
            "--tiles", default="auto", show_default=True,
            help="Tile provider name, URL template ({z}/{x}/{y}) or local tile directory, drawn "
            "over the shipped country/region outlines; 'none' for the outlines alone. 'auto': "
            "OpenStreetMap, or none with --offline.",
        ),
        click.option(
            "--offline", is_flag=True,
            help="No network at all: no web tiles, the shipped outlines only. (Every page is "
            "self-contained unless --cdn.)",
        ),
        click.option(
            "--cdn", is_flag=True,
            help="Link the page's scripts (Leaflet and its plugins) from their CDNs instead of "
            "inlining them: a smaller page that needs a network to show anything.",
        ),
        click.option(
            "--fragment", is_flag=True,
            help="Write an HTML fragment (a <div>) to paste into a report page.",
        ),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="geonews", prog_name="geonews")  # looked up on use
def main() -> None:
    """geonews: find the places a war-news article talks about, what happened
    there, and map it, offline.

    \b
    Quick start:
      geonews map article.txt -o maps/article.html
      geonews places article.txt
    """
