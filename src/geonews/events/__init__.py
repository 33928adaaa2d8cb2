"""The events stage. Takes an article's sentences and its places, resolved and joined to
their regions; gives :class:`geonews.model.Event` values: what happened (deployment,
strike, ground fighting, ...), where, when (``dates``), to whom and how many (``classify``).
"""
