"""Acceptance on the real seed article in ../shared/examples (skipped when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from test_pipeline import SEED_PLACES

from geonews.cli import main
from geonews.pipeline import analyse, read_and_analyse

SEED = Path(__file__).resolve().parents[2] / "shared" / "examples" / "kursk-troops.fr.txt"

pytestmark = [
    pytest.mark.acceptance,
    pytest.mark.skipif(not SEED.exists(), reason=f"{SEED} is not here"),
]


@pytest.fixture(scope="module")
def seed():
    (analysis,) = read_and_analyse([str(SEED)])
    return analysis


def test_the_seven_places_and_no_others(seed):
    assert {(m.place.name, m.place.kind) for m in seed.mentions} == SEED_PLACES
    surfaces = {m.text for m in seed.mentions}
    assert surfaces == {"Corée du Sud", "Corée du Nord", "Russie", "Koursk", "Ukraine", "Kherson",
                        "Soumy"}


def test_the_events(seed):
    by_place: dict[str, set[str]] = {}
    for e in seed.events:
        if e.place is None:  # a heading ("Transition vers la reconstruction") names none
            assert e.precision == "unknown" and e.place_from == "none"
            continue
        by_place.setdefault(e.place.name, set()).add(e.type)
    assert {"deployment", "reconstruction", "demining", "ground_fighting"} <= by_place["Kursk Oblast"]
    assert by_place["Kherson"] == {"strike"}
    assert by_place["Sumy"] == {"fortification"}
    # those its own sentences place ("Le déploiement vise à..." takes Koursk from the
    # sentence before, and names no actor)
    kursk_deployments = [
        e
        for e in seed.events
        if e.type == "deployment" and e.place.kind == "region" and e.place_from == "sentence"
    ]
    assert all(e.origin.place.name == "North Korea" for e in kursk_deployments)
    assert any(e.date_text == "à partir de juillet-août 2025" for e in kursk_deployments)
    strike = next(e for e in seed.events if e.type == "strike")
    assert strike.casualties == "civilian"
    assert strike.region.code == "UA.08"
    earlier = next(
        e for e in seed.events if e.type == "deployment" and e.place and e.place.name == "Ukraine"
    )
    assert earlier.quantities[0].value == 14000 and earlier.origin.place.name == "North Korea"


def test_the_english_rewrite_gives_the_same(seed):
    english = analyse(
        (Path(__file__).resolve().parent.parent / "examples" / "kursk-troops.en.txt").read_text()
    )
    assert {(m.place.name, m.place.kind) for m in english.mentions} == {
        (m.place.name, m.place.kind) for m in seed.mentions
    }
    def located(a):
        return {(e.type, e.place.name) for e in a.events if e.place and e.place.kind != "country"}

    assert located(english) == located(seed)


def test_the_map_command(tmp_path):
    out = tmp_path / "seed.html"
    result = CliRunner().invoke(main, ["map", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Kursk" in html and "Kherson" in html and "Sumy" in html
