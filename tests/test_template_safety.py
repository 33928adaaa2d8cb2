"""Article text is data, never template source.

folium renders through Jinja, and branca compiled each element's rendered output
(article text included) as a new template, so a news article could run code
(issue: "Article text runs as a template"). These tests push a corpus of
template and script payloads through every command that writes HTML or exports
events, and check three things:

* no template is compiled from a string holding article text (a spy on
  Jinja's compiler sees every template source);
* nothing happens on the machine: no directory is made, no environment
  variable is set;
* the payloads come out as the article wrote them, never evaluated.

What a browser does with the pages is in test_browser.py.
"""

from __future__ import annotations

import json
import os

import jinja2
import pytest
from click.testing import CliRunner

from geonews.cli import main

#: Evaluated by Jinja, these make a directory, set a variable or print a marker.
SIDE_EFFECTS = (
    "{{ cycler.__init__.__globals__.os.mkdir(dict(pwned=1)|first) }}",
    (
        "{{ cycler.__init__.__globals__.os.environ.setdefault("
        "dict(GEONEWS_PWNED=1)|first, dict(yes=1)|first) }}"
    ),
)
EVALUATED = "{{ dict(EVALU=1)|first ~ dict(ATED=1)|first }}"  # "EVALUATED" only when run
STATEMENT = "{% if 1 %}RAN{% endif %}"
COMMENT = "{# hidden #}"
_CHR = "cycler.__init__.__globals__.__builtins__.chr"
BUILT_TAG = f"{{{{ {_CHR}(60) }}}}/script{{{{ {_CHR}(62) }}}}{{{{ {_CHR}(60) }}}}img src=x>"
SCRIPT = (
    "${window.__pwned=1}",
    "</script><script>window.__pwned=2</script>",
    '<img src=x onerror="window.__pwned=3">',
    "javascript:window.__pwned=4",
    "\u2028",
)
BARE = "{{ and {% and {#"

#: A word in every payload sentence, to find template sources that hold article text.
MARKER = "Zorvexian"


def _article() -> str:
    payloads = [*SIDE_EFFECTS, EVALUATED, STATEMENT, COMMENT, BUILT_TAG, *SCRIPT, BARE]
    return "\n\n".join(
        f"Russian drones struck Kherson on Monday, killing two {MARKER} civilians {p} there."
        for p in payloads
    )


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GEONEWS_PWNED", raising=False)
    monkeypatch.delenv("GEONEWS_DB", raising=False)
    (tmp_path / "a.txt").write_text(_article(), encoding="utf-8")
    (tmp_path / "a.html").write_text(
        f"<html><head><title>{MARKER} {EVALUATED} {STATEMENT}</title></head><body>"
        f"<article><p>{_article()}</p></article></body></html>".replace("\n\n", "</p><p>"),
        encoding="utf-8",
    )
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "b.txt").write_text(_article(), encoding="utf-8")
    return tmp_path


