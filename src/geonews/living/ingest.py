"""Ingest articles into the event store: ``geonews ingest``'s library call.

Sources are expanded into *jobs* in this process: files (directories walked
recursively, by extension), JSONL corpora (one ``{"id", "text", ...}`` object a
line), standard input, URLs and RSS/Atom feeds (files or URLs; each entry's link
is fetched, or its summary used when fetching is off). What the store already
holds is skipped before any analysis: an input file unchanged since it was
stored (same size and mtime), an article whose URL or text is stored, a feed
entry whose link is stored and not updated since.

Jobs are analysed by ``jobs`` worker processes (or in this process when
``jobs == 1``); workers return ready-made rows (:func:`geonews.living.rows.prepare`)
and this process writes them in batches, one transaction each. One bad article
is a failure in the report, never the end of the batch.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from geonews.errors import GeonewsError, ReadError
from geonews.living.incidents import IncidentOptions
from geonews.living.rows import PreparedArticle, prepare
from geonews.living.store import Store
from geonews.model import Article

__all__ = ["ARTICLE_EXTENSIONS", "FEED_EXTENSIONS", "JSONL_EXTENSIONS", "IngestReport", "ingest"]

ARTICLE_EXTENSIONS = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml")
JSONL_EXTENSIONS = (".jsonl", ".ndjson")
FEED_EXTENSIONS = (".rss", ".atom", ".xml")
DEFAULT_EXTENSIONS = ARTICLE_EXTENSIONS + JSONL_EXTENSIONS + FEED_EXTENSIONS

_CHUNK = 16  # articles per task sent to a worker


# ---------------------------------------------------------------- report


@dataclass
class IngestReport:
    """What an ingest did: counts per outcome, failures with reasons, events added."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    events: int = 0  # events written (of new and updated articles)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True if the store changed (something new or updated)."""
        return bool(self.new or self.updated)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged + len(self.failed)

    def count(self, status: str, n_events: int = 0) -> None:
        setattr(self, status, getattr(self, status) + 1)
        if status != "unchanged":
            self.events += n_events

    def fail(self, source: str, reason: str) -> None:
        self.failed.append((source, " ".join(reason.split())))

    def summary(self) -> str:
        """'3 new, 1 updated, 5 unchanged, 0 failed; 42 events added'."""
        return (
            f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.failed)} failed; {self.events} event{'s' * (self.events != 1)} added"
        )

    def merge(self, other: IngestReport) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.failed.extend(other.failed)
        self.events += other.events


# ---------------------------------------------------------------- jobs


@dataclass(frozen=True)
class _FileJob:
    """One article file, read and analysed by a worker."""

    path: str
    size: int
    mtime_ns: int

    @property
    def label(self) -> str:
        return self.path


@dataclass(frozen=True)
class _ArticleJob:
    """An article already in memory (JSONL line, stdin, fetched page, feed entry)."""

    article: Article
    label: str
    ext_id: str | None = None


@dataclass(frozen=True)
class _Failure:
    label: str
    reason: str


@dataclass(frozen=True)
class _Skip:
    """Items the store already has: counted as unchanged without analysis."""

    label: str
    n: int = 1


@dataclass(frozen=True)
class _FileDone:
    """Marks the end of a multi-article file: remember it if all its articles were stored."""

    path: str
    size: int
    mtime_ns: int
    labels: frozenset[str]
    n: int


_Job = _FileJob | _ArticleJob


# ---------------------------------------------------------------- public API


def ingest(
    sources: Iterable[str],
    store: Store,
    *,
    jobs: int = 1,
    lang: str | None = None,
    join: str = "spatial",
    fetcher=None,
    fetch_links: bool = True,
    extensions: Sequence[str] = DEFAULT_EXTENSIONS,
    batch_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
    stdin=None,
    incidents: IncidentOptions | None = None,
) -> IngestReport:
    """Add the articles of ``sources`` (paths, directories, ``-``, URLs, feeds) to ``store``.

    ``jobs`` worker processes analyse the articles (``lang`` forces a language;
    ``join`` is :func:`geonews.pipeline.analyse`'s region join). ``fetcher`` is a
    :class:`geonews.read.fetch.Fetcher` for URLs (a default one is made when needed);
    with ``fetch_links=False`` feed entries are read from their summaries.
    ``extensions`` are the file name endings read when walking directories.
    Writes happen in this process in transactions of ``batch_size`` articles.
    ``progress(done, total)`` is called as articles are processed. ``incidents``
    sets the store's incident grouping parameters first (the store regroups its events
    if they changed; see :mod:`geonews.living.incidents`); None keeps the stored ones.

    Returns an :class:`IngestReport`. Raises only for problems with the store
    itself (:class:`~geonews.errors.StoreError`) or bad arguments; an article that
    cannot be read, fetched or analysed is recorded as a failure.
    """
    if isinstance(sources, str):
        raise TypeError("ingest() takes a list of sources")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    started = time.perf_counter()
    if incidents is not None:
        store.set_incident_options(incidents)
    report = IngestReport()
    exts = tuple(e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions)
    items = list(
        _expand(list(sources), store, exts, fetcher, fetch_links, lang, stdin or sys.stdin)
    )
    _run(items, store, report, jobs=jobs, lang=lang, join=join, batch_size=batch_size,
         progress=progress)  # fmt: skip
    report.seconds = time.perf_counter() - started
    return report


