"""Events: type, place and ACLED fields of conflict notes."""

from __future__ import annotations

import pytest

from geonews.pipeline import analyse


@pytest.mark.parametrize(
    ("text", "place", "acled"),
    [
        (
            "On 28 April 2023, Russian forces shelled near Antonivka, Kherson. Casualties unknown.",
            "Antonivka",
            "Explosions/Remote violence",
        ),
        (
            "On 12 August 2023, Russian artillery shelled Beryslav, Kherson. One civilian was wounded.",
            "Beryslav",
            "Explosions/Remote violence",
        ),
        (
            (
                "On 21 October 2023, Russian forces dropped guided aerial bombs on Stepnohirsk, "
                "Zaporizhzhia. Casualties unknown."
            ),
            "Stepnohirsk",
            "Explosions/Remote violence",
        ),
        (
            "On 4 April 2024, Ukrainian forces clashed with Russian forces near Chasiv Yar, Donetsk.",
            "Chasiv Yar",
            "Battles",
        ),
    ],
)
def test_conflict_note_lands_on_the_town(text, place, acled):
    a = analyse(text, "en", join="gazetteer")
    assert a.events, a.mentions
    e = a.events[0]
    assert (e.place.name, e.acled_event_type, e.precision) == (place, acled, "town")
