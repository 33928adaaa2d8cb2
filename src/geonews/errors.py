"""Exceptions raised by geonews.

Every foreseeable failure is a :class:`GeonewsError`; the command line turns it
into a one-line ``Error: ...`` message and exit code 1. Each pipeline stage has
its own subclass, which also inherits the builtin exception that fits, so that
callers who do not know geonews can still catch ``ValueError`` or ``OSError``.
"""

from __future__ import annotations


class GeonewsError(Exception):
    """Root of every error geonews raises on purpose."""


class ReadError(GeonewsError, ValueError):
    """An article could not be read: missing, empty, binary or undecodable.

    ``source`` names the file, URL or stream that failed.
    """

    def __init__(self, message: str, source: str | None = None) -> None:
        super().__init__(message)
        self.source = source


class FetchError(ReadError):
    """A URL or feed could not be fetched (HTTP error, timeout, size cap...)."""

    def __init__(self, message: str, source: str | None = None, status: int | None = None):
        super().__init__(message, source)
        self.status = status


class GazetteerError(GeonewsError, RuntimeError):
    """The offline gazetteer could not be built or loaded."""


class LexiconError(GeonewsError, LookupError):
    """A language data file is missing or malformed."""

    def __init__(self, message: str, lang: str | None = None) -> None:
        super().__init__(message)
        self.lang = lang


class BoundaryError(GeonewsError, RuntimeError):
    """The shipped admin-1 boundaries could not be loaded or joined."""


class StoreError(GeonewsError, RuntimeError):
    """The event store could not be opened, migrated or written."""


class RenderError(GeonewsError, RuntimeError):
    """A map or export could not be written."""
