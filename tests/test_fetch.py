"""Fetching over HTTP against a local server started by the tests (never the internet).

:class:`LocalServer` serves articles, feeds and misbehaviour (slow answers,
404/500/429 with Retry-After, huge bodies, images, redirect loops); other
living-map tests import it. The fetcher's clock and sleep are fakes: nothing
here waits for a retry.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

import pytest

from geonews.errors import FetchError, ReadError
from geonews.read.fetch import (
    USER_AGENT,
    Fetcher,
    fetch_article,
    is_feed,
    parse_feed,
)

ARTICLE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Shelling in Kherson</title>
<link rel="canonical" href="{base}/news/kherson-shelling">
<meta property="article:published_time" content="2025-03-04T08:00:00Z">
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Shelling in Kherson</h1>
<p>Russian artillery shelled Kherson overnight, regional officials said on Tuesday.</p>
<p>Two civilians were wounded when a shell hit a residential building near the river port.</p>
<p>Ukrainian troops reinforced positions near Pokrovsk in Donetsk Oblast, the army said.</p>
</article><footer>Copyright News Example</footer></body></html>
"""


def rss(base: str, n: int = 3, missing: int | None = None) -> str:
    items = []
    for i in range(1, n + 1):
        path = "/missing" if i == missing else f"/a/{i}"
        items.append(
            f"<item><title>Report {i}</title><link>{base}{path}</link>"
            f"<guid>{base}{path}</guid><pubDate>Tue, 0{i} Apr 2025 10:00:00 GMT</pubDate>"
            f"<description>Russian forces shelled Kupiansk (report {i}).</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Front news</title><link>{base}/</link>{''.join(items)}</channel></rss>"
    )


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom front</title><id>urn:x</id>
<updated>2025-05-01T00:00:00Z</updated>
<entry><title>Strike on Sumy</title><id>urn:1</id><link href="/a/atom1"/>
<updated>2025-05-01T00:00:00Z</updated>
<summary type="html">&lt;p&gt;A drone strike hit Sumy on Thursday.&lt;/p&gt;</summary></entry>
</feed>
"""


class LocalServer:
    """An HTTP server on 127.0.0.1 in a thread. ``pages`` maps a path to
    ``(status, headers, body)`` or to a callable taking the handler; ``hits``
    counts requests per path and ``headers`` keeps the last request's headers."""

    def __init__(self) -> None:
        self.pages: dict = {}
        self.hits: dict[str, int] = {}
        self.headers: dict[str, str] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                server.headers = dict(self.headers)
                page = server.pages.get(self.path)
                if page is None:
                    page = (404, {"Content-Type": "text/plain"}, b"not found")
                if callable(page):
                    return page(self)
                status, headers, body = page
                if isinstance(body, str):
                    body = body.encode("utf-8")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):  # keep test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def html(self, path: str, body: str, status: int = 200, **headers) -> None:
        self.pages[path] = (status, {"Content-Type": "text/html; charset=utf-8", **headers}, body)

    def article_pages(self, n: int = 3) -> None:
        """/a/1 ... /a/n: short distinct articles."""
        towns = ["Kherson", "Sumy", "Kupiansk", "Pokrovsk", "Izium"]
        for i in range(1, n + 1):
            town = towns[(i - 1) % len(towns)]
            self.html(
                f"/a/{i}",
                f"<html><head><title>Report {i}</title></head><body><article>"
                f"<p>Russian artillery shelled {town} overnight (report {i}).</p>"
                f"<p>Officials in {town} said several buildings were damaged.</p>"
                "</article></body></html>",
            )


@pytest.fixture
def server():
    with LocalServer() as s:
        yield s


class FakeTime:
    """A clock that only moves when slept on (or when told to)."""

    def __init__(self, step: float = 0.0) -> None:
        self.now = 0.0
        self.step = step
        self.sleeps: list[float] = []

    def clock(self) -> float:
        self.now += self.step
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def fetcher(t: FakeTime | None = None, **kw) -> Fetcher:
    t = t or FakeTime()
    return Fetcher(clock=t.clock, sleep=t.sleep, **kw)


