"""Fetch articles and feeds over HTTP(S), politely and within limits.

:class:`Fetcher` owns the transport: a ``requests`` session with a clear
User-Agent, a connect/read timeout and an overall deadline per response, a cap
on the body size, a redirect limit, http/https only, and retries with
exponential backoff on 429 and 5xx that honour ``Retry-After``. Its ``clock``
and ``sleep`` are seams, so tests never wait. Every failure is a
:class:`~geonews.errors.FetchError` raised ``from`` the original exception,
mapped through :data:`_ERRORS`.

What the bytes are is decided afterwards: :func:`fetch_article` turns an HTML or
text page into an :class:`~geonews.model.Article` (via
:func:`geonews.read.articles.article_from_bytes`), :func:`parse_feed` turns RSS/Atom
into :class:`FeedEntry` values with ``feedparser``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from geonews.errors import FetchError, ReadError
from geonews.model import Article

if TYPE_CHECKING:
    import requests

__all__ = [
    "USER_AGENT",
    "FeedEntry",
    "Fetcher",
    "Response",
    "fetch_article",
    "is_feed",
    "is_url",
    "parse_feed",
]


def _version() -> str:
    try:
        return metadata.version("geonews")
    except metadata.PackageNotFoundError:
        return "0"


#: Sent with every request: who we are and that we are a bot reading news.
USER_AGENT = f"geonews/{_version()} (news geoparser; +https://pypi.org/project/geonews/)"

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_TEXT_TYPES = {"text/plain": "text", "text/markdown": "markdown", "text/x-markdown": "markdown"}
_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
)


def is_url(value: str) -> bool:
    """True for an ``http://`` or ``https://`` URL."""
    return urlsplit(value.strip()).scheme.lower() in ("http", "https") and "://" in value


@dataclass(frozen=True)
class Response:
    """A fetched body: the final URL after redirects, status, content type and bytes."""

    url: str
    status: int
    content_type: str
    data: bytes
    headers: dict = field(default_factory=dict)

    @property
    def media_type(self) -> str:
        return self.content_type.split(";")[0].strip().lower()


