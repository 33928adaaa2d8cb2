"""The geoparse stage. Takes an article's text, its language and the gazetteer;
gives :class:`geonews.model.Mention` values: each place the text names, the
gazetteer entry it resolves to, a confidence and the reasons behind it. One step per
module, in the order they run: ``candidates`` finds the spans that
may name a place (gazetteer names, inflected forms, transliterations) and their
priors; ``evidence`` weighs each span on its context, with ``persons`` telling a
person's or an actor's name from a place's; ``discourse`` lets the article's
places lend each other evidence (appositions, one sense per discourse, country
focus, nearby towns); ``features`` turns each span into explicit features, and
``recogniser``, a model learned from annotated corpora, decides from them which spans
are places; ``resolve`` runs them and picks one entry per span. ``demonyms`` finds the
adjectives that name a country ("Russian", "американских"), reported apart from the
places.
"""

from geonews.geoparse.resolve import find_places, unique_places

__all__ = ["find_places", "unique_places"]
