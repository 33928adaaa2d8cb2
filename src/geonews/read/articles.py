"""Read articles: the first stage of the pipeline.

Files (``.txt``, ``.md``, ``.html``/``.htm``) and standard input become
:class:`~geonews.model.Article` values. Getting the bytes (a file, stdin) is kept
apart from understanding them: each input format is a :class:`Reader` that turns
decoded text into an article, picked by file extension or, failing that, by
sniffing the first bytes. Every foreseeable failure is a one-line
:class:`~geonews.errors.ReadError` that starts with the source's name.

The offsets of later stages refer to ``Article.text``, so plain text is kept as
written apart from newlines (``\\r\\n`` → ``\\n``) and Unicode NFC. HTML is reduced
to its main text with trafilatura, imported only when an HTML page is read.

Fetching URLs and feeds is not done here: a fetcher gets the bytes and hands them
to :func:`article_from_bytes` with ``source=url``.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from geonews.errors import ReadError
from geonews.model import Article

__all__ = [
    "MAX_BYTES",
    "Reader",
    "article_from_bytes",
    "article_from_html",
    "article_from_text",
    "read_article",
    "read_articles",
    "reader_for",
]

#: The largest article accepted, in bytes. A news article is a few tens of kB of text, its
#: page at most a couple of MB; 5 MB is also the cap of a fetched page (fetch.Fetcher).
#: Analysis time grows with the text (about 2.5 s a MB of event-dense text): 20 MB, the
#: cap before, let a stray dump or log file run for minutes.
MAX_BYTES = 5 * 1024 * 1024

STDIN_NAME = "<stdin>"

# Magic numbers of file types that are sometimes handed over by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh91AY&SY", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"(\xb5/\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"\x7fELF", "ELF"),
    (b"SQLite format 3\x00", "SQLite"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office"),
)
# Control bytes that never occur in text; tab, newlines, VT, FF and ESC are allowed.
_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}
_SNIFF_BYTES = 8192
_CONTROL_SHARE = 0.05

_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|p|div|article|meta|title)[\s>/]", re.IGNORECASE
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# Browsers read these labels as windows-1252, which has printable characters
# (curly quotes, dashes, the euro) where Latin-1 has C1 controls.
_AS_CP1252 = frozenset({"latin-1", "iso8859-1", "ascii", "cp1252"})
_LANG = re.compile(r"[A-Za-z]{2,3}")


# -- public API ---------------------------------------------------------------


def read_article(
    source: str | os.PathLike[str],
    *,
    title: str | None = None,
    url: str | None = None,
    published: date | str | None = None,
    lang: str | None = None,
) -> Article:
    """Read one article from a file, or from standard input when ``source`` is ``"-"``.

    The format comes from the extension (``.txt``, ``.md``, ``.html``, ``.htm``);
    standard input and other extensions are sniffed (HTML or plain text). Keyword
    metadata overrides what is found in the file; ``published`` is a ``date`` or an
    ISO string (``YYYY-MM-DD`` or a full ISO 8601 datetime).

    Raises :class:`ReadError` when the file is missing, a directory, unreadable,
    too large, binary, not UTF-8 text (HTML may declare another charset), or empty.
    """
    name = _source_name(source)
    meta = _Meta.given(title=title, url=url, published=published, lang=lang, name=name)
    if _is_url(name):
        # The place where fetching will plug in: fetch the bytes, then call
        # article_from_bytes(data, source=url, url=url, format=...).
        raise ReadError(f"{_show(name)}: reading URLs is not supported here, only files", name)
    if name == "-":
        data, name = _read_stdin(), STDIN_NAME
        fmt = None
    else:
        data = _read_file(name)
        fmt = _format_from_extension(name)
    return _build(data, name, fmt, meta)


def read_articles(sources: Iterable[str | os.PathLike[str]], **metadata) -> list[Article]:
    """Read several articles with :func:`read_article`; ``metadata`` applies to each.

    Stops at the first source that cannot be read and raises its :class:`ReadError`.
    """
    if isinstance(sources, (str, bytes, os.PathLike)):
        raise TypeError("read_articles() takes a list of paths; use read_article() for one")
    return [read_article(source, **metadata) for source in sources]


def article_from_bytes(
    data: bytes,
    *,
    source: str,
    format: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: date | str | None = None,
    lang: str | None = None,
) -> Article:
    """Make an article from raw bytes got elsewhere (a fetched page, an archive member).

    ``format`` is ``"text"``, ``"markdown"`` or ``"html"``; when ``None`` the bytes
    are sniffed. Decoding, the binary and size checks and the errors are those of
    :func:`read_article`, with ``source`` naming the origin in messages.
    """
    meta = _Meta.given(title=title, url=url, published=published, lang=lang, name=source)
    if format is not None:
        reader_for(format)  # fail early on an unknown format
    if len(data) > MAX_BYTES:
        raise _too_large(source, len(data))
    return _build(data, source, format, meta)


def article_from_text(
    text: str,
    *,
    title: str | None = None,
    url: str | None = None,
    published: date | str | None = None,
    lang: str | None = None,
    source: str | None = None,
) -> Article:
    """Make an article from plain text already in memory.

    Newlines are normalised and the text put in Unicode NFC, nothing else. When no
    title is given, a short first line followed by a blank line becomes the title.
    """
    meta = _Meta.given(title=title, url=url, published=published, lang=lang, name=source)
    return TextReader().parse(text, source, meta)


def article_from_html(
    html: str | bytes,
    *,
    title: str | None = None,
    url: str | None = None,
    published: date | str | None = None,
    lang: str | None = None,
    source: str | None = None,
) -> Article:
    """Make an article from an HTML page: its main text, without menus or boilerplate.

    The title, canonical URL, publication date and language are taken from the
    page's metadata unless given. Bytes are decoded as UTF-8, else as the charset
    the page declares.
    """
    meta = _Meta.given(title=title, url=url, published=published, lang=lang, name=source)
    reader = HtmlReader()
    if isinstance(html, bytes):
        html = reader.decode(html, source or "<text>")
    return reader.parse(html, source, meta)


# -- readers --------------------------------------------------------------------


class Reader:
    """Turns the bytes of one input format into an :class:`Article`.

    A subclass names its ``format``, the file ``extensions`` it claims, and
    implements :meth:`parse`; :meth:`decode` may be overridden when the format can
    declare its own encoding. Subclasses register themselves by format name.
    """

    format: ClassVar[str] = ""
    extensions: ClassVar[tuple[str, ...]] = ()
    registry: ClassVar[dict[str, type[Reader]]] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.format:
            Reader.registry[cls.format] = cls

    def decode(self, data: bytes, name: str) -> str:
        """Bytes to text: UTF-8 (a BOM is dropped), or a ReadError naming ``name``."""
        return _decode(data, name)

    def parse(self, text: str, source: str | None, meta: _Meta) -> Article:
        """Decoded text to an article; ``meta`` holds the caller's metadata."""
        raise NotImplementedError


