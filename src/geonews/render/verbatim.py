"""Keep article text out of template source when folium renders a map.

branca, which folium builds on, renders a map in two passes. Each
``MacroElement`` renders its Jinja macros, and the *output* (which holds the
GeoJSON of the popups, the legend, the title: text from articles) is wrapped in
``branca.element.Element(output)``. That constructor compiles its argument as
a new Jinja template, which the page's render then runs. A news article with
``{{ ... }}`` in it therefore ran as a template on the reader's machine, and
``{% %}`` or a lone ``{{`` broke the render.

This module fixes the mechanism, not the payloads: while geonews renders, an
``Element`` built from a string keeps that string verbatim, as data, and never
compiles it. Every string that reaches an ``Element`` during a render is the
output of a template already run (folium's own templates are compiled once, at
class level, from constants), so nothing that should be a template is lost.

* :func:`verbatim_render` is the scope: inside it, on this thread, ``Element``
  strings stay verbatim. Other threads are untouched.
* :class:`Figure` is the root geonews puts under every map it builds: its
  ``render`` (and so ``m.save`` and notebook display) runs in that scope.
* :class:`Verbatim` is an element that writes a fixed HTML string as it is,
  for geonews' own boxes (the living map's note).

HTML escaping (:mod:`geonews.render.html`) stays the second wall: text is escaped
before it reaches folium, and this module ensures it is never *run*.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from branca.element import Element
from branca.element import Figure as _BrancaFigure

__all__ = ["Figure", "Verbatim", "VerbatimTemplate", "verbatim_render"]

_state = threading.local()


class VerbatimTemplate:
    """Stands where branca keeps a compiled template, and renders its text as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def render(self, *args: object, **kwargs: object) -> str:
        return self.text


def _rendering() -> bool:
    return getattr(_state, "depth", 0) > 0


_branca_init = Element.__init__


def _init(self: Element, template: str | None = None, template_name: str | None = None) -> None:
    if template is None or not _rendering():
        _branca_init(self, template, template_name)
        return
    _branca_init(self, None, template_name)
    # as Jinja would have (keep_trailing_newline=False), so that a page is byte-identical
    # to branca's for any text without template syntax
    self._template = VerbatimTemplate(template.removesuffix("\n"))


def _install() -> None:
    # Once per process. Outside verbatim_render, Element behaves exactly as branca's.
    if getattr(Element.__init__, "__module__", None) != __name__:
        _init.__doc__ = _branca_init.__doc__
        Element.__init__ = _init  # type: ignore[method-assign]


_install()


@contextmanager
def verbatim_render() -> Iterator[None]:
    """Render inside this scope so that branca compiles no rendered output as a template."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1


class Figure(_BrancaFigure):
    """branca's ``Figure`` whose render keeps every rendered string verbatim."""

    def render(self, **kwargs: object) -> str:
        with verbatim_render():
            return super().render(**kwargs)


class Verbatim(Element):
    """An element that writes ``html`` as it is: never compiled as a template.

    The caller escapes whatever untrusted text ``html`` holds.
    """

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "Verbatim"
        self.html = html

    def render(self, **kwargs: object) -> str:
        return self.html