# ---------------------------------------------------------------- expansion


def _expand(sources, store, exts, fetcher, fetch_links, lang, stdin) -> Iterator:
    """Sources → jobs, skips and failures, in order."""
    from geonews.read.fetch import is_url

    for source in sources:
        source = os.fspath(source)
        try:
            if source == "-":
                yield from _stdin_items(stdin, store, lang)
            elif is_url(source):
                fetcher = fetcher or _default_fetcher()
                yield from _url_items(source, store, fetcher, fetch_links, lang)
            elif os.path.isdir(source):
                for path in _walk(source, exts):
                    if isinstance(path, _Failure):
                        yield path
                    else:
                        yield from _file_items(path, store, fetcher, fetch_links, lang)
            else:
                yield from _file_items(source, store, fetcher, fetch_links, lang)
        except GeonewsError as exc:
            yield _Failure(source, str(exc))


def _default_fetcher():
    from geonews.read.fetch import Fetcher

    return Fetcher()


def _walk(root: str, exts: tuple[str, ...]) -> Iterator[str | _Failure]:
    """Files under ``root`` with one of ``exts``, sorted, hidden files and folders skipped;
    a failure for each directory that cannot be listed."""
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        yield from _walk_failures(errors)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and name.lower().endswith(exts):
                yield os.path.join(dirpath, name)
    yield from _walk_failures(errors)


def _walk_failures(errors: list[OSError]) -> Iterator[_Failure]:
    for exc in errors:
        path = exc.filename
        yield _Failure(path, f"{path}: cannot list directory ({exc.strerror or exc})")
    errors.clear()


def _file_items(path, store, fetcher, fetch_links, lang) -> Iterator:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        yield _Failure(path, f"{path}: no such file")
        return
    except OSError as exc:
        yield _Failure(path, f"{path}: cannot read ({exc.strerror or exc})")
        return
    key = os.path.abspath(path)
    n = store.file_unchanged(key, st.st_size, st.st_mtime_ns)
    if n is not None:
        yield _Skip(path, n)
        return
    lower = path.lower()
    if lower.endswith(JSONL_EXTENSIONS) or lower.endswith(FEED_EXTENSIONS):
        if lower.endswith(JSONL_EXTENSIONS):
            items = list(_jsonl_items(path, store, lang))
        else:
            items = list(_feed_items(_read_bytes(path), path, store, fetcher, fetch_links, lang))
        yield from items
        labels = frozenset(i.label for i in items)
        n = sum(i.n if isinstance(i, _Skip) else 1 for i in items)
        yield _FileDone(key, st.st_size, st.st_mtime_ns, labels, n)
        return
    yield _FileJob(path, st.st_size, st.st_mtime_ns)


def _read_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise ReadError(f"{path}: cannot read ({exc.strerror or exc})", path) from exc


def _known(store: Store, job: _ArticleJob):
    return _Skip(job.label) if store.known(job.article) else job


def _jsonl_items(path: str, store: Store, lang: str | None) -> Iterator:
    try:
        with open(path, encoding="utf-8") as f:
            yield from _jsonl_lines(f, path, store, lang)
    except OSError as exc:
        yield _Failure(path, f"{path}: cannot read ({exc.strerror or exc})")


