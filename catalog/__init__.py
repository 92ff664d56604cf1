"""What to fetch and what it means: sources, indicators and curated reference data, as data files.

`load_catalog()` reads and validates them; a catalog error fails before any fetch, naming the
file and the entry.
"""

from catalog.loader import Catalog, CatalogError, Indicator, Source, load_catalog

__all__ = ["Catalog", "CatalogError", "Indicator", "Source", "load_catalog"]
