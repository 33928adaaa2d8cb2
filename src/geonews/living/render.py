"""The living map: render the event store over time, and keep it up to date.

:func:`render_store` draws the stored events that match a filter with
:func:`geonews.render.map.build_map` (choropleth of the window, one layer per event
type, flows, legend) and adds a time dimension: per event type, a folium
``Timeline`` layer driven by one ``TimelineSlider``. Events are grouped by
place and by day, week, month, quarter or year, the finest grouping that keeps
the timeline under ``max_timeline`` marks, and a box on the map says how they
were grouped. The page is written atomically with
:func:`geonews.render.map.save_map`.

:func:`watch` ingests its sources every ``every`` seconds and re-renders the
map only when the store changed, logging one line per cycle. Its clock and
sleep are seams, and ``max_cycles`` bounds it for tests.
"""

from __future__ import annotations

import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from geonews.errors import GeonewsError
from geonews.living.ingest import IngestReport, ingest
from geonews.living.query import EventFilter
from geonews.living.store import Store
from geonews.render.html import escape_html

__all__ = ["RenderResult", "WatchResult", "parse_interval", "render_store", "watch"]

log = logging.getLogger("geonews.watch")

#: Most marks drawn on the timeline; beyond that events are grouped more coarsely.
MAX_TIMELINE = 3000
#: Most incidents drawn one mark each; beyond that a mark holds the incidents of one type
#: at one place (the choropleth still counts incidents).
MAX_INCIDENT_MARKS = 5000
_BUCKETS = ("day", "week", "month", "quarter", "year")
_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True)
class RenderResult:
    """What :func:`render_store` drew."""

    path: Path
    events: int
    articles: int
    incidents: int
    first: date | None
    last: date | None
    bucket: str | None  # how the timeline groups events: day, week, month...
    timeline_marks: int
    note: str
    seconds: float

    def summary(self) -> str:
        span = f", {self.first} – {self.last}" if self.first else ""
        return (
            f"Wrote {self.path}: {self.incidents:,} incident{'s' * (self.incidents != 1)} "
            f"({self.events:,} event{'s' * (self.events != 1)} from "
            f"{self.articles:,} article{'s' * (self.articles != 1)}{span})"
            + (
                f"; timeline by {self.bucket} ({self.timeline_marks:,} marks)"
                if self.bucket
                else ""
            )
            + "."
        )


# ---------------------------------------------------------------- render


def render_store(
    store: Store,
    output: str | Path,
    *,
    where: EventFilter | None = None,
    title: str | None = None,
    tiles: str | None = "auto",
    offline: bool = False,
    cdn: bool = False,
    fragment: bool = False,
    height: str = "600px",
    max_timeline: int = MAX_TIMELINE,
    count: str = "incidents",
    max_incidents: int = MAX_INCIDENT_MARKS,
) -> RenderResult:
    """Draw the stored events matching ``where`` as a map with a timeline; write it to ``output``.

    ``title`` heads the map (default: "geonews" and the filter). The page is
    self-contained: its scripts are inlined and web tiles are drawn over the shipped
    basemap; ``cdn`` links the scripts from their CDNs instead, ``offline`` leaves web
    tiles out. ``tiles``, ``fragment`` and ``height`` are as for
    :func:`geonews.render.offline.map_html`: ``"auto"`` is OpenStreetMap, or none
    offline. The HTML is deterministic (the same store, filter
    and options give the same bytes) and written atomically. ``max_timeline``
    bounds the timeline's marks. The events are merged into marks and counted
    in SQL (:meth:`Store.marks`, :meth:`Store.event_days`): only the reports the
    popups quote are read back as events.

    The map draws incidents (:mod:`geonews.living.incidents`): one mark each, its
    popup listing every source with its quote and link; beyond ``max_incidents`` in
    the window, one mark per type and place holds its incidents. The choropleth
    counts incidents, or events with ``count="events"``. Raises
    :class:`~geonews.errors.RenderError` if the map cannot be made or written.
    """
    from geonews.render.map import build_map
    from geonews.render.offline import build_html, inline_scripts, write_html

    if max_timeline < 1:
        raise ValueError(f"max_timeline must be at least 1, not {max_timeline}")
    if count not in ("events", "incidents"):
        raise ValueError(f"unknown count {count!r}: use events or incidents")
    inline = inline_scripts(offline, cdn)
    started = time.perf_counter()
    where = where or EventFilter()
    output = Path(output)
    n_incidents = store.count_incidents(where)
    marks = store.marks(where, incidents=n_incidents <= max_incidents)
    placeless = store.placeless(where)  # listed beside the map, not drawn on it
    days, undated = store.event_days(where)
    n = sum(d[7] for d in days) + undated
    n_articles = store.count_articles(where) if n else 0
    first = min((d[5] for d in days), default=None)
    last = max((d[6] for d in days), default=None)
    timeline = _Timeline.build(days, max_timeline, undated)
    note = _note(
        n, n_articles, first, last, where, timeline, n_incidents, max_incidents, count,
        len(placeless),
    )  # fmt: skip

    def build(provider: str | None):
        m = build_map(
            marks=marks,
            title=title or _default_title(where),
            tiles=provider,
            count=count,
            placeless=placeless,
        )
        if timeline.marks:
            timeline.add_to(m)
        _add_note(m, note, bool(timeline.marks))
        return m

    html = build_html(
        build, tiles=tiles, offline=offline, inline=inline, fragment=fragment, height=height,
        base_dir=output.parent,
    )  # fmt: skip
    path = write_html(html, output)
    return RenderResult(
        path=path,
        events=n,
        articles=n_articles,
        incidents=n_incidents,
        first=first,
        last=last,
        bucket=timeline.bucket if timeline.marks else None,
        timeline_marks=len(timeline.marks),
        note=note,
        seconds=time.perf_counter() - started,
    )


