"""parse_file: one landed bureau file -> observation dicts (the rows of raw.bns_observations)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipelines.sources.bns.catalogue import Source
from pipelines.sources.bns.common import OBSERVATION_KEYS, Observations, SourceError
from pipelines.sources.bns.parse_csv import parse_csv
from pipelines.sources.bns.parse_json import parse_json
from pipelines.sources.bns.parse_xlsx import parse_xlsx

PARSERS = {"bns_csv": parse_csv, "bns_xlsx": parse_xlsx, "bns_json": parse_json}

__all__ = ["OBSERVATION_KEYS", "Observations", "SourceError", "parse_file"]


def parse_file(source: Source, path: str | Path, meta: dict[str, Any] | None = None) -> Observations:
    """Observations of one file of `source`. `meta` is the snapshot sidecar (vintage, sha256);
    without it the vintage is the file's mtime date and the hash is computed.

    Raises SourceError (one line: source, file, row, column) on an unknown region label, a
    missing/changed header column, an unparsable value or a file that is not the declared format.
    The returned list has `.stats` (confidential values, dropped districts, skipped rows, ...).
    """
    try:
        parser = PARSERS[source.format]
    except KeyError:
        raise SourceError(source.id, f"no parser for format {source.format!r}") from None
    return parser(source, Path(path), meta)