class TextReader(Reader):
    """Plain text; a short first line followed by a blank line is the title."""

    format = "text"
    extensions = (".txt", ".text")

    @staticmethod
    def title(text: str) -> str | None:
        return _first_line_title(text)

    def parse(self, text: str, source: str | None, meta: _Meta) -> Article:
        text = _normalise(text)
        _check_not_empty(text, source)
        return meta.article(text, source, title=self.title(text))


class MarkdownReader(TextReader):
    """Markdown, kept as written; a leading ``# heading`` is the title."""

    format = "markdown"
    extensions = (".md", ".markdown")

    @staticmethod
    def title(text: str) -> str | None:
        return _markdown_title(text)


class HtmlReader(Reader):
    """HTML pages: main text and metadata extracted with trafilatura."""

    format = "html"
    extensions = (".html", ".htm", ".xhtml")

    def decode(self, data: bytes, name: str) -> str:
        return _decode(data, name, declared=_declared_charset(data))

    def parse(self, text: str, source: str | None, meta: _Meta) -> Article:
        _check_not_empty(text, source)
        body, found = _extract_html(text, url=meta.url)
        body = _normalise(body)
        if not body.strip():
            raise ReadError(f"{_show(source)} is empty (no article text in the HTML)", source)
        return meta.article(
            body,
            source,
            title=found.title,
            url=found.url,
            published=found.published,
            lang=found.lang,
        )


def reader_for(format: str | None = None, *, name: str | None = None, head: bytes = b"") -> Reader:
    """The reader for ``format``, else for ``name``'s extension, else by sniffing ``head``.

    Raises ``ValueError`` for an unknown format name.
    """
    if format is None:
        format = (_format_from_extension(name) if name else None) or _sniff_format(head)
    try:
        return Reader.registry[format]()
    except KeyError:
        known = ", ".join(sorted(Reader.registry))
        raise ValueError(f"unknown article format {format!r}; expected one of {known}") from None


