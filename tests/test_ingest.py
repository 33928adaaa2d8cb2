"""Ingest: files, directories, JSONL, stdin, URLs and feeds into the store.

Web sources come from the local server of test_fetch. Two tests run real
``geonews ingest`` processes: two at once on one store, and one killed inside
a write transaction.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from test_fetch import FakeTime, LocalServer, rss

from geonews.living.ingest import IngestReport, ingest
from geonews.living.store import Store
from geonews.read.fetch import Fetcher

TOWNS = ["Kherson", "Sumy", "Kupiansk", "Pokrovsk", "Izium", "Nikopol", "Kramatorsk"]


def article_text(i: int) -> str:
    town = TOWNS[i % len(TOWNS)]
    return (
        f"Russian artillery shelled {town} overnight, officials said (report {i}). "
        f"Ukrainian troops reinforced positions near {town}."
    )


def write_jsonl(path: Path, ids, extra: dict | None = None) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for i in ids:
            row = {"id": f"n{i}", "text": article_text(i), "published": "2025-04-01", "lang": "en"}
            f.write(json.dumps({**row, **(extra or {})}) + "\n")
    return path


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "events.db") as s:
        yield s


@pytest.fixture
def server():
    with LocalServer() as s:
        yield s


def quiet_fetcher() -> Fetcher:
    t = FakeTime()
    return Fetcher(clock=t.clock, sleep=t.sleep, timeout=2)


def lock_directory(monkeypatch, path: Path) -> None:
    """Act as if ``path`` were mode 000 for us, also as root: it can be stat'ed, but not
    listed, and nothing inside it can be stat'ed."""
    real_stat, real_scandir = os.stat, os.scandir
    locked = os.path.abspath(path)

    def stat(p, *args, **kwargs):
        if not isinstance(p, int) and os.path.abspath(os.fsdecode(p)).startswith(locked + os.sep):
            raise PermissionError(13, "Permission denied", os.fsdecode(p))
        return real_stat(p, *args, **kwargs)

    def scandir(p="."):
        if not isinstance(p, int) and os.path.abspath(os.fsdecode(p)).startswith(locked):
            raise PermissionError(13, "Permission denied", os.fsdecode(p))
        return real_scandir(p)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "scandir", scandir)


# ---------------------------------------------------------------- files


def test_directories_are_walked_by_extension(tmp_path, store):
    root = tmp_path / "in"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_text(article_text(0))
    (root / "sub" / "b.md").write_text("# Sumy\n\n" + article_text(1))
    (root / "sub" / "deeper" / "c.html").write_text(
        f"<html><body><article><p>{article_text(2)}</p></article></body></html>"
    )
    (root / "sub" / "notes.docx").write_bytes(b"PK\x03\x04 not read")
    (root / ".hidden" / "d.txt").write_text(article_text(3))
    (root / ".e.txt").write_text(article_text(4))
    report = ingest([str(root)], store)
    assert (report.new, report.unchanged, report.failed) == (3, 0, [])
    assert report.events == store.stats().events > 0
    assert store.check() == []


def test_ingesting_again_changes_nothing_and_reads_nothing(tmp_path, store, monkeypatch):
    (tmp_path / "a.txt").write_text(article_text(0))
    write_jsonl(tmp_path / "c.jsonl", range(1, 4))
    first = ingest([str(tmp_path)], store)
    assert (first.new, first.unchanged) == (4, 0)

    import geonews.read.articles

    def no_reading(*args, **kwargs):
        raise AssertionError("an unchanged file was read again")

    monkeypatch.setattr(geonews.read.articles, "read_article", no_reading)
    again = ingest([str(tmp_path)], store)
    assert (again.new, again.updated, again.unchanged, again.failed) == (0, 0, 4, [])
    assert not again.changed


def test_a_touched_but_identical_file_is_unchanged(tmp_path, store):
    path = tmp_path / "a.txt"
    path.write_text(article_text(0))
    ingest([str(path)], store)
    os.utime(path, ns=(1, 1))
    assert ingest([str(path)], store).unchanged == 1


def test_a_rewritten_file_is_a_new_article(tmp_path, store):
    path = tmp_path / "a.txt"
    path.write_text(article_text(0))
    ingest([str(path)], store)
    path.write_text(article_text(1))
    os.utime(path, ns=(2, 2))
    assert ingest([str(path)], store).new == 1  # no URL: identity is the text


def test_bad_articles_are_failures_not_the_end(tmp_path, store):
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "good.txt").write_text(article_text(0))
    report = ingest([str(tmp_path), str(tmp_path / "missing.txt")], store)
    assert report.new == 1
    reasons = dict(report.failed)
    assert set(reasons) == {
        str(tmp_path / "empty.txt"),
        str(tmp_path / "binary.txt"),
        str(tmp_path / "missing.txt"),
    }
    assert "empty" in reasons[str(tmp_path / "empty.txt")]
    assert "no such file" in reasons[str(tmp_path / "missing.txt")]


