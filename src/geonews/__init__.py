"""geonews: find the places a war-news article talks about, what happened there, and map it.

The pipeline, one package per stage (see the README's Architecture section)::

    read → language → gazetteer → geoparse → events → regions → living (store) → render

The public API is importable from here; heavy modules load on first use::

    import geonews
    events = geonews.extract("Frappes aériennes près de Kherson ...", lang="fr")
    m = geonews.build_map(events)
    m.save("maps/kherson.html")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from geonews.errors import (
    BoundaryError,
    FetchError,
    GazetteerError,
    GeonewsError,
    LexiconError,
    ReadError,
    RenderError,
    StoreError,
)
from geonews.model import Article, Event, Mention, Place, Quantity, Region

_LAZY = {
    "extract": "pipeline",
    "analyse": "pipeline",
    "make_map": "pipeline",
    "Analysis": "pipeline",
    "find_places": "geoparse",
    "read_article": "read.articles",
    "read_articles": "read.articles",
    "article_from_text": "read.articles",
    "article_from_html": "read.articles",
    "build_map": "render.map",
    "save_map": "render.map",
    "load_gazetteer": "gazetteer.index",
    "join_regions": "regions",
}

if TYPE_CHECKING:  # pragma: no cover
    from geonews.gazetteer.index import load_gazetteer
    from geonews.geoparse import find_places
    from geonews.pipeline import Analysis, analyse, extract, make_map
    from geonews.read.articles import (
        article_from_html,
        article_from_text,
        read_article,
        read_articles,
    )
    from geonews.regions import join_regions
    from geonews.render.map import build_map, save_map


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("geonews")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def __getattr__(name: str):
    if name == "__version__":  # looked up on first use: importlib.metadata is slow to load
        value = globals()[name] = _version()
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'geonews' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Analysis",
    "Article",
    "BoundaryError",
    "Event",
    "FetchError",
    "GazetteerError",
    "GeonewsError",
    "LexiconError",
    "Mention",
    "Place",
    "Quantity",
    "ReadError",
    "Region",
    "RenderError",
    "StoreError",
    "analyse",
    "article_from_html",
    "article_from_text",
    "build_map",
    "extract",
    "find_places",
    "join_regions",
    "load_gazetteer",
    "make_map",
    "read_article",
    "read_articles",
    "save_map",
]
