"""Stage 4, geoparse. Takes an article's text, its language and the gazetteer;
gives :class:`geonews.model.Mention` values: each place the text names, the
gazetteer entry it resolves to, a confidence and the evidence behind it. Candidate
spans come from the gazetteer's names, capitalisation and inflection; evidence
(context words, person and organisation cues, one sense per discourse) weighs
them; resolution picks one entry per span.
"""