def _default_title(where: EventFilter) -> str:
    what = where.describe()
    return f"geonews — {what}" if what else "geonews"


def _bucket_start(d: date, bucket: str) -> date:
    if bucket == "day":
        return d
    if bucket == "week":
        return d - timedelta(days=d.weekday())
    if bucket == "month":
        return d.replace(day=1)
    if bucket == "quarter":
        return d.replace(month=(d.month - 1) // 3 * 3 + 1, day=1)
    return d.replace(month=1, day=1)


def _bucket_end(d: date, bucket: str) -> date:
    """The first day after the bucket that holds ``d``."""
    start = _bucket_start(d, bucket)
    if bucket == "day":
        return start + timedelta(days=1)
    if bucket == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[bucket]
    m = start.month - 1 + months
    return date(start.year + m // 12, m % 12 + 1, 1)


def _bucket_label(d: date, bucket: str) -> str:
    if bucket == "day":
        return d.isoformat()
    if bucket == "week":
        return f"week of {d.isoformat()}"
    if bucket == "month":
        return d.strftime("%B %Y")
    if bucket == "quarter":
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    return str(d.year)


def _ms(d: date) -> int:
    return int((datetime(d.year, d.month, d.day) - _EPOCH).total_seconds() * 1000)


@dataclass
class _Group:
    type: str
    place: str
    lat: float
    lon: float
    start: date
    end: date
    n: int = 0


def _fits(days: Sequence[tuple], begin: dict[date, date], budget: int) -> bool:
    """Whether ``days`` make at most ``budget`` groups with these bucket starts
    (stops counting past the budget: at 100,000 events the day groups are tens of thousands)."""
    keys: set[tuple] = set()
    for t, g, p, la, lo, d, _, _ in days:
        keys.add((t, g, p, la, lo, begin[d]))
        if len(keys) > budget:
            return False
    return True


@dataclass
class _Timeline:
    bucket: str
    marks: list[_Group] = field(default_factory=list)
    total_groups: int = 0  # before keeping the busiest, if there were too many
    undated: int = 0

    @classmethod
    def build(cls, days: Sequence[tuple], budget: int, undated: int = 0) -> _Timeline:
        """Group ``days`` (see :meth:`Store.event_days`) by the finest bucket within ``budget``."""
        dates = {d for row in days for d in (row[5], row[6])}  # a few hundred distinct days
        for bucket in _BUCKETS:
            begin = {d: _bucket_start(d, bucket) for d in dates}
            if bucket == _BUCKETS[-1] or _fits(days, begin, budget):
                break
        finish = {d: _bucket_end(d, bucket) for d in dates}
        groups: dict[tuple, _Group] = {}
        for etype, gid, place, lat, lon, day, last, n in days:
            b = begin[day]
            end = finish[last]
            key = (etype, gid, place, lat, lon, b)
            g = groups.get(key)
            if g is None:
                g = groups[key] = _Group(etype, place, lat, lon, b, end)
            elif end > g.end:
                g.end = end
            g.n += n
        marks = sorted(groups.values(), key=lambda g: g.n, reverse=True)
        return cls(bucket, marks[:budget], len(marks), undated)

    def add_to(self, m) -> None:
        from folium.plugins import Timeline, TimelineSlider
        from folium.utilities import JsCode

        from geonews.render.map import TYPE_COLORS, TYPE_LABELS

        by_type: dict[str, list[_Group]] = defaultdict(list)
        for g in self.marks:
            by_type[g.type].append(g)
        layers = []
        for etype in sorted(
            by_type, key=lambda t: list(TYPE_LABELS).index(t) if t in TYPE_LABELS else 99
        ):
            label = TYPE_LABELS.get(etype, etype.replace("_", " ").capitalize())
            color = TYPE_COLORS.get(etype, "#999999")
            features = [self._feature(g, label) for g in by_type[etype]]
            tl = Timeline(
                {"type": "FeatureCollection", "features": features},
                pointToLayer=JsCode(
                    "function(f, latlng) { return L.circleMarker(latlng, {radius: f.properties.r, "
                    f'color: "{color}", weight: 3, fill: false, opacity: 0.95}}); }}'
                ),
                onEachFeature=JsCode(
                    "function(f, layer) { layer.bindTooltip(f.properties.t, {sticky: true}); }"
                ),
            )
            tl.layer_name = f"{label} over time"
            tl.add_to(m)
            layers.append(tl)
        fmt = {"day": "D MMM YYYY", "week": "D MMM YYYY", "month": "MMM YYYY"}.get(
            self.bucket, "MMM YYYY"
        )
        TimelineSlider(
            auto_play=False,
            date_options=fmt,
            enable_keyboard_controls=True,
            show_ticks=False,
            playback_duration=20000,
        ).add_timelines(*layers).add_to(m)

    def _feature(self, g: _Group, label: str) -> dict:
        n = g.n
        text = (
            f"{label} — {g.place}: {n} event{'s' * (n != 1)}, {_bucket_label(g.start, self.bucket)}"
        )
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [g.lon, g.lat]},
            "properties": {
                "start": _ms(g.start),
                "end": _ms(g.end),
                "r": 8 if n == 1 else 10 if n <= 3 else 13 if n <= 10 else 16,
                "t": escape_html(text),
            },
        }


