"""Reading articles: files, stdin, HTML extraction, metadata and every read error."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

import geonews
from geonews.errors import ReadError
from geonews.model import content_id
from geonews.read import articles
from geonews.read.articles import (
    article_from_bytes,
    article_from_html,
    article_from_text,
    read_article,
    read_articles,
)

DATA = Path(__file__).parent / "data" / "articles"
TXT = DATA / "shelling-en.txt"
MD = DATA / "bombardement-fr.md"
HTML = DATA / "front-report.html"
LATIN1 = DATA / "orikhiv-latin1.html"


class FakeStdin:
    """Stands in for ``sys.stdin``: only its ``buffer`` of bytes is read."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def read_error(source, **kwargs) -> ReadError:
    with pytest.raises(ReadError) as info:
        read_article(source, **kwargs)
    return info.value


# -- plain text and Markdown ------------------------------------------------------------


def test_txt_keeps_text_and_takes_title_from_first_line():
    article = read_article(str(TXT))
    assert article.text == TXT.read_text(encoding="utf-8")
    assert article.title == "Shelling damages water station near Vovchansk"
    assert article.source == str(TXT)
    assert article.id == content_id(article.text)
    assert (article.url, article.published, article.lang) == (None, None, None)


def test_txt_source_is_the_path_as_given():
    assert read_article(TXT).source == str(TXT)


@pytest.mark.parametrize(
    "text",
    [
        "A first line with no blank line after it\nand the article goes on.\n",
        "x" * 200 + "\n\nBody.\n",
        "Only one paragraph, nothing after it.\n\n",
    ],
)
def test_txt_title_only_from_a_short_line_followed_by_a_blank_line(tmp_path, text):
    assert read_article(write(tmp_path, "a.txt", text.encode())).title is None


def test_markdown_is_kept_as_is_with_title_from_heading():
    article = read_article(MD)
    assert article.text == MD.read_text(encoding="utf-8")
    assert article.text.startswith("# Bombardements")
    assert article.title == "Bombardements près de Koupiansk : une école touchée"


def test_markdown_without_leading_heading_has_no_title(tmp_path):
    path = write(tmp_path, "a.md", b"Some *text*.\n\n# Later heading\n")
    assert read_article(path).title is None


def test_crlf_and_lone_cr_are_normalised(tmp_path):
    path = write(tmp_path, "crlf.txt", b"Titre\r\n\r\nTirs pr\xc3\xa8s d'Izioum.\r\nFin.\rOK\r\n")
    article = read_article(path)
    assert article.text == "Titre\n\nTirs près d'Izioum.\nFin.\nOK\n"
    assert article.title == "Titre"


def test_text_is_put_in_nfc_and_bom_dropped(tmp_path):
    decomposed = "Bombardement a\u0300 Kharkiv, de\u0301ge\u0302ts."
    path = write(tmp_path, "nfc.txt", b"\xef\xbb\xbf" + decomposed.encode())
    assert read_article(path).text == "Bombardement à Kharkiv, dégêts."


def test_utf16_with_bom_is_read(tmp_path):
    path = write(tmp_path, "w.txt", "Frappe sur Soumy.\n".encode("utf-16"))
    assert read_article(path).text == "Frappe sur Soumy.\n"


def test_article_from_text():
    article = article_from_text("Strike near Izium.\r\n", lang="en", published="2024-05-01")
    assert article.text == "Strike near Izium.\n"
    assert (article.lang, article.published, article.source) == ("en", date(2024, 5, 1), None)


# -- HTML ---------------------------------------------------------------------------------


def test_html_keeps_the_body_and_drops_boilerplate():
    article = read_article(HTML)
    text = article.text
    assert "A fuel depot on the edge of Belgorod caught fire" in text
    assert "emergency crews moved equipment to the site" in text
    for boilerplate in (
        "cookie",
        "Accept all",
        "Weather forecast",
        "Subscribe",
        "All rights reserved",
        "Privacy policy",
        "Most read",
        "recipes",
    ):
        assert boilerplate.lower() not in text.lower(), boilerplate