class Fetcher:
    """Gets URLs within limits (see the module docstring).

    ``timeout`` is seconds to connect and between bytes; ``deadline`` bounds a
    whole response, retries excluded. ``max_bytes`` caps the body;
    ``max_redirects`` the redirect chain. ``retries`` more attempts are made on
    429/5xx and on connection errors, waiting ``backoff * 2**n`` seconds or what
    ``Retry-After`` asks, if that is at most ``max_wait``. ``clock`` and ``sleep``
    default to :func:`time.monotonic` and :func:`time.sleep`.
    """

    def __init__(
        self,
        *,
        timeout: float = 10.0,
        deadline: float = 30.0,
        max_bytes: int = 5 * 1024 * 1024,
        max_redirects: int = 5,
        retries: int = 3,
        backoff: float = 1.0,
        max_wait: float = 60.0,
        user_agent: str = USER_AGENT,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if timeout <= 0 or deadline <= 0 or max_bytes <= 0:
            raise ValueError("timeout, deadline and max_bytes must be positive")
        if retries < 0 or max_redirects < 0:
            raise ValueError("retries and max_redirects must be zero or more")
        self.timeout = timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.user_agent = user_agent
        self.clock = clock
        self.sleep = sleep
        self._session = session

    @property
    def session(self) -> requests.Session:
        if self._session is None:
            import requests

            s = requests.Session()
            s.headers["User-Agent"] = self.user_agent
            s.headers["Accept"] = (
                "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
                "application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
            )
            s.max_redirects = self.max_redirects
            self._session = s
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None

    def get(self, url: str) -> Response:
        """Fetch ``url`` and return its body, retrying as configured.

        Raises :class:`FetchError` (with ``status`` when the server answered) for a
        non-http(s) URL, an HTTP error, a timeout, too many redirects or a body over
        ``max_bytes``.
        """
        if not is_url(url):
            raise FetchError(f"{url}: only http:// and https:// URLs can be fetched", url)
        attempt = 0
        while True:
            try:
                return self._get_once(url)
            except FetchError as exc:
                wait = self._retry_wait(exc, attempt)
                if wait is None:
                    raise
            attempt += 1
            self.sleep(wait)

    def _retry_wait(self, exc: FetchError, attempt: int) -> float | None:
        """Seconds to wait before the next attempt, or None to give up."""
        if attempt >= self.retries or not getattr(exc, "retryable", False):
            return None
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:  # the server knows best; too long a wait: give up now
            return retry_after if retry_after <= self.max_wait else None
        return min(self.backoff * 2**attempt, self.max_wait)

    def _get_once(self, url: str) -> Response:
        import requests

        start = self.clock()
        try:
            r = self.session.get(url, timeout=self.timeout, stream=True, allow_redirects=True)
        except requests.RequestException as exc:
            raise _map_error(exc, url) from exc
        try:
            if r.status_code >= 400:
                err = FetchError(f"{url}: HTTP {r.status_code} {r.reason or ''}".strip(), url,
                                 status=r.status_code)  # fmt: skip
                err.retryable = r.status_code in _RETRY_STATUS
                err.retry_after = _retry_after(r.headers.get("Retry-After"))
                if err.retry_after is not None:
                    err.args = (f"{err.args[0]} (Retry-After: {r.headers['Retry-After']})",)
                raise err
            size = r.headers.get("Content-Length")
            if size and size.isdigit() and int(size) > self.max_bytes:
                raise self._too_large(url, int(size))
            chunks, total = [], 0
            try:
                for chunk in r.iter_content(64 * 1024):
                    total += len(chunk)
                    if total > self.max_bytes:
                        raise self._too_large(url, total, at_least=True)
                    if self.clock() - start > self.deadline:
                        raise FetchError(
                            f"{url}: timed out (no complete response within {self.deadline:g} s)",
                            url,
                        )
                    chunks.append(chunk)
            except requests.RequestException as exc:
                raise _map_error(exc, url) from exc
            return Response(
                url=r.url,
                status=r.status_code,
                content_type=r.headers.get("Content-Type", ""),
                data=b"".join(chunks),
                headers=dict(r.headers),
            )
        finally:
            r.close()

    def _too_large(self, url: str, size: int, at_least: bool = False) -> FetchError:
        more = "more than " if at_least else ""
        return FetchError(
            f"{url}: response too large ({more}{size / 1e6:.1f} MB; "
            f"the limit is {self.max_bytes / 1e6:.1f} MB)",
            url,
        )


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _error_table() -> list[tuple[type, str, bool]]:
    """requests' exceptions → (message, retryable), most specific first."""
    import requests

    return [
        (requests.exceptions.TooManyRedirects, "too many redirects", False),
        (requests.exceptions.InvalidSchema, "redirected to a URL that is not http(s)", False),
        (requests.exceptions.MissingSchema, "not a URL", False),
        (requests.exceptions.InvalidURL, "invalid URL", False),
        (requests.exceptions.ConnectTimeout, "timed out connecting", True),
        (requests.exceptions.ReadTimeout, "timed out waiting for data", True),
        (requests.exceptions.Timeout, "timed out", True),
        (requests.exceptions.SSLError, "TLS/SSL error", False),
        (requests.exceptions.ConnectionError, "cannot connect", True),
        (requests.exceptions.ChunkedEncodingError, "connection broken", True),
        (requests.exceptions.ContentDecodingError, "cannot decode the response", False),
        (requests.exceptions.RequestException, "request failed", False),
    ]


_ERRORS: list[tuple[type, str, bool]] | None = None


def _map_error(exc: Exception, url: str) -> FetchError:
    global _ERRORS
    if _ERRORS is None:
        _ERRORS = _error_table()
    for cls, message, retryable in _ERRORS:
        if isinstance(exc, cls):
            err = FetchError(f"{url}: {message}", url)
            err.retryable = retryable
            return err
    return FetchError(f"{url}: {exc}", url)  # pragma: no cover


# ---------------------------------------------------------------- articles


def _format_of(resp: Response) -> str | None:
    """'html', 'text' or 'markdown' for an article body; None if it looks like a feed."""
    mt = resp.media_type
    if mt in _HTML_TYPES:
        return "html"
    if mt in _TEXT_TYPES:
        return _TEXT_TYPES[mt]
    if is_feed(resp):
        return None
    if not mt:
        return "sniff"
    raise FetchError(
        f"{resp.url}: not an article (content type {mt}; expected HTML or plain text)", resp.url
    )


def is_feed(resp: Response) -> bool:
    """True if the response is (probably) an RSS or Atom feed."""
    mt = resp.media_type
    if mt in _FEED_TYPES or mt.endswith(("+xml", "/xml")):
        return True
    head = resp.data[:512].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in head or b"<feed" in head or b"<rdf" in head)