@pytest.fixture
def compiled(monkeypatch):
    """Every template source Jinja compiles while the test runs."""
    sources: list[str] = []
    real = jinja2.Environment.compile

    def spy(self, source, *args, **kwargs):
        if isinstance(source, str):
            sources.append(source)
        return real(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", spy)
    return sources


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _assert_inert(workdir, compiled, outputs: list[str]) -> None:
    assert [s for s in compiled if MARKER in s] == []  # article text was never a template
    assert not (workdir / "pwned").exists()
    assert "GEONEWS_PWNED" not in os.environ
    for text in outputs:
        assert MARKER in text
        assert "EVALUATED" not in text
        assert STATEMENT in text and COMMENT in text


MAP_PATHS = {
    "map": [],
    "offline": ["--offline"],
    "fragment": ["--fragment"],
    "iframe": ["--iframe"],
}


@pytest.mark.parametrize("flags", MAP_PATHS.values(), ids=MAP_PATHS.keys())
def test_map_runs_no_article_text(workdir, compiled, flags):
    printed = _run(
        "map", "a.txt", "a.html", "-o", "out.html", *flags,
        "--title", f"{MARKER} {EVALUATED} {STATEMENT} {COMMENT} {SIDE_EFFECTS[0]}",
        "--url", f"https://news.example/{MARKER}?q={EVALUATED}",
    )  # fmt: skip
    html = (workdir / "out.html").read_text(encoding="utf-8")
    _assert_inert(workdir, compiled, [html])
    if "--iframe" in flags:
        assert "<iframe" in printed and "EVALUATED" not in printed


def test_a_bare_brace_is_no_error(workdir, compiled):
    (workdir / "bare.txt").write_text(
        "Shelling of Kherson {{ killed two civilians. {% Mines near Sumy {#.", encoding="utf-8"
    )
    _run("map", "bare.txt", "-o", "bare.html")
    html = (workdir / "bare.html").read_text(encoding="utf-8")
    assert "Kherson {{ killed" in html and "{% Mines" in html


@pytest.mark.parametrize("offline", [False, True], ids=["cdn", "offline"])
def test_living_map_runs_no_article_text(workdir, compiled, offline):
    _run("ingest", "a.txt", "a.html", "--db", "s.db")
    extra = ["--offline"] if offline else []
    _run("render", "--db", "s.db", "-o", "living.html", "--title", f"{MARKER} {EVALUATED}",
         "--source", EVALUATED[:20], *extra)  # fmt: skip
    _run("render", "--db", "s.db", "-o", "frag.html", "--fragment", *extra)
    _run("watch", "inbox", "--db", "w.db", "--every", "1s", "--max-cycles", "1",
         "-o", "watched.html", "--title", f"{MARKER} {EVALUATED}", *extra)  # fmt: skip
    pages = [(workdir / n).read_text(encoding="utf-8") for n in ("frag.html", "watched.html")]
    living = (workdir / "living.html").read_text(encoding="utf-8")
    assert "EVALUATED" not in living  # the filter text matches nothing, and runs nothing
    _assert_inert(workdir, compiled, pages)


@pytest.mark.parametrize("fmt", ["geojson", "csv", "jsonl", "gpkg"])
def test_exports_keep_the_payloads_as_text(workdir, compiled, fmt):
    _run("ingest", "a.txt", "--db", "s.db")
    _run("events", "--db", "s.db", "-f", fmt, "-o", f"out.{fmt}")
    data = (workdir / f"out.{fmt}").read_bytes()
    assert [s for s in compiled if MARKER in s] == []
    assert not (workdir / "pwned").exists() and "GEONEWS_PWNED" not in os.environ
    if fmt != "gpkg":
        text = data.decode("utf-8")
        if fmt == "geojson":
            text = json.dumps(json.loads(text), ensure_ascii=False)
        assert MARKER in text and "EVALUATED" not in text


def test_a_payload_that_would_run_does_nothing(workdir, compiled):
    # alone (with no payload that fails to compile beside it), as an attacker would send it
    (workdir / "p.txt").write_text(
        f"Russian drones struck Kherson, killing two {MARKER} civilians. "
        + " ".join(SIDE_EFFECTS) + " " + EVALUATED, encoding="utf-8"
    )  # fmt: skip
    for flags in ([], ["--offline"], ["--fragment"]):
        _run("map", "p.txt", "-o", "p.html", *flags)
        html = (workdir / "p.html").read_text(encoding="utf-8")
        assert not (workdir / "pwned").exists() and "GEONEWS_PWNED" not in os.environ
        assert MARKER in html and "EVALUATED" not in html
    assert [s for s in compiled if MARKER in s] == []


def test_snapshot_of_a_payload_map_runs_nothing(workdir, compiled):
    from geonews.render.snapshot import BrowserNotFoundError, find_browser

    try:
        find_browser()
    except BrowserNotFoundError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the browser tests: {exc}")
        pytest.skip(f"no headless browser: {exc}")
    _run("map", "a.txt", "-o", "snap.html", "--offline", "--title", f"{MARKER} {EVALUATED}")
    _run("snapshot", "snap.html", "-o", "snap.png", "--size", "400x300")
    assert (workdir / "snap.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    html = (workdir / "snap.html").read_text(encoding="utf-8")
    _assert_inert(workdir, compiled, [html])