def _note(
    n, n_articles, first, last, where: EventFilter, timeline: _Timeline,
    n_incidents: int = 0, max_incidents: int = MAX_INCIDENT_MARKS, count: str = "incidents",
    placeless: int = 0,
) -> str:  # fmt: skip
    """The box's text: what is drawn and how it was grouped; ``placeless`` events have no
    place and are listed beside the map."""
    elsewhere = (
        f"{placeless:,} event{'s' * (placeless != 1)} without a place, listed beside the map."
        if placeless
        else ""
    )
    if not n:
        if elsewhere:
            return elsewhere
        what = where.describe()
        return "No stored events" + (f" match {what}." if what else " yet.")
    lines = [
        f"{n_incidents:,} incident{'s' * (n_incidents != 1)} ({n:,} event{'s' * (n != 1)} "
        f"from {n_articles:,} article{'s' * (n_articles != 1)})"
        + (f", {first} – {last}" if first else "")
        + "."
    ]
    if elsewhere:
        lines.append(elsewhere)
    what = where.describe()
    if what:
        lines.append(f"Filter: {what}.")
    if n_incidents <= max_incidents:
        lines.append("One mark per incident: the reports of one type, place and days.")
    else:
        lines.append(
            f"Over {max_incidents:,} incidents: marks merge the incidents of one type at one "
            "place (narrow the dates to see each incident)."
        )
    lines.append(f"Shading counts the {count} of the window.")
    if timeline.marks:
        grouping = f"Timeline rings: events grouped by place and {timeline.bucket}"
        if timeline.total_groups > len(timeline.marks):
            grouping += (
                f", the {len(timeline.marks):,} busiest of {timeline.total_groups:,} groups shown"
            )
        lines.append(grouping + ".")
    if timeline.undated:
        lines.append(f"{timeline.undated:,} undated events are not on the timeline.")
    return " ".join(lines)