def article_from_response(
    resp: Response,
    *,
    title: str | None = None,
    published: date | None = None,
    lang: str | None = None,
) -> Article:
    """Make an article of a fetched page; ``title``/``published`` fill in what the page lacks.

    The article's URL is the page's canonical URL when it declares an http(s) one,
    else the URL it was fetched from after redirects.
    """
    from geonews.read.articles import article_from_bytes

    fmt = _format_of(resp)
    if fmt is None:
        raise FetchError(f"{resp.url}: is a feed, not an article", resp.url)
    article = article_from_bytes(
        resp.data, source=resp.url, format=None if fmt == "sniff" else fmt, lang=lang
    )
    url = article.url if article.url and is_url(article.url) else resp.url
    return replace(
        article,
        url=urljoin(resp.url, url),
        title=article.title or title,
        published=article.published or published,
    )


def fetch_article(url: str, fetcher: Fetcher | None = None, **metadata) -> Article:
    """Fetch ``url`` and read it as an article (see :func:`article_from_response`)."""
    fetcher = fetcher or Fetcher()
    return article_from_response(fetcher.get(url), **metadata)


# ---------------------------------------------------------------- feeds


@dataclass(frozen=True)
class FeedEntry:
    """One item of an RSS/Atom feed."""

    link: str | None
    title: str | None
    published: date | None
    updated: datetime | None
    summary: str | None
    id: str | None = None

    def to_article(self, *, source: str, lang: str | None = None) -> Article:
        """The entry's summary (or, failing that, title) as an article."""
        from geonews.read.articles import article_from_html, article_from_text

        text = self.summary or ""
        if "<" in text and ">" in text:
            try:
                return article_from_html(
                    f"<html><body><article><p>{text}</p></article></body></html>",
                    title=self.title, url=self.link, published=self.published,
                    lang=lang, source=source,
                )  # fmt: skip
            except ReadError:
                pass
        return article_from_text(
            text or self.title or "",
            title=self.title, url=self.link, published=self.published, lang=lang, source=source,
        )  # fmt: skip


def parse_feed(data: bytes, *, source: str) -> list[FeedEntry]:
    """The entries of an RSS or Atom document, with links made absolute.

    Raises :class:`ReadError` if ``data`` is not a feed.
    """
    import feedparser

    if not data.strip():
        raise ReadError(f"{source} is empty, not a feed", source)
    parsed = feedparser.parse(data, response_headers={"content-location": source})
    # Bytes without a content type always set bozo; that alone does not make a bad feed.
    error = parsed.get("bozo_exception")
    if isinstance(error, feedparser.NonXMLContentType | feedparser.CharacterEncodingOverride):
        error = None
    if not parsed.entries and (error or not parsed.get("version")):
        reason = error or "no RSS or Atom entries"
        raise ReadError(f"{source}: not a readable feed ({reason})", source)
    entries = []
    for e in parsed.entries:
        link = e.get("link")
        if link and is_url(source):
            link = urljoin(source, link)
        # dict.get: FeedParserDict.get maps missing keys to others, with a warning
        pub, upd = dict.get(e, "published_parsed"), dict.get(e, "updated_parsed")
        published = _struct_time(pub or upd)
        updated = _struct_time(upd or pub)
        summary = e.get("summary")
        if not summary and e.get("content"):
            summary = e["content"][0].get("value")
        entries.append(
            FeedEntry(
                link=link,
                title=e.get("title"),
                published=published.date() if published else None,
                updated=updated,
                summary=summary,
                id=e.get("id"),
            )
        )
    return entries


def _struct_time(t) -> datetime | None:
    if not t:
        return None
    try:
        return datetime(*t[:6])
    except (TypeError, ValueError):
        return None
