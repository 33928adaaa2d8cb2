"""The store stage: the living map. Takes analysed articles; keeps them and their
events in one SQLite file (``store``), adds new ones as they arrive (``ingest``),
draws the stored window with a timeline (``render``) and exports events for
other tools (``export``: GeoJSON, CSV, GeoPackage, JSONL).
"""