# -- metadata -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Meta:
    """Article metadata; the caller's values win over those found in the file."""

    title: str | None = None
    url: str | None = None
    published: date | None = None
    lang: str | None = None

    @classmethod
    def given(cls, *, title, url, published, lang, name: str | None) -> _Meta:
        return cls(title=title, url=url, published=_parse_published(published, name), lang=lang)

    def article(self, text: str, source: str | None, **found) -> Article:
        values = {
            "title": self.title if self.title is not None else found.get("title"),
            "url": self.url if self.url is not None else found.get("url"),
            "published": self.published if self.published else found.get("published"),
            "lang": self.lang if self.lang is not None else found.get("lang"),
        }
        return Article(text=text, source=source, **values)


def _parse_published(value: date | str | None, name: str | None) -> date | None:
    if value is None or type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, str):
        raise TypeError(
            f"published must be a date or an ISO date string, not {type(value).__name__}"
        )
    parsed = _parse_date_quietly(value)
    if parsed is None:
        prefix = f"{_show(name)}: " if name else ""
        raise ReadError(
            f"{prefix}bad publication date {value!r}: expected YYYY-MM-DD or an ISO 8601 datetime",
            name,
        )
    return parsed


def _parse_date_quietly(value: str | None) -> date | None:
    """An ISO date or datetime string to its date (as written, not moved to UTC)."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def _first_line_title(text: str) -> str | None:
    lines = text.lstrip("\n").split("\n")
    if len(lines) >= 3 and not lines[1].strip() and any(line.strip() for line in lines[2:]):
        first = lines[0].strip()
        if 0 < len(first) < 200:
            return first
    return None


def _markdown_title(text: str) -> str | None:
    for line in text.split("\n"):
        if line.strip():
            match = re.match(r" {0,3}#\s+(.+?)(?:\s+#+)?\s*$", line)
            return match.group(1) if match else None
    return None


def _normalise_lang(value: str | None) -> str | None:
    """``"fr-FR"``, ``"fr_FR"``, ``"FR"`` → ``"fr"``; anything else → None."""
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip(), maxsplit=1)[0]
    return primary.lower() if _LANG.fullmatch(primary) else None


# -- getting and decoding bytes -----------------------------------------------


def _source_name(source: str | os.PathLike[str]) -> str:
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        if isinstance(name, str):
            return name
    raise TypeError(f"source must be a path or '-', not {type(source).__name__}")


def _show(name: str | None) -> str:
    """The name as it goes into a one-line message (control characters escaped)."""
    if name is None:
        return "<text>"
    return name if name.isprintable() else repr(name)[1:-1]


def _is_url(name: str) -> bool:
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", name) is not None


def _too_large(name: str, size: int) -> ReadError:
    return ReadError(
        f"{_show(name)} is too large ({size / 1e6:.1f} MB; the limit is "
        f"{MAX_BYTES / 1e6:.1f} MB, far above a news article: split it into articles)",
        name,
    )


def _read_file(name: str) -> bytes:
    try:
        info = os.stat(name)
        if stat.S_ISDIR(info.st_mode):
            raise ReadError(f"{_show(name)} is a directory, not a file", name)
        if info.st_size > MAX_BYTES:
            raise _too_large(name, info.st_size)
        with open(name, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except (FileNotFoundError, NotADirectoryError):
        raise ReadError(f"{_show(name)}: no such file", name) from None
    except PermissionError:
        raise ReadError(f"{_show(name)}: permission denied", name) from None
    except IsADirectoryError:
        raise ReadError(f"{_show(name)} is a directory, not a file", name) from None
    except OSError as e:
        raise ReadError(f"{_show(name)}: cannot read ({e.strerror or e})", name) from e
    if len(data) > MAX_BYTES:  # a file that grew, or a pipe
        raise _too_large(name, len(data))
    return data


def _read_stdin() -> bytes:
    stream = sys.stdin
    if stream is None:
        raise ReadError(f"{STDIN_NAME}: no standard input", STDIN_NAME)
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is not None:
            data = buffer.read(MAX_BYTES + 1)
        else:  # a text stream without bytes underneath, e.g. io.StringIO
            data = stream.read(MAX_BYTES + 1).encode("utf-8")
    except OSError as e:
        raise ReadError(f"{STDIN_NAME}: cannot read ({e.strerror or e})", STDIN_NAME) from e
    except UnicodeDecodeError as e:
        raise ReadError(
            f"{STDIN_NAME} is not UTF-8 text (undecodable bytes at offset {e.start})", STDIN_NAME
        ) from None
    if len(data) > MAX_BYTES:
        raise _too_large(STDIN_NAME, len(data))
    return data


def _format_from_extension(name: str) -> str | None:
    ext = os.path.splitext(name)[1].lower()
    for format, cls in Reader.registry.items():
        if ext in cls.extensions:
            return format
    return None


def _sniff_format(head: bytes) -> str:
    """HTML if the bytes start with markup and a telling tag comes early, else text."""
    start = head[:1024].removeprefix(codecs.BOM_UTF8).lstrip()
    return "html" if start.startswith(b"<") and _HTML_START.search(start) else "text"


def _build(data: bytes, name: str, fmt: str | None, meta: _Meta) -> Article:
    """The shared path from bytes to an article: binary check, decode, parse."""
    data = _check_not_binary(data, name)
    reader = reader_for(fmt, head=data[:1024])
    return reader.parse(reader.decode(data, name), name, meta)


def _check_not_binary(data: bytes, name: str) -> bytes:
    """Raise if ``data`` is not text; UTF-16 with a BOM is re-encoded as UTF-8."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec).encode("utf-8")
            except UnicodeDecodeError:
                break  # not UTF-16 after all: judge the bytes below
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise ReadError(f"{_show(name)} is a binary file ({kind}), not an article", name)
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample or (
        sample and sum(b in _CONTROL for b in sample) / len(sample) > _CONTROL_SHARE
    ):
        raise ReadError(f"{_show(name)} is a binary file, not an article", name)
    return data


