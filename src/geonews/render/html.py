"""Escaping helpers for putting untrusted article text into map HTML.

Article text, titles, URLs and place names reach the page through folium,
which does not escape them, and they land in several contexts at once: HTML
element content, attribute values, JavaScript template literals (folium's
``Popup`` and ``GeoJsonPopup``/``GeoJsonTooltip`` build ``innerHTML`` inside
backtick strings) and JSON inside a ``<script>`` block. :func:`escape_html`
turns every character that is special in any of those contexts into an HTML
character reference, so the escaped text is inert in all of them and still
reads the same once the browser decodes it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["escape_html", "link", "safe_url"]

_ESCAPES = {
    "&": "&amp;",  # one pass with str.translate, so "&" is never escaped twice
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "'": "&#39;",
    "\\": "&#92;",  # ends or escapes a JS string
    "`": "&#96;",  # ends a JS template literal
    "$": "&#36;",  # starts ${...} inside a JS template literal
}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)

_ALLOWED_SCHEMES = ("http", "https")
# C0 controls, space, DEL, C1 controls and the Unicode spaces/separators that
# browsers strip or ignore when they parse a scheme ("java\tscript:").
_BAD_URL_CHARS = re.compile(
    r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]"
)


def escape_html(s: object) -> str:
    """Escape ``s`` for HTML content, attributes and JS template literals.

    Replaces ``& < > " '`` and also backslash, backtick and ``$`` with HTML
    character references (``&#92;``, ``&#96;``, ``&#36;``). ``None`` becomes the
    empty string; any other non-string is converted with ``str`` first.
    """
    if s is None:
        return ""
    return str(s).translate(_ESCAPE_TABLE)


def safe_url(url: str | None) -> str | None:
    """Return ``url`` (without surrounding whitespace) if it is a plain http(s) URL, else None.

    Rejects other schemes (``javascript:``, ``data:``, ``vbscript:``...),
    scheme-less and protocol-relative URLs (``//evil.example``), URLs without a
    host, and URLs containing whitespace, control characters or backslashes
    anywhere, which browsers may strip or reinterpret before they read the scheme.
    """
    if not isinstance(url, str):
        return None
    url = url.strip(" \t\n\r\f")
    if not url or _BAD_URL_CHARS.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in _ALLOWED_SCHEMES or not parts.netloc:
        return None
    if not url.lower().startswith(f"{parts.scheme.lower()}://"):
        return None
    return url


def link(url: str | None, text: object) -> str:
    """An ``<a>`` opening ``url`` in a new tab, or just the escaped text if the URL is not allowed.

    Both the URL and the text are escaped; only http and https URLs become links
    (see :func:`safe_url`).
    """
    href = safe_url(url)
    if href is None:
        return escape_html(text)
    return (
        f'<a href="{escape_html(href)}" target="_blank" rel="noopener noreferrer">'
        f"{escape_html(text)}</a>"
    )