def test_html_keeps_paragraph_breaks_as_newlines():
    paragraphs = read_article(HTML).text.split("\n")
    assert any(p.startswith("A fuel depot") for p in paragraphs)
    assert any(p.startswith("Firefighters worked") for p in paragraphs)
    assert any(p.startswith("Traffic on the road") for p in paragraphs)


def test_html_metadata_from_the_page():
    article = read_article(HTML)
    assert article.title == "Drone strike hits fuel depot near Belgorod"
    assert article.url == "https://news.example.org/2024/03/14/drone-strike-fuel-depot-belgorod"
    assert article.published == date(2024, 3, 14)
    assert article.lang == "en"  # from <html lang="en-GB">
    assert article.source == str(HTML)


def test_explicit_metadata_overrides_the_page():
    article = read_article(
        HTML, title="Mon titre", url="https://x.example/a", published="2023-12-31", lang="fr"
    )
    assert article.title == "Mon titre"
    assert article.url == "https://x.example/a"
    assert article.published == date(2023, 12, 31)
    assert article.lang == "fr"


def test_explicit_title_overrides_the_first_line_of_text():
    assert read_article(TXT, title="Other").title == "Other"


def test_latin1_page_with_meta_charset_decodes():
    article = read_article(LATIN1)
    assert "La gare d'Orikhiv a été endommagée samedi" in article.text
    assert "Accueil" not in article.text and "mentions légales" not in article.text
    assert article.title == "Tirs d'artillerie sur Orikhiv : la gare endommagée"
    assert article.published == date(2024, 2, 3)
    assert article.url == "https://journal.example.fr/orikhiv-gare"
    assert article.lang == "fr"


def test_latin1_label_is_read_as_windows_1252_like_browsers_do(tmp_path):
    page = (
        b'<html><head><meta charset="ISO-8859-1"></head><body><article>'
        b"<p>L\x92artillerie a frapp\xe9 Kherson \x96 deux maisons d\xe9truites.</p>"
        b"</article></body></html>"
    )
    text = read_article(write(tmp_path, "p.html", page)).text
    assert "L’artillerie a frappé Kherson – deux maisons détruites." in text


def test_article_from_html_accepts_bytes_and_str():
    data = HTML.read_bytes()
    from_bytes = article_from_html(data, url="https://override.example/")
    from_str = article_from_html(data.decode())
    assert from_bytes.text == from_str.text
    assert from_bytes.url == "https://override.example/"
    assert from_str.source is None


def test_article_from_bytes_with_format_and_sniffing():
    data = HTML.read_bytes()
    assert article_from_bytes(data, source="https://a.example/x").title.startswith("Drone")
    as_text = article_from_bytes(data, source="x", format="text")
    assert as_text.text.startswith("<!DOCTYPE html>")
    with pytest.raises(ValueError, match="unknown article format 'pdf'"):
        article_from_bytes(data, source="x", format="pdf")


@pytest.mark.parametrize(
    ("name", "data", "html"),
    [
        (
            "page.php",
            b"\n  <!DOCTYPE html><html><body><p>Strike on Odesa port.</p></body></html>",
            True,
        ),
        ("page", b"<p>Strike on Odesa port.</p>", True),
        ("notes", b"Strike on Odesa port; <p> tags come later.", False),
        ("notes.log", b"Strike on Odesa port.\n", False),
    ],
)
def test_unknown_extensions_are_sniffed(tmp_path, name, data, html):
    text = read_article(write(tmp_path, name, data)).text
    assert ("<p>" not in text) if html else (text == data.decode())


def test_extension_wins_over_sniffing(tmp_path):
    path = write(tmp_path, "a.txt", b"<p>Raw markup, kept as text.</p>\n")
    assert read_article(path).text == "<p>Raw markup, kept as text.</p>\n"


# -- stdin --------------------------------------------------------------------------------


def test_stdin_text(monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin("Titre\r\n\r\nTirs à Kherson.\r\n".encode()))
    article = read_article("-")
    assert article.text == "Titre\n\nTirs à Kherson.\n"
    assert article.source == "<stdin>"
    assert article.title == "Titre"


def test_stdin_html_is_sniffed(monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(HTML.read_bytes()))
    article = read_article("-", lang="uk")
    assert article.title == "Drone strike hits fuel depot near Belgorod"
    assert "cookie" not in article.text.lower()
    assert (article.lang, article.source) == ("uk", "<stdin>")