def _add_note(m, note: str, with_slider: bool) -> None:
    from geonews.render.verbatim import Verbatim

    css = (
        "<style>.gn-living{{position:fixed;z-index:1000;right:10px;bottom:{};max-width:320px;"
        "background:rgba(255,255,255,.93);border-radius:6px;padding:6px 9px;font:12px/1.35 "
        "system-ui,sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)}}{}</style>"
    ).format("160px" if with_slider else "28px", ".gn-legend{bottom:160px}" if with_slider else "")
    m.get_root().html.add_child(
        Verbatim(f'{css}<div class="gn-box gn-living">{escape_html(note)}</div>')
    )


# ---------------------------------------------------------------- watch


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str | float) -> float:
    """Seconds in ``"90"``, ``"30s"``, ``"10m"``, ``"1h"``, ``"1d"`` or ``"1h30m"``."""
    if isinstance(text, int | float):
        seconds = float(text)
    else:
        s = text.strip().lower()
        parts = re.fullmatch(r"(?:(\d+(?:\.\d+)?)([smhd])?)+", s) and re.findall(
            r"(\d+(?:\.\d+)?)([smhd]?)", s
        )
        if not parts:
            raise ValueError(f"bad interval {text!r}: use e.g. 30s, 10m, 1h or 1h30m")
        seconds = sum(float(n) * _UNITS[u or "s"] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"the interval must be positive, not {text!r}")
    return seconds


@dataclass
class WatchResult:
    """What a watch did before it stopped."""

    cycles: int = 0
    renders: int = 0
    report: IngestReport = field(default_factory=IngestReport)
    interrupted: bool = False


def watch(
    sources: Sequence[str],
    store: Store,
    output: str | Path,
    *,
    every: float = 600.0,
    where: EventFilter | None = None,
    title: str | None = None,
    tiles: str | None = "auto",
    offline: bool = False,
    cdn: bool = False,
    fragment: bool = False,
    count: str = "incidents",
    max_cycles: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    echo: Callable[[str], None] | None = None,
    **ingest_options,
) -> WatchResult:
    """Every ``every`` seconds, ingest ``sources`` and re-render ``output`` if anything changed.

    The first cycle renders when the map does not exist yet. One line per cycle
    goes to ``echo`` (default: the ``geonews.watch`` logger). Stops after
    ``max_cycles`` cycles, or cleanly on Ctrl-C (KeyboardInterrupt) between or
    during cycles: what was committed stays, the map is never half-written.
    ``tiles``, ``offline``, ``cdn``, ``fragment`` and ``count`` are as for :func:`render_store`;
    ``ingest_options`` go to :func:`geonews.living.ingest.ingest`.
    """
    if every <= 0:
        raise ValueError(f"every must be positive, not {every}")
    say = echo or log.info
    result = WatchResult()
    output = Path(output)
    try:
        while max_cycles is None or result.cycles < max_cycles:
            started = clock()
            result.cycles += 1
            map_options = {
                "where": where, "title": title, "tiles": tiles, "offline": offline,
                "cdn": cdn, "fragment": fragment, "count": count,
            }  # fmt: skip
            say(_cycle(sources, store, output, result, map_options, ingest_options))
            if max_cycles is not None and result.cycles >= max_cycles:
                break
            wait = every - (clock() - started)
            if wait > 0:
                sleep(wait)
    except KeyboardInterrupt:
        result.interrupted = True
        say(f"stopped after {result.cycles} cycle{'s' * (result.cycles != 1)}")
    return result


def _cycle(sources, store, output: Path, result: WatchResult, map_options, options) -> str:
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    try:
        report = ingest(sources, store, **options)
    except GeonewsError as exc:  # the store itself failed: say so, try again next cycle
        return f"{stamp} cycle {result.cycles}: ingest failed: {exc}"
    result.report.merge(report)
    line = f"{stamp} cycle {result.cycles}: {report.summary()}"
    if report.failed:
        line += f" (first failure: {report.failed[0][1]})"
    if report.changed or not output.exists():
        try:
            r = render_store(store, output, **map_options)
        except GeonewsError as exc:
            return f"{line}; map not written: {exc}"
        result.renders += 1
        return (
            f"{line}; map re-rendered: {r.incidents:,} incidents ({r.events:,} events) "
            f"in {r.seconds:.1f} s"
        )
    return f"{line}; map unchanged"