def _decode(data: bytes, name: str, declared: str | None = None) -> str:
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        error = e
    message = f"{_show(name)} is not UTF-8 text (undecodable bytes at offset {error.start})"
    if declared:
        tried = _codecs_for(declared)
        for codec in tried:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
        if not tried:
            message += f" and its declared charset {declared!r} is unknown"
        elif tried != ["utf-8"]:
            message += f" nor {declared!r} as declared"
    raise ReadError(message, name)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def _codecs_for(label: str) -> list[str]:
    """Python codecs to try for a declared charset: none if the label is unknown."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return []
    if name in _AS_CP1252:
        return ["cp1252", "latin-1"]
    return [name]


# -- text -------------------------------------------------------------------------


def _normalise(text: str) -> str:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _check_not_empty(text: str, source: str | None) -> None:
    if not text.strip():
        raise ReadError(f"{_show(source)} is empty", source)


def _extract_html(html: str, url: str | None) -> tuple[str, _Meta]:
    """Main text of a page (paragraphs on their own lines) and its raw metadata."""
    import trafilatura  # slow to import: only HTML pays for it

    if "<html" not in html[:1024].lower():
        # trafilatura refuses a fragment ("<p>...</p>") that is not wrapped in <html>.
        html = f"<html><body>{html}</body></html>"
    with _quiet_logger("trafilatura"):  # it logs errors for pages that we report as empty
        tree = trafilatura.load_html(html)
        if tree is None:
            return "", _Meta()
        lang = _page_lang(tree)
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            favor_precision=True,
            include_comments=False,
            with_metadata=True,
            # Also for the fallback extractors, which otherwise keep a lone menu.
            prune_xpath=["//nav", "//footer"],
            # Dates from the page's metadata only, not guessed from the article text.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    if doc is None:
        return "", _Meta(lang=lang)
    text = "\n".join(line.rstrip() for line in (doc.text or "").strip().split("\n"))
    return text, _Meta(
        title=doc.title or None,
        url=doc.url or None,
        published=_parse_date_quietly(doc.date),
        lang=lang,
    )


@contextmanager
def _quiet_logger(name: str) -> Iterator[None]:
    """Silence a library's logger for a while, unless the application set its level."""
    logger = logging.getLogger(name)
    if logger.level != logging.NOTSET:
        yield
        return
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(logging.NOTSET)


def _page_lang(tree) -> str | None:
    candidates = (
        tree.xpath("/html/@lang")
        + tree.xpath("/html/@xml:lang", namespaces={"xml": "http://www.w3.org/XML/1998/namespace"})
        + tree.xpath(
            "//meta[translate(@http-equiv,'CONTENTLAG','contentlag')='content-language']/@content"
        )
        + tree.xpath("//meta[@property='og:locale']/@content")
    )
    for value in candidates:
        lang = _normalise_lang(value)
        if lang:
            return lang
    return None
