"""The language stage. Takes an article's text; gives its language and the
language's knowledge: word lists, stems, titles, region words and event
triggers, one data file per language (``lang/XX.json``, read by ``lexicon``),
and the text utilities the later stages share (``text``: folding, sentences).
"""