def test_stdin_errors_are_named_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"  \n"))
    assert str(read_error("-")) == "<stdin> is empty"
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"caf\xe9\n"))
    assert str(read_error("-")) == "<stdin> is not UTF-8 text (undecodable bytes at offset 3)"


def test_stdin_without_a_byte_buffer(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Frappe sur Kramatorsk.\n"))
    assert read_article("-").text == "Frappe sur Kramatorsk.\n"
    monkeypatch.setattr(sys, "stdin", None)
    assert str(read_error("-")) == "<stdin>: no standard input"


# -- published ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2024, 3, 5), date(2024, 3, 5)),
        (datetime(2024, 3, 5, 23, 59), date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        (" 2024-03-05 ", date(2024, 3, 5)),
        ("2024-03-05T23:30:00+02:00", date(2024, 3, 5)),  # the date as written, not UTC
        ("2024-03-05T10:00:00Z", date(2024, 3, 5)),
        ("2024-03-05 10:00", date(2024, 3, 5)),
    ],
)
def test_published_accepts_dates_and_iso_strings(value, expected):
    assert read_article(TXT, published=value).published == expected


@pytest.mark.parametrize("value", ["05/03/2024", "2024-13-01", "yesterday", ""])
def test_bad_published_string_names_the_value(value):
    error = read_error(TXT, published=value)
    assert str(error).startswith(f"{TXT}: bad publication date {value!r}")
    assert "\n" not in str(error)


def test_bad_published_is_checked_before_reading():
    error = read_error("no/such/file.txt", published="March 5")
    assert "bad publication date 'March 5'" in str(error)


def test_published_of_the_wrong_type_is_a_type_error():
    with pytest.raises(TypeError):
        read_article(TXT, published=20240305)


# -- errors -------------------------------------------------------------------------------


def assert_one_line_error(error: ReadError, name: str, *expected: str) -> None:
    message = str(error)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(name), message
    for part in expected:
        assert part in message, message
    assert error.source == name
    assert not isinstance(error, (OSError, UnicodeError))


@pytest.mark.parametrize(
    ("filename", "data", "expected"),
    [
        ("empty.txt", b"", " is empty"),
        ("blank.txt", b" \n\t\r\n  \n", " is empty"),
        ("blank.md", b"\n\n", " is empty"),
        ("blank.html", b"   ", " is empty"),
        (
            "nobody.html",
            b"<html><head><title>Only a title</title></head><body></body></html>",
            " is empty (no article text in the HTML)",
        ),
        (
            "menu.html",
            b"<html><body><nav><a href='/'>Home</a></nav><footer>(c) 2024</footer></body></html>",
            " is empty (no article text in the HTML)",
        ),
        ("nul.txt", b"Strike near Izium\x00\x00\x01\x02", " is a binary file, not an article"),
        ("ctrl.txt", b"ab\x01\x02\x03\x04\x05\x06cd" * 10, " is a binary file, not an article"),
        (
            "report.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
            " is a binary file (PDF), not an article",
        ),
        (
            "map.png",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            " is a binary file (PNG), not an article",
        ),
        ("a.txt", b"PK\x03\x04\x14\x00\x00\x00", " is a binary file (ZIP), not an article"),
        (
            "a.txt.gz",
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
            " is a binary file (gzip), not an article",
        ),
        (
            "latin1.txt",
            "Bombardé à Kherson".encode("latin-1"),
            " is not UTF-8 text (undecodable bytes at offset 7)",
        ),
        (
            "bad.html",
            b"<html><body><p>caf\xe9</p></body></html>",
            " is not UTF-8 text (undecodable bytes at offset 18)",
        ),
        (
            "badcharset.html",
            b'<html><head><meta charset="no-such-codec"></head><p>caf\xe9',
            "declared charset 'no-such-codec' is unknown",
        ),
        (
            "badutf8.html",
            b'<html><head><meta charset="utf-8"></head><p>caf\xe9',
            " is not UTF-8 text (undecodable bytes at offset 47)",
        ),
        (
            "badsjis.html",
            b'<html><meta charset="shift_jis"><p>\x82\xff</p>',
            "nor 'shift_jis' as declared",
        ),
    ],
)
def test_unreadable_content_is_a_one_line_read_error(tmp_path, filename, data, expected):
    path = write(tmp_path, filename, data)
    assert_one_line_error(read_error(path), path, expected)


