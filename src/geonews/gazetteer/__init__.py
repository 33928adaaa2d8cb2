"""The gazetteer stage. Takes the shipped GeoNames, Natural Earth and curated
name files; gives one compiled, memory-mapped index of places, countries and
admin-1 regions by name (``index``), built once and cached on disk.
"""
