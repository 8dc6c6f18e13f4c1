"""Downloads from the Bureau of National Statistics (stat.gov.kz): catalogue, fetching, parsing.

from pipelines.sources.bns import load_catalogue, fetch_all, land_from_dir, parse_file, landed_vintages
"""

import importlib

# Submodules load on first use: the Dagster definitions need the catalogue, not the parsers
# (openpyxl) or the fetcher (requests), to start.
_WHERE = {
    "CatalogueError": "catalogue",
    "Source": "catalogue",
    "load_catalogue": "catalogue",
    "OBSERVATION_KEYS": "common",
    "SourceError": "common",
    "FetchConfig": "fetch",
    "FetchResult": "fetch",
    "fetch_all": "fetch",
    "fetch_source": "fetch",
    "format_fetch_table": "fetch",
    "land_from_dir": "bundle",
    "landed_vintages": "landing",
    "LandingError": "landing",
    "read_manifest": "landing",
    "parse_all": "landed",
    "parse_file": "parse",
    "parse_landed": "landed",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module 'pipelines.sources.bns' has no attribute {name!r}")
    return getattr(importlib.import_module(f"pipelines.sources.bns.{_WHERE[name]}"), name)