def test_missing_file(tmp_path):
    path = str(tmp_path / "missing.txt")
    error = read_error(path)
    assert str(error) == f"{path}: no such file"
    assert_one_line_error(error, path)


def test_path_through_a_file_is_missing(tmp_path):
    path = str(Path(write(tmp_path, "a.txt", b"x")) / "b.txt")
    assert_one_line_error(read_error(path), path, ": no such file")


def test_directory(tmp_path):
    assert_one_line_error(read_error(str(tmp_path)), str(tmp_path), "is a directory")


def test_permission_denied(tmp_path, monkeypatch):
    path = write(tmp_path, "secret.txt", b"Shelling near Izium.\n")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(articles, "open", denied, raising=False)
    error = read_error(path)
    assert str(error) == f"{path}: permission denied"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_for_real(tmp_path):
    path = write(tmp_path, "secret.txt", b"Shelling near Izium.\n")
    os.chmod(path, 0)
    assert str(read_error(path)) == f"{path}: permission denied"


def test_other_os_errors_become_read_errors(tmp_path, monkeypatch):
    path = write(tmp_path, "a.txt", b"x")

    def broken(*args, **kwargs):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(articles, "open", broken, raising=False)
    assert str(read_error(path)) == f"{path}: cannot read (Input/output error)"


def test_size_cap(tmp_path, monkeypatch):
    monkeypatch.setattr(articles, "MAX_BYTES", 100)
    path = write(tmp_path, "big.txt", b"Strike near Izium. " * 10)
    assert_one_line_error(read_error(path), path, "is too large", "the limit is")
    monkeypatch.setattr(sys, "stdin", FakeStdin(b"x" * 101))
    assert_one_line_error(read_error("-"), "<stdin>", "is too large")


def test_the_size_cap_is_5_mb_and_says_so_on_one_line(tmp_path):
    # A page of 15 MB analysed for minutes before; a news article is far smaller.
    assert articles.MAX_BYTES == 5 * 1024 * 1024
    path = write(tmp_path, "dump.html", b"<p>Strike near Izium.</p>" * 220_000)
    assert_one_line_error(read_error(path), path, "is too large (5.5 MB", "limit is 5.2 MB")


def test_a_name_with_a_newline_stays_on_one_line(tmp_path):
    path = str(tmp_path / "two\nlines.txt")
    message = str(read_error(path))
    assert "\n" not in message
    assert message.endswith(": no such file")


def test_urls_are_not_read_as_files():
    error = read_error("https://news.example.org/a")
    assert_one_line_error(error, "https://news.example.org/a", "reading URLs is not supported")


def test_read_errors_are_value_errors():
    with pytest.raises(ValueError):
        read_article(DATA / "missing.txt")


# -- several files ------------------------------------------------------------------------


def test_read_articles_reads_each_with_shared_metadata():
    got = read_articles([str(TXT), MD, str(HTML)], lang="xx")
    assert [a.source for a in got] == [str(TXT), str(MD), str(HTML)]
    assert {a.lang for a in got} == {"xx"}
    assert len({a.id for a in got}) == 3


def test_read_articles_stops_at_the_first_error(tmp_path):
    with pytest.raises(ReadError, match="missing.txt: no such file"):
        read_articles([str(TXT), str(tmp_path / "missing.txt")])


def test_read_articles_refuses_a_single_path():
    with pytest.raises(TypeError):
        read_articles(str(TXT))


# -- cost ---------------------------------------------------------------------------------


def test_plain_text_does_not_import_trafilatura():
    src = Path(geonews.__file__).parents[1]
    code = (
        "import sys; from geonews.read.articles import read_article; "
        f"read_article({str(TXT)!r}); read_article({str(MD)!r}); "
        "print('trafilatura' in sys.modules, 'lxml' in sys.modules)"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.split() == ["False", "False"]
