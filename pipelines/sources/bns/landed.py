"""The observations of the landed vintages: the parsers (parse.py) over what landing.py stored.

Its own module so that parsing one file never depends on landing, which parses every candidate."""

from __future__ import annotations

from pipelines.sources.bns.catalogue import Source
from pipelines.sources.bns.common import Observations, SourceError
from pipelines.sources.bns.landing import landed_vintages
from pipelines.sources.bns.parse import parse_file


def parse_landed(source: Source, latest_only: bool = False) -> Observations:
    """Observations of every landed vintage of `source` (or only the latest), oldest first."""
    out = Observations()
    vintages = landed_vintages(source)
    if latest_only:
        vintages = vintages[-1:]
    for path, meta in vintages:
        obs = parse_file(source, path, meta)
        out.extend(obs)
        out.stats.update(obs.stats)
    return out


def parse_all(sources: list[Source], latest_only: bool = False) -> tuple[Observations, dict[str, SourceError]]:
    """Observations of every landed snapshot of every source; a source that fails stops alone
    (its SourceError is returned under its id) while the others carry on."""
    out, errors = Observations(), {}
    for s in sources:
        try:
            obs = parse_landed(s, latest_only=latest_only)
        except SourceError as e:
            errors[s.id] = e
            continue
        out.extend(obs)
        out.stats.update(obs.stats)
    return out, errors