def _jsonl_lines(f, path: str, store: Store, lang: str | None) -> Iterator:
    from geonews.read.articles import article_from_text

    lineno = 0
    while True:
        label = f"{path}:{lineno + 1}"
        try:
            line = f.readline()
        except UnicodeDecodeError:
            yield _Failure(label, f"{label}: not UTF-8 text; stopped reading this file")
            return
        if not line:
            return
        lineno += 1
        if not line.strip():
            continue
        try:
            obj = _json_object(line)
            ext_id = obj.get("id")
            ext_id = None if ext_id is None else str(ext_id)
            label = f"{path}#{ext_id}" if ext_id else label
            _check_fields(obj)
            text = obj.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ValueError('no "text"')
            article = article_from_text(
                text,
                title=obj.get("title"),
                url=obj.get("url"),
                published=obj.get("published") or obj.get("date"),
                lang=obj.get("lang") or lang,
                source=obj.get("source") or label,
            )
        except (ValueError, TypeError) as exc:  # json errors and ReadError are ValueErrors
            reason = str(exc) if isinstance(exc, ReadError) else f"{label}: {exc}"
            yield _Failure(label, reason)
            continue
        yield _known(store, _ArticleJob(article, label, ext_id))


# JSONL fields read as text; "id" may also be a number.
_JSONL_TEXT_FIELDS = ("text", "title", "url", "published", "date", "lang", "source")
_JSON_TYPES = {dict: "an object", list: "an array", bool: "true/false", int: "a number",
               float: "a number", str: "a string"}  # fmt: skip


def _json_object(line: str) -> dict:
    """One JSONL line as an object with a valid "id" if any (else a ValueError or TypeError)."""
    try:
        obj = json.loads(line)
    except RecursionError:
        raise ValueError("not a JSON object (nested too deeply)") from None
    if not isinstance(obj, dict):
        raise TypeError("not a JSON object")
    ext_id = obj.get("id")
    if ext_id is not None:
        if isinstance(ext_id, bool) or not isinstance(ext_id, str | int | float):
            raise TypeError(f'"id" must be a string or a number, not {_JSON_TYPES[type(ext_id)]}')
        _check_unicode("id", str(ext_id))
    return obj


def _check_fields(obj: dict) -> None:
    """Raise a TypeError or ValueError unless the fields geonews reads are strings or null."""
    for key in _JSONL_TEXT_FIELDS:
        value = obj.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise TypeError(f'"{key}" must be a string, not {_JSON_TYPES[type(value)]}')
            _check_unicode(key, value)


def _check_unicode(key: str, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f'"{key}" is not valid Unicode (a lone surrogate)') from None


def _stdin_items(stdin, store: Store, lang: str | None) -> Iterator:
    """Standard input: one article, or a JSONL corpus when every line is a JSON object."""
    import io

    from geonews.read.articles import STDIN_NAME, article_from_bytes

    stream = getattr(stdin, "buffer", stdin)
    data = stream.read()
    if isinstance(data, str):
        data = data.encode("utf-8")
    lines = [x for x in data.splitlines() if x.strip()]
    if lines and all(x.lstrip().startswith(b"{") for x in lines):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            yield _Failure(STDIN_NAME, f"{STDIN_NAME}: not UTF-8 text")
            return
        yield from _jsonl_lines(io.StringIO(text), STDIN_NAME, store, lang)
        return
    article = article_from_bytes(data, source=STDIN_NAME, lang=lang)
    yield _known(store, _ArticleJob(article, STDIN_NAME))


def _url_items(url: str, store: Store, fetcher, fetch_links: bool, lang) -> Iterator:
    from geonews.read.fetch import article_from_response, is_feed

    resp = fetcher.get(url)
    if is_feed(resp):
        yield from _feed_items(resp.data, resp.url, store, fetcher, fetch_links, lang)
        return
    yield _known(store, _ArticleJob(article_from_response(resp, lang=lang), url))


def _feed_items(data: bytes, source: str, store, fetcher, fetch_links: bool, lang) -> Iterator:
    from geonews.read.fetch import article_from_response, parse_feed

    for i, entry in enumerate(parse_feed(data, source=source)):
        label = entry.link or f"{source}#{entry.id or i + 1}"
        try:
            if fetch_links and entry.link:
                fetched = store.fetched_at(entry.link)
                if fetched is not None and not _newer(entry.updated, fetched):
                    yield _Skip(label)
                    continue
                fetcher = fetcher or _default_fetcher()
                article = article_from_response(
                    fetcher.get(entry.link), title=entry.title, published=entry.published, lang=lang
                )
            else:
                article = entry.to_article(source=source, lang=lang)
        except GeonewsError as exc:
            yield _Failure(label, str(exc))
            continue
        yield _known(store, _ArticleJob(article, label))