def test_jsonl_corpus_with_bad_lines(tmp_path, store):
    path = write_jsonl(tmp_path / "corpus.jsonl", range(3))
    with path.open("a") as f:
        f.write("{not json\n\n")
        f.write(json.dumps({"id": "no-text", "title": "x"}) + "\n")
        f.write(json.dumps(["a", "list"]) + "\n")
        f.write(json.dumps({"id": "bad-date", "text": "Kherson.", "published": "soon"}) + "\n")
    report = ingest([str(path)], store)
    assert report.new == 3
    failed = dict(report.failed)
    assert list(failed) == [
        f"{path}:4",
        f"{path}#no-text",
        f"{path}:7",
        f"{path}#bad-date",
    ]
    assert "Expecting property name" in failed[f"{path}:4"]
    assert 'no "text"' in failed[f"{path}#no-text"]
    assert "bad publication date" in failed[f"{path}#bad-date"]
    arts = list(store.articles())
    assert arts[0]["published"] == "2025-04-01" and arts[0]["lang"] == "en"
    # a corpus with failures is read again next time; what was stored is unchanged
    again = ingest([str(path)], store)
    assert (again.new, again.unchanged, len(again.failed)) == (0, 3, 4)


@pytest.mark.parametrize(
    ("line", "label", "reason"),
    [
        ('{"id": "bad", "text": "Kherson.", "url": {"a": 1}}', "#bad",
         '"url" must be a string, not an object'),
        ('{"id": "bad", "text": "Kherson.", "title": ["x"]}', "#bad",
         '"title" must be a string, not an array'),
        ('{"id": "bad", "text": "Kherson.", "lang": 5}', "#bad",
         '"lang" must be a string, not a number'),
        ('{"id": "bad", "text": "Kherson.", "published": true}', "#bad",
         '"published" must be a string, not true/false'),
        ('{"id": {"a": 1}, "text": "Kherson."}', ":4",
         '"id" must be a string or a number, not an object'),
        ('{"id": "bad", "text": "Kherson \\ud800."}', "#bad",
         '"text" is not valid Unicode (a lone surrogate)'),
        ('{"id": "bad", "text": "Kherson.", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", ":4",
         "not a JSON object (nested too deeply)"),
    ],
    ids=["url-object", "title-array", "lang-number", "published-bool", "id-object",
         "lone-surrogate", "deep-nesting"],
)  # fmt: skip
def test_a_jsonl_record_with_bad_fields_is_skipped(tmp_path, store, line, label, reason):
    path = write_jsonl(tmp_path / "c.jsonl", range(3))
    with path.open("a") as f:
        f.write(line + "\n")
    with path.open("a") as f:
        for i in range(3, 6):
            f.write(json.dumps({"id": f"n{i}", "text": article_text(i)}) + "\n")
    report = ingest([str(path)], store)
    assert report.new == 6
    assert report.failed == [(f"{path}{label}", f"{path}{label}: {reason}")]
    assert store.stats().articles == 6


def test_jsonl_urls_identify_articles_and_updates_replace_events(tmp_path, store):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": 1, "url": "https://e.example/1", "text": article_text(0)}))
    ingest([str(path)], store)
    before = [e.place.name for e in store.events()]
    path.write_text(json.dumps({"id": 1, "url": "https://e.example/1", "text": article_text(3)}))
    report = ingest([str(path)], store)
    assert (report.new, report.updated) == (0, 1)
    after = [e.place.name for e in store.events()]
    assert "Kherson" in before and "Kherson" not in after and "Pokrovsk" in after
    assert store.stats().articles == 1


def test_stdin_article_and_stdin_jsonl(store):
    r = ingest(["-"], store, stdin=io.BytesIO(article_text(0).encode()))
    assert r.new == 1
    lines = "\n".join(json.dumps({"id": i, "text": article_text(i)}) for i in (1, 2))
    r = ingest(["-"], store, stdin=io.BytesIO(lines.encode()))
    assert r.new == 2
    sources = {a["source"] for a in store.articles()}
    assert sources == {"<stdin>", "<stdin>#1", "<stdin>#2"}


