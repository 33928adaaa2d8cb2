"""The read stage. Takes files, standard input, HTML pages, URLs and feeds; gives
:class:`geonews.model.Article` values (text, title, URL, publication date), with
the size limits and error messages of untrusted input. ``articles`` reads what
is on disk or in memory; ``fetch`` brings pages and feeds over HTTP(S), politely.
"""
