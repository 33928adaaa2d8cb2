"""The render stage. Takes events (or the marks a store groups them into); gives
layered Folium maps (``map``), self-contained or fragment pages (``offline``),
PNG snapshots (``snapshot``). Article text reaches the page escaped (``html``)
and as data, never as template source (``verbatim``). ``vendor/`` holds the
JavaScript libraries inlined into offline pages.
"""
