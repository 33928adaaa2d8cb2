"""The ``geonews`` command line. Takes options and files from the shell, gives maps,
tables and exports: each command parses its options and calls one library function.
``app`` holds the click group, the error handling and the shared options; the
command modules (``articles``, ``batch``, ``living``, ``reports``) register their
commands on that group when imported, and this package imports them all, so
``geonews.cli.main`` is the whole command line. Nothing here imports folium or
geopandas: the commands import what they need when they run.
"""

from geonews.cli import articles, batch, living, reports  # noqa: F401  (they register)
from geonews.cli.app import main

__all__ = ["main"]
