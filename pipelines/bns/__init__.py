"""Downloads from the Bureau of National Statistics (stat.gov.kz): catalogue, fetching, parsing.

    from pipelines.bns import load_catalogue, fetch_all, land_from_dir, parse_file, landed_vintages
"""
from pipelines.bns.catalogue import CatalogueError, Source, load_catalogue
from pipelines.bns.common import OBSERVATION_KEYS, SourceError
from pipelines.bns.fetch import (FetchConfig, FetchResult, fetch_all, fetch_source, format_fetch_table,
                                 land_from_dir, landed_vintages)
from pipelines.bns.parse import parse_all, parse_file, parse_landed

__all__ = [
    "CatalogueError", "FetchConfig", "FetchResult", "OBSERVATION_KEYS", "Source", "SourceError",
    "fetch_all", "fetch_source", "format_fetch_table", "land_from_dir", "landed_vintages",
    "load_catalogue", "parse_all", "parse_file", "parse_landed",
]