def _newer(updated: datetime | None, fetched: str) -> bool:
    """True if a feed entry updated at ``updated`` (UTC, naive) is newer than ``fetched``."""
    if updated is None:
        return False
    stored = datetime.fromisoformat(fetched)
    return updated.replace(tzinfo=UTC) > stored


# ---------------------------------------------------------------- analysis


def _work_one(job: _Job, lang: str | None, join: str) -> tuple[str, PreparedArticle | None, str]:
    """Read (for files) and analyse one job: (label, rows, "") or (label, None, reason)."""
    from geonews.pipeline import analyse

    try:
        if isinstance(job, _FileJob):
            from geonews.read.articles import read_article

            article = read_article(job.path, lang=lang)
            file = (os.path.abspath(job.path), job.size, job.mtime_ns)
            return job.label, prepare(analyse(article, lang, join=join), file=file), ""
        analysis = analyse(job.article, lang, join=join)
        return job.label, prepare(analysis, ext_id=job.ext_id), ""
    except GeonewsError as exc:
        return job.label, None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a bug on one article must not stop the batch
        return job.label, None, f"{job.label}: internal error: {type(exc).__name__}: {exc}"


def _work_chunk(chunk: list[_Job], lang: str | None, join: str) -> list:
    from geonews.pipeline import batch_collections

    with batch_collections():
        return [_work_one(job, lang, join) for job in chunk]


def _init_worker(parent: int) -> None:
    """Load the gazetteer once per worker process, before the first article."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    _die_with_parent(parent)
    from geonews.gazetteer.index import load_gazetteer

    load_gazetteer()


def _die_with_parent(parent: int) -> None:
    """End this worker when process ``parent`` dies, even by SIGKILL: an orphaned worker
    would wait for tasks forever (its siblings hold the task pipe open)."""
    if sys.platform == "linux":
        import ctypes
        import signal

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            armed = False
        if armed:
            if os.getppid() != parent:  # it died before we asked
                os._exit(1)
            return
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="geonews-parent-watch", daemon=True).start()


def _results(jobs: list[_Job], n_workers: int, lang, join) -> Iterator:
    """Analyse ``jobs`` in order, in ``n_workers`` processes (or here when 1)."""
    if n_workers == 1 or len(jobs) <= _CHUNK:
        from geonews.pipeline import batch_collections

        with batch_collections():
            for job in jobs:
                yield _work_one(job, lang, join)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    ctx = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    chunks = [jobs[i : i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]
    pool = ProcessPoolExecutor(
        n_workers, mp_context=ctx, initializer=_init_worker, initargs=(os.getpid(),)
    )
    pending: deque = deque()
    try:
        it = iter(chunks)
        for chunk in it:
            pending.append(pool.submit(_work_chunk, chunk, lang, join))
            if len(pending) >= 4 * n_workers:
                break
        while pending:
            yield from pending.popleft().result()
            nxt = next(it, None)
            if nxt is not None:
                pending.append(pool.submit(_work_chunk, nxt, lang, join))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _run(items: list, store: Store, report: IngestReport, *, jobs, lang, join, batch_size,
         progress) -> None:  # fmt: skip
    work = [i for i in items if isinstance(i, _FileJob | _ArticleJob)]
    total = sum(i.n if isinstance(i, _Skip) else 1 for i in items if not isinstance(i, _FileDone))
    done = 0
    failed_labels: set[str] = set()
    for item in items:
        if isinstance(item, _Skip):
            report.unchanged += item.n
            done += item.n
        elif isinstance(item, _Failure):
            report.fail(item.label, item.reason)
            failed_labels.add(item.label)
            done += 1
    if progress and done:
        progress(done, total)
    batch: list[PreparedArticle] = []

    def flush() -> None:
        for outcome in store.write(batch):
            report.count(outcome.status, outcome.n_events)
        batch.clear()

    for label, prepared, reason in _results(work, jobs, lang, join):
        if prepared is None:
            report.fail(label, reason)
            failed_labels.add(label)
        else:
            batch.append(prepared)
            if len(batch) >= batch_size:
                flush()
        done += 1
        if progress:
            progress(done, total)
    if batch:
        flush()
    for item in items:
        if isinstance(item, _FileDone) and not (item.labels & failed_labels):
            store.record_file(item.path, item.size, item.mtime_ns, item.n)
