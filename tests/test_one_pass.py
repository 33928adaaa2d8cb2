"""One compiled pass per article, instead of a pattern per phrase list or a word at a
time: it must find what those found (the speed work of issue 20 keeps the output)."""

from __future__ import annotations

import pytest

from geonews.events.classify import _may_report, _report_matches, _report_pattern
from geonews.geoparse.demonyms import _WORD, _last_words, _occurrences, _table
from geonews.language.lexicon import Phrases, available_languages, load_lexicon, phrases_pattern
from geonews.language.text import fold

# written for these tests: triggers and casualty phrases next to each other, one inside
# another's match ("arson attack on": sabotage, and "attack on"), in a word ("unstruck")
TEXTS = {
    "en": (
        "An arson attack on the depot killed two civilians.Strikes hit the port; "
        "drone-dropped grenades wounded a sapper, who died. Troops were redeployed "
        "to the defensive lines_ and clashed near the unstruck bridge."
    ),
    "fr": (
        "Une frappe de drones a tué deux civils près du dépôt. L'armée a déployé des "
        "troupes; les combats ont fait trois blessés. Des sapeurs déminent la route."
    ),
    "ru": (
        "Атака дронов на склад: погибли двое мирных жителей. Войска перебросили к "
        "линии обороны, бои шли у моста; ранены трое военных."
    ),
}


def _report_groups(lex) -> list[Phrases]:
    return [g for g in (*lex.events.values(), *lex.casualties.values()) if g]


def _entry_texts(groups: list[Phrases]) -> str:
    """Every entry of ``groups`` written out, a "*" as nothing and as a word's rest."""
    out = []
    for g in groups:
        for e in g.entries:
            out += [e.replace("*", ""), e.replace("*", "ами")]
    return fold(" ; ".join(out))


@pytest.mark.parametrize("lang", available_languages())
def test_one_pattern_matches_wherever_a_phrase_list_does(lang):
    lex = load_lexicon(lang)
    groups = _report_groups(lex)
    union = _report_pattern(lex)
    text = _entry_texts(groups) + " " + fold(TEXTS.get(lang, ""))
    for p in range(len(text)):
        one = union.match(text, p) is not None
        each = any(g.pattern.match(text, p) is not None for g in groups)
        assert one == each, (lang, p, text[p : p + 40])


def test_a_pattern_of_no_phrases_is_none():
    assert phrases_pattern([Phrases.build([]), Phrases.build(["  "])]) is None


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_every_sentence_holding_a_phrase_is_read(lang):
    """Any stretch of an article that a phrase list finds something in (read alone, as a
    sentence is) passes the one-pass test, wherever its edges are: in a word, inside a
    longer phrase's match."""
    lex = load_lexicon(lang)
    groups = _report_groups(lex)
    folded = fold(TEXTS[lang])
    matches = _report_matches(lex, folded)
    assert matches[0], "the text holds phrases"
    skipped = 0
    for a in range(len(folded)):
        for b in range(a + 1, min(len(folded), a + 60) + 1):
            s = folded[a:b]
            if _may_report(matches, folded, a, b):
                continue
            skipped += 1
            assert not any(g.pattern.search(s) for g in groups), (a, b, s)
    assert skipped  # the test says no to some stretches


def _old_occurrences(folded: str, by_last: dict) -> list[tuple]:
    """The demonyms' occurrences as found before the one pass: the text's words, those
    that are a demonym's last word looked for with str.find."""
    hits = set(by_last).intersection(_WORD.findall(folded))
    out = []
    n = len(folded)
    for word in hits:
        i = folded.find(word)
        while i >= 0:
            e = i + len(word)
            if (not i or not folded[i - 1].isalnum()) and (e >= n or not folded[e].isalnum()):
                for form, code, lemmas in by_last[word]:
                    a = e - len(form)
                    if (
                        a >= 0
                        and folded.startswith(form, a)
                        and (not a or not (folded[a - 1].isalnum() or folded[a - 1] in "-_"))
                    ):
                        out.append((a, e, code, lemmas))
                        break
            i = folded.find(word, e)
    return sorted(out)


@pytest.mark.parametrize("lang", available_languages())
def test_the_demonyms_pass_finds_what_a_word_search_found(lang):
    lex = load_lexicon(lang)
    table = _table(lex)
    if table is None:
        pytest.skip("no demonyms")
    by_last, last_words = table
    # the pass looks for last words between characters that are not letters or digits
    assert all(w.isalnum() for w in by_last)
    forms = [f for entries in by_last.values() for f, _, _ in entries]
    texts = [fold(TEXTS.get(lang, ""))]
    for sep in (" ", "_", "-", "x", ", "):
        texts.append(sep.join(forms))
    # an "_" joins a word to the next (no whole word), unless it also stands alone
    texts += [f"{forms[0]}_x", f"{forms[0]}_x {forms[0]}", f"_{forms[-1]} y"]
    for folded in texts:
        words = _last_words(folded, by_last, last_words)
        assert sorted(_occurrences(folded, words, by_last)) == _old_occurrences(folded, by_last)


def test_the_demonym_pattern_finds_whole_words_only():
    lex = load_lexicon("en")
    by_last, last_words = _table(lex)
    folded = fold("Russian and Ukrainian troops; russians_ and a prussian, x_russian_y.")
    assert [m.group() for m in last_words.finditer(folded)] == ["russian", "ukrainian"]
    found = [folded[a:b] for a, b in _last_words(folded, by_last, last_words)]
    assert found == ["russian", "ukrainian", "russians", "russian"]