# ---------------------------------------------------------------- articles


def test_fetches_an_html_article_with_its_metadata(server):
    server.html("/news/kherson", ARTICLE_HTML.format(base=server.base))
    article = fetch_article(server.url("/news/kherson"), fetcher())
    assert "shelled Kherson" in article.text
    assert "Copyright" not in article.text and "Home" not in article.text
    assert article.title == "Shelling in Kherson"
    assert article.url == server.url("/news/kherson-shelling")  # the canonical URL
    assert article.published.isoformat() == "2025-03-04"
    assert server.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("geonews/")


def test_plain_text_and_redirects(server):
    server.pages["/plain"] = (200, {"Content-Type": "text/plain; charset=utf-8"},
                              "Fighting near Pokrovsk\n\nRussian forces attacked Pokrovsk.")  # fmt: skip
    server.pages["/old"] = (301, {"Location": "/plain"}, b"")
    article = fetch_article(server.url("/old"), fetcher())
    assert article.text.startswith("Fighting near Pokrovsk")
    assert article.url == server.url("/plain")  # no canonical: the final URL


@pytest.mark.parametrize("url", ["ftp://example.org/a", "file:///etc/passwd", "javascript:x", "x"])
def test_only_http_urls(url):
    with pytest.raises(FetchError, match="only http"):
        fetcher().get(url)


def test_404_is_not_retried(server):
    t = FakeTime()
    with pytest.raises(FetchError, match="HTTP 404") as info:
        fetcher(t).get(server.url("/nothing"))
    assert info.value.status == 404
    assert server.hits["/nothing"] == 1
    assert t.sleeps == []


def test_500_is_retried_with_exponential_backoff_then_fails(server):
    server.pages["/broken"] = (500, {"Content-Type": "text/plain"}, b"oops")
    t = FakeTime()
    with pytest.raises(FetchError, match="HTTP 500") as info:
        fetcher(t, retries=3, backoff=0.5).get(server.url("/broken"))
    assert info.value.status == 500
    assert server.hits["/broken"] == 4
    assert t.sleeps == [0.5, 1.0, 2.0]


def test_a_flaky_server_succeeds_on_retry(server):
    calls = []

    def flaky(handler):
        calls.append(1)
        status, body = (503, b"busy") if len(calls) < 3 else (200, b"Shelling hit Kherson.")
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    server.pages["/flaky"] = flaky
    t = FakeTime()
    resp = fetcher(t).get(server.url("/flaky"))
    assert resp.data == b"Shelling hit Kherson."
    assert t.sleeps == [1.0, 2.0]


def test_429_honours_retry_after(server):
    calls = []

    def limited(handler):
        calls.append(1)
        if len(calls) == 1:
            handler.send_response(429)
            handler.send_header("Retry-After", "7")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"ok")

    server.pages["/limited"] = limited
    t = FakeTime()
    assert fetcher(t).get(server.url("/limited")).data == b"ok"
    assert t.sleeps == [7.0]


def test_a_retry_after_longer_than_max_wait_gives_up_at_once(server):
    server.pages["/later"] = (429, {"Retry-After": "3600", "Content-Type": "text/plain"}, b"")
    t = FakeTime()
    with pytest.raises(FetchError, match=r"HTTP 429.*Retry-After: 3600"):
        fetcher(t, max_wait=60).get(server.url("/later"))
    assert t.sleeps == []
    assert server.hits["/later"] == 1


def test_retry_after_as_an_http_date(server):
    from email.utils import formatdate

    server.pages["/date"] = (
        503,
        {"Retry-After": formatdate(time.time() + 30, usegmt=True), "Content-Type": "text/plain"},
        b"",
    )
    t = FakeTime()
    with pytest.raises(FetchError, match="HTTP 503"):
        fetcher(t, retries=1).get(server.url("/date"))
    assert len(t.sleeps) == 1 and 25 <= t.sleeps[0] <= 31


