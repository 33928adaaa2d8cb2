"""PNG snapshots of maps with the system's headless Chromium, for PDFs and slides.

The browser is Debian's ``chromium`` (or any Chrome/Chromium named by
``$GEONEWS_CHROMIUM`` or found on ``PATH``); geonews never downloads one. It is
driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``), so no
port is opened and no extra Python package is needed. The screenshot is taken
when the map has finished drawing: the document and its fonts are loaded, every
Leaflet tile has loaded or failed, no zoom animation is running, and this has
held for two polls in a row. There is no fixed sleep.

A map that did not render is an error, never a blank picture: a folium map
container that Leaflet never took over (its scripts did not load: a ``--cdn``
page without a network), or a Leaflet map that drew nothing (no shape, marker or
loaded tile) once everything has loaded.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Self

from geonews.errors import RenderError

__all__ = ["BrowserNotFoundError", "find_browser", "parse_size", "snapshot"]

#: Executables tried in order when ``$GEONEWS_CHROMIUM`` is not set.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: Flags for a quiet, isolated headless run.
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--mute-audio",
)
_INSTALL_HINT = (
    "install Chromium (Debian/Ubuntu: sudo apt-get install chromium) "
    "or set GEONEWS_CHROMIUM to a Chrome or Chromium executable"
)

# True when the page has finished drawing its Leaflet maps (see the module docstring).
_READY_JS = """
(() => {
  if (document.readyState !== "complete") return false;
  if (document.fonts && document.fonts.status !== "loaded") return false;
  if (!document.querySelector(".leaflet-container")) {
    // a folium map's container that Leaflet never took over: its scripts did not run
    return document.querySelector(".folium-map") ? "no-scripts" : "no-map";
  }
  if (document.querySelector(".leaflet-zoom-anim")) return false;
  // a tile is done when it loaded, or failed (no network: the basemap under it shows)
  for (const img of document.querySelectorAll("img.leaflet-tile")) {
    if (!img.classList.contains("leaflet-tile-loaded") && !img.complete) return false;
  }
  const drawn = ".leaflet-container path, .leaflet-container canvas, "
    + ".leaflet-container .leaflet-marker-icon, .leaflet-container img.leaflet-tile-loaded";
  return document.querySelector(drawn) ? true : "empty";
})()
"""

#: What _READY_JS answers for a map that did not render, and the error that says so.
_NOT_RENDERED = {
    "no-scripts": "the map did not render: its scripts did not load (a --cdn page needs a "
    "network; make it without --cdn to inline them)",
    "empty": "the map did not render: its map is empty (no basemap, shape or tile was drawn)",
}


class BrowserNotFoundError(RenderError, FileNotFoundError):
    """No Chrome or Chromium executable could be found."""


def find_browser() -> str:
    """The path of a Chromium/Chrome executable; :class:`BrowserNotFoundError` if none."""
    env = os.environ.get("GEONEWS_CHROMIUM")
    if env:
        path = shutil.which(env)
        if path is None:
            raise BrowserNotFoundError(
                f"GEONEWS_CHROMIUM={env} is not an executable: {_INSTALL_HINT}"
            )
        return path
    for name in BROWSER_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise BrowserNotFoundError(f"no Chromium or Chrome browser found: {_INSTALL_HINT}")


def parse_size(size: str | tuple[int, int]) -> tuple[int, int]:
    """``"1600x1000"`` or ``(1600, 1000)`` → ``(1600, 1000)``; ValueError if malformed."""
    if isinstance(size, tuple):
        w, h = size
    else:
        m = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", size)
        if m is None:
            raise ValueError(f"size must look like 1600x1000, got {size!r}")
        w, h = int(m.group(1)), int(m.group(2))
    if not (50 <= w <= 8000 and 50 <= h <= 8000):
        raise ValueError(f"size must be between 50x50 and 8000x8000, got {w}x{h}")
    return w, h


def snapshot(
    html_path: str | os.PathLike[str],
    png_path: str | os.PathLike[str],
    *,
    size: str | tuple[int, int] = (1600, 1000),
    scale: float = 1.0,
    timeout: float = 60.0,
    browser: str | None = None,
) -> Path:
    """Take a PNG screenshot of the map page ``html_path`` once it has finished drawing.

    ``size`` is the viewport in CSS pixels (``"1600x1000"``), ``scale`` the device
    pixel ratio (2 for print). Raises :class:`BrowserNotFoundError` when no browser
    is installed and :class:`RenderError` when the page is missing, does not
    finish drawing within ``timeout`` seconds, or the PNG cannot be written.
    """
    width, height = parse_size(size)
    if not 0.25 <= scale <= 4:
        raise ValueError(f"scale must be between 0.25 and 4, got {scale}")
    source = Path(html_path)
    if not source.is_file():
        raise RenderError(f"no map file at {source}")
    executable = browser or find_browser()
    png = _capture(executable, source.resolve().as_uri(), width, height, scale, timeout)
    out = Path(png_path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_bytes(png)
        os.replace(tmp, out)
    except OSError as exc:
        raise RenderError(f"cannot write {out}: {exc.strerror or exc}") from exc
    return out


#: Seconds the browser may take to open its first tab, on top of the drawing's timeout.
_START_S = 30.0


def _capture(
    executable: str, url: str, width: int, height: int, scale: float, timeout: float
) -> bytes:
    with (
        tempfile.TemporaryDirectory(prefix="geonews-chromium-") as profile,
        _Browser(executable, profile, width, height) as cdp,
    ):
        # the browser's own start may be slow on a busy machine: it has its own time,
        # and ``timeout`` counts from the page's opening (the drawing)
        started = time.monotonic() + max(timeout, _START_S)
        target = cdp.call("Target.createTarget", {"url": "about:blank"}, started)
        session = cdp.call(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, started
        )["sessionId"]
        deadline = time.monotonic() + timeout

        def call(method: str, params: dict | None = None) -> dict:
            # a command may answer late even when the drawing deadline has passed
            return cdp.call(method, params or {}, max(deadline, time.monotonic() + 10), session)

        call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False},
        )
        call("Page.enable")
        nav = call("Page.navigate", {"url": url})
        if nav.get("errorText"):
            raise RenderError(f"browser could not open {url}: {nav['errorText']}")
        _wait_until_drawn(call, deadline, timeout)
        shot = call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})
        return base64.b64decode(shot["data"])


def _wait_until_drawn(call: Callable[..., dict], deadline: float, timeout: float) -> None:
    """Poll the page until :data:`_READY_JS` holds twice in a row, 100 ms apart; raise
    :class:`RenderError` if it says twice that the map did not render."""
    streak, last = 0, None
    while True:
        result = call("Runtime.evaluate", {"expression": _READY_JS, "returnByValue": True})
        value = result.get("result", {}).get("value")
        streak = streak + 1 if value and value == last else 1 if value else 0
        last = value
        if streak >= 2:
            if value in _NOT_RENDERED:
                raise RenderError(_NOT_RENDERED[value])
            return
        if time.monotonic() > deadline:
            raise RenderError(f"the map did not finish drawing within {timeout:g} s")
        time.sleep(0.1)


class _Browser:
    """A headless Chromium spoken to over ``--remote-debugging-pipe`` (fds 3 and 4)."""

    def __init__(self, executable: str, profile: str, width: int, height: int) -> None:
        self._args = [
            executable,
            *BROWSER_FLAGS,
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "about:blank",
        ]
        self._next_id = 0
        self._buffer = b""

    def __enter__(self) -> Self:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def child_fds() -> None:  # in the child: commands on fd 3, replies on fd 4
            a = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        try:
            self._proc = subprocess.Popen(
                self._args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(3, 4),
                preexec_fn=child_fds,  # noqa: PLW1509 - no threads are started before
            )
        except OSError as exc:
            for fd in (to_browser_r, self._to_browser, self._from_browser, from_browser_w):
                os.close(fd)
            raise BrowserNotFoundError(f"cannot start {self._args[0]}: {exc.strerror}") from exc
        os.close(to_browser_r)
        os.close(from_browser_w)
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self._send({"id": -1, "method": "Browser.close"})
        except OSError:
            pass
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)

    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_browser, data) :]

    def call(self, method: str, params: dict, deadline: float, session: str | None = None) -> dict:
        """Send one command and return its result; events in between are ignored."""
        self._next_id += 1
        message: dict = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        try:
            self._send(message)
        except OSError as exc:
            raise RenderError(f"the browser quit unexpectedly ({method})") from exc
        while True:
            reply = self._receive(deadline, method)
            if reply.get("id") != self._next_id:
                continue
            if "error" in reply:
                raise RenderError(f"browser error in {method}: {reply['error'].get('message')}")
            return reply.get("result", {})

    def _receive(self, deadline: float, method: str) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise RenderError(f"the browser did not answer in time ({method})")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RenderError(f"the browser quit unexpectedly ({method})")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)