def test_workers_give_the_same_store_as_one_process(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", range(40))
    results = []
    for jobs in (1, 2):
        with Store(tmp_path / f"j{jobs}.db") as s:
            report = ingest([str(corpus)], s, jobs=jobs, batch_size=7)
            results.append(
                (report.new, report.events, sorted(e.to_dict()["sentence"] for e in s.events()))
            )
    assert results[0] == results[1]
    assert results[0][0] == 40


def test_an_unexpected_error_on_one_article_does_not_stop_the_batch(tmp_path, store, monkeypatch):
    import geonews.pipeline

    real = geonews.pipeline.analyse

    def analyse(article, *args, **kwargs):
        if "report 1)" in article.text:
            raise KeyError("boom")
        return real(article, *args, **kwargs)

    monkeypatch.setattr(geonews.pipeline, "analyse", analyse)
    report = ingest([str(write_jsonl(tmp_path / "c.jsonl", range(3)))], store)
    assert report.new == 2
    label = f"{tmp_path / 'c.jsonl'}#n1"
    assert report.failed == [(label, f"{label}: internal error: KeyError: 'boom'")]


def test_progress_is_reported(tmp_path, store):
    calls = []
    ingest(
        [str(write_jsonl(tmp_path / "c.jsonl", range(3)))],
        store,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[-1] == (3, 3)


def test_a_directory_that_cannot_be_listed_is_a_failure(tmp_path, store, monkeypatch):
    (tmp_path / "in" / "locked").mkdir(parents=True)
    (tmp_path / "in" / "locked" / "a.txt").write_text(article_text(0))
    (tmp_path / "in" / "b.txt").write_text(article_text(1))
    (tmp_path / "closed").mkdir()
    lock_directory(monkeypatch, tmp_path / "in" / "locked")
    lock_directory(monkeypatch, tmp_path / "closed")
    report = ingest([str(tmp_path / "in"), str(tmp_path / "closed")], store)
    assert report.new == 1
    assert report.failed == [
        (str(p), f"{p}: cannot list directory (Permission denied)")
        for p in (tmp_path / "in" / "locked", tmp_path / "closed")
    ]


def test_report_summary():
    r = IngestReport(new=3, updated=1, unchanged=5, events=42)
    r.fail("x", "x: broken\n  badly")
    assert r.summary() == "3 new, 1 updated, 5 unchanged, 1 failed; 42 events added"
    assert r.failed == [("x", "x: broken badly")]
    assert r.total == 10


# ---------------------------------------------------------------- the web


def test_a_url_and_its_update(server, store):
    server.article_pages(2)
    page = server.pages["/a/1"]
    r = ingest([server.url("/a/1")], store, fetcher=quiet_fetcher())
    assert r.new == 1
    assert ingest([server.url("/a/1")], store, fetcher=quiet_fetcher()).unchanged == 1
    server.pages["/a/1"] = server.pages["/a/2"]  # the page was rewritten
    r = ingest([server.url("/a/1")], store, fetcher=quiet_fetcher())
    assert (r.new, r.updated) == (0, 1)
    assert store.stats().articles == 1
    assert page != server.pages["/a/1"]


def test_a_feed_fetches_each_link_once(server, store):
    server.article_pages(3)
    server.pages["/feed"] = (200, {"Content-Type": "application/rss+xml"}, rss(server.base))
    r = ingest([server.url("/feed")], store, fetcher=quiet_fetcher())
    assert (r.new, r.failed) == (3, [])
    titles = sorted(a["title"] for a in store.articles())
    assert titles == ["Report 1", "Report 2", "Report 3"]
    r = ingest([server.url("/feed")], store, fetcher=quiet_fetcher())
    assert r.unchanged == 3
    assert all(server.hits[f"/a/{i}"] == 1 for i in (1, 2, 3))  # stored links: not fetched again


def test_a_feed_entry_that_fails_is_reported(server, store):
    server.article_pages(3)
    server.pages["/feed"] = (200, {"Content-Type": "application/rss+xml"},
                             rss(server.base, missing=2))  # fmt: skip
    r = ingest([server.url("/feed")], store, fetcher=quiet_fetcher())
    assert r.new == 2
    assert r.failed == [(server.url("/missing"), f"{server.url('/missing')}: HTTP 404 Not Found")]


def test_a_feed_without_fetching_uses_summaries(server, store, tmp_path):
    feed = tmp_path / "front.rss"
    feed.write_text(rss(server.base))
    r = ingest([str(feed)], store, fetch_links=False)
    assert r.new == 3
    assert server.hits == {}
    urls = sorted(a["url"] for a in store.articles())
    assert urls == [server.url(f"/a/{i}") for i in (1, 2, 3)]
    assert {e.place.geonameid for e in store.events()} == {703656}  # Kupiansk


def test_an_empty_feed_file_or_response_is_a_failure(tmp_path, server, store):
    (tmp_path / "empty.rss").write_bytes(b"")
    server.pages["/empty"] = (200, {"Content-Type": "application/rss+xml"}, b"")
    r = ingest([str(tmp_path / "empty.rss"), server.url("/empty")], store, fetcher=quiet_fetcher())
    assert r.failed == [
        (str(tmp_path / "empty.rss"), f"{tmp_path / 'empty.rss'} is empty, not a feed"),
        (server.url("/empty"), f"{server.url('/empty')} is empty, not a feed"),
    ]


def test_a_feed_without_items_has_no_articles(tmp_path, server, store):
    (tmp_path / "none.rss").write_text(rss(server.base, n=0))
    server.pages["/none"] = (200, {"Content-Type": "application/rss+xml"}, rss(server.base, n=0))
    r = ingest([str(tmp_path / "none.rss"), server.url("/none")], store, fetcher=quiet_fetcher())
    assert (r.total, r.failed) == (0, [])


def test_web_failures_are_reported(server, store):
    server.pages["/img"] = (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n....")
    r = ingest([server.url("/img"), server.url("/nope")], store, fetcher=quiet_fetcher())
    assert [reason for _, reason in r.failed] == [
        f"{server.url('/img')}: not an article (content type image/png; expected HTML or plain text)",
        f"{server.url('/nope')}: HTTP 404 Not Found",
    ]


# ---------------------------------------------------------------- processes


def _env() -> dict:
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_two_ingest_processes_at_once_lose_nothing(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", range(60))
    b = write_jsonl(tmp_path / "b.jsonl", range(30, 90))
    db = tmp_path / "shared.db"
    cmd = [sys.executable, "-c", "from geonews.cli import main; main()", "ingest", "--db", str(db)]
    procs = [
        subprocess.Popen([*cmd, str(p)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=_env())
        for p in (a, b)
    ]  # fmt: skip
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    with Store(db) as s:
        assert s.stats().articles == 90
        assert s.check() == []
    news = sorted(int(o.split(": ")[1].split(" new")[0]) for o, _ in outs)
    assert sum(news) == 90  # the 30 shared articles were added once, by one of them


KILLED = textwrap.dedent(
    """
    import sys, time
    from geonews.living.ingest import ingest
    from geonews.living.store import Store

    calls = [0]
    real = Store._upsert_article

    def upsert(self, db, p, now, *rest):
        calls[0] += 1
        if calls[0] == 8:  # the third article of the second batch: a transaction is open
            print("inside", flush=True)
            time.sleep(120)
        return real(self, db, p, now, *rest)

    Store._upsert_article = upsert
    with Store(sys.argv[1]) as store:
        ingest([sys.argv[2]], store, batch_size=5)
    """
)


def test_a_process_killed_mid_ingest_leaves_a_consistent_store(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", range(20))
    db = tmp_path / "killed.db"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(db), str(corpus)],
        stdout=subprocess.PIPE, text=True, env=_env(),
    )  # fmt: skip
    try:
        assert proc.stdout.readline().strip() == "inside"
    finally:
        proc.kill()
        proc.wait(timeout=30)
    with Store(db) as s:
        assert s.check() == []
        assert s.stats().articles == 5  # the first batch, whole; nothing of the second
        report = ingest([str(corpus)], s)
        assert (report.new, report.unchanged) == (15, 5)
        assert s.check() == []


def _proc_stat(pid: int) -> list[str] | None:
    """/proc/PID/stat's fields after the command name (state, ppid, ...), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, start time) of the processes whose parent is ``pid``."""
    kids = []
    for entry in os.listdir("/proc"):
        fields = _proc_stat(int(entry)) if entry.isdigit() else None
        if fields and fields[1] == str(pid):
            kids.append((int(entry), fields[19]))
    return kids


def _alive(pid: int, start: str) -> bool:
    fields = _proc_stat(pid)
    return fields is not None and fields[19] == start and fields[0] != "Z"  # a zombie is dead


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="finds processes in /proc")
def test_workers_die_with_a_killed_parent(tmp_path):
    import signal
    import time

    corpus = write_jsonl(tmp_path / "c.jsonl", range(3000))
    proc = subprocess.Popen(
        [sys.executable, "-c", "from geonews.cli import main; main()", "ingest", "-j", "2",
         "--db", str(tmp_path / "k.db"), str(corpus)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(),
    )  # fmt: skip
    kids: list[tuple[int, str]] = []
    try:
        deadline = time.monotonic() + 60
        while len(kids) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
            kids = _children(proc.pid)
        assert len(kids) >= 2, "the workers did not start"
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 5
        while any(_alive(*k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [k for k in kids if _alive(*k)] == []
    finally:
        proc.kill()
        for pid, start in kids:
            if _alive(pid, start):
                os.kill(pid, signal.SIGKILL)