def test_a_slow_server_times_out(server):
    def slow(handler):
        time.sleep(1.0)
        handler.send_response(200)
        handler.end_headers()

    server.pages["/slow"] = slow
    t = FakeTime()
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetcher(t, timeout=0.2, retries=1).get(server.url("/slow"))
    assert time.monotonic() - started < 1.5  # two attempts of 0.2 s, no real backoff
    assert t.sleeps == [1.0]


def test_a_response_that_never_ends_hits_the_deadline(server):
    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        for _ in range(50):
            handler.wfile.write(b"x" * 70000)

    server.pages["/drip"] = drip
    t = FakeTime(step=10.0)  # every look at the clock: 10 s later
    with pytest.raises(FetchError, match="no complete response within 30 s"):
        fetcher(t, retries=0).get(server.url("/drip"))


def test_a_declared_huge_body_is_refused_unread(server):
    server.pages["/huge"] = (200, {"Content-Type": "text/html", "Content-Length": "999999999"}, b"")
    with pytest.raises(FetchError, match=r"too large \(1000.0 MB"):
        fetcher().get(server.url("/huge"))


def test_an_undeclared_huge_body_is_cut_at_the_cap(server):
    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b"<p>" + b"a" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass

    server.pages["/endless"] = endless
    with pytest.raises(FetchError, match="too large .more than"):
        fetcher(max_bytes=1_000_000).get(server.url("/endless"))


def test_a_redirect_loop_stops(server):
    server.pages["/loop"] = (302, {"Location": "/loop2"}, b"")
    server.pages["/loop2"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(FetchError, match="too many redirects"):
        fetcher(max_redirects=4).get(server.url("/loop"))
    assert server.hits["/loop"] + server.hits["/loop2"] == 5


def test_a_redirect_to_another_scheme_is_refused(server):
    server.pages["/ftp"] = (302, {"Location": "ftp://127.0.0.1/file"}, b"")
    with pytest.raises(FetchError, match="not http"):
        fetcher().get(server.url("/ftp"))


def test_a_closed_port_cannot_connect():
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    t = FakeTime()
    with pytest.raises(FetchError, match="cannot connect"):
        fetcher(t, retries=2).get(f"http://127.0.0.1:{port}/")
    assert t.sleeps == [1.0, 2.0]


@pytest.mark.parametrize(
    ("ctype", "body"),
    [("image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 100), ("application/pdf", b"%PDF-1.4 ...")],
)
def test_non_html_content_is_not_an_article(server, ctype, body):
    server.pages["/file"] = (200, {"Content-Type": ctype}, body)
    with pytest.raises(FetchError, match=f"not an article .content type {ctype}"):
        fetch_article(server.url("/file"), fetcher())


def test_fetch_errors_are_read_errors():
    assert issubclass(FetchError, ReadError)


# ---------------------------------------------------------------- feeds


def test_rss_and_its_detection(server):
    server.pages["/feed"] = (200, {"Content-Type": "application/rss+xml"}, rss(server.base))
    resp = fetcher().get(server.url("/feed"))
    assert is_feed(resp)
    entries = parse_feed(resp.data, source=resp.url)
    assert [e.link for e in entries] == [server.url(f"/a/{i}") for i in (1, 2, 3)]
    assert entries[0].title == "Report 1"
    assert entries[0].published.isoformat() == "2025-04-01"
    article = entries[1].to_article(source=resp.url)
    assert "Kupiansk" in article.text and article.url == server.url("/a/2")


def test_atom_with_relative_links_and_html_summaries(server):
    entries = parse_feed(ATOM.encode(), source=server.url("/atom.xml"))
    (e,) = entries
    assert e.link == server.url("/a/atom1")
    article = e.to_article(source="atom")
    assert article.text.strip() == "A drone strike hit Sumy on Thursday."
    assert article.title == "Strike on Sumy"


def test_a_feed_served_as_text_xml_is_sniffed(server):
    server.pages["/feed.xml"] = (200, {"Content-Type": "text/xml"}, rss(server.base))
    assert is_feed(fetcher().get(server.url("/feed.xml")))


def test_not_a_feed():
    with pytest.raises(ReadError, match="not a readable feed"):
        parse_feed(b"<html><body>hello</body></html>", source="page.html")
