"""Stage 5, events. Takes an article's sentences and its resolved places; gives
:class:`geonews.model.Event` values: what happened (deployment, strike, ground
fighting, ...), where, when (``dates``), to whom and how many (``classify``).
"""
