"""``python -m geonews.cli``: the ``geonews`` command."""

from geonews.cli import main

main()
