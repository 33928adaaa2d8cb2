"""Commands added to the `geonews` group by this module (see cli.py)."""

from __future__ import annotations
