"""Escaping helpers: escaped text must be inert in HTML, attributes and JS template literals."""

from __future__ import annotations

import html as stdlib_html

import pytest

from geonews.render.html import escape_html, link, safe_url


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain text", "plain text"),
        ("a & b", "a &amp; b"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('say "hi"', "say &quot;hi&quot;"),
        ("it's", "it&#39;s"),
        ("${alert(1)}", "&#36;{alert(1)}"),
        ("`x`", "&#96;x&#96;"),
        ("a\\b", "a&#92;b"),
        ("&lt;", "&amp;lt;"),  # escaped once, never twice
        ("Київ", "Київ"),
    ],
)
def test_escape_html(raw, escaped):
    assert escape_html(raw) == escaped


def test_escape_html_round_trips_and_leaves_nothing_active():
    nasty = "<img src=x onerror=alert(1)> `${document.cookie}` \\' \" </script><!-- &"
    out = escape_html(nasty)
    for ch in "<>\"'`$\\":
        assert ch not in out
    assert stdlib_html.unescape(out) == nasty


def test_escape_html_of_none_and_numbers():
    assert escape_html(None) == ""
    assert escape_html(14000) == "14000"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?b=1&c=2", "https://example.com/a?b=1&c=2"),
        ("http://example.com", "http://example.com"),
        ("HTTPS://EXAMPLE.COM/X", "HTTPS://EXAMPLE.COM/X"),
        ("  https://example.com/padded \n", "https://example.com/padded"),
        ("https://user@example.com:8080/p#frag", "https://user@example.com:8080/p#frag"),
        ("https://україна.example/стаття", "https://україна.example/стаття"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        (" javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("java\x00script:alert(1)", None),
        ("\x01javascript:alert(1)", None),
        ("javascript://example.com/%0aalert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox(1)", None),
        ("file:///etc/passwd", None),
        ("ftp://example.com/x", None),
        ("//evil.example/x", None),
        ("/relative/path", None),
        ("example.com", None),
        ("https:evil.example", None),
        ("https:/evil.example", None),
        ("https:\\\\evil.example", None),
        ("http://", None),
        ("https://exa mple.com", None),
        ("https://example.com/\u2028x", None),
        ("https://[::1", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_link_escapes_both_parts():
    out = link('https://example.com/?q="x"&y=<1>', "A <b>title</b> & `more`")
    assert out == (
        '<a href="https://example.com/?q=&quot;x&quot;&amp;y=&lt;1&gt;" target="_blank" '
        'rel="noopener noreferrer">A &lt;b&gt;title&lt;/b&gt; &amp; &#96;more&#96;</a>'
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", None, "//evil.example", "data:x"])
def test_link_without_an_allowed_url_is_plain_text(url):
    assert link(url, "<Title>") == "&lt;Title&gt;"
