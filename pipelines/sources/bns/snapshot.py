"""The bureau's landed files as one snapshot, and their Dagster data versions (bns/<source> and
raw/bns_observations); no Dagster import, so the no-op check reads them cheaply."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.sources.bns.catalogue import load_catalogue, source_rows
from pipelines.sources.bns.landing import LandingError, landed_vintages, read_manifest
from pipelines.warehouse.inputs import digest


def landed_version(landed: list[tuple[Path, dict]]) -> str:
    """The data version of bns/<source_id>: its landed files (named by their sha256), by sidecar."""
    return digest([meta for _, meta in landed])


@dataclass
class BureauSnapshot:
    """The landed bureau files of every catalogue source, the catalogue and the fetch manifest,
    as they were when the snapshot was taken; raw/bns_observations parses exactly these."""

    sources: list  # catalogue entries (pipelines.sources.bns.catalogue.Source)
    vintages: dict[str, list[tuple[Path, dict]]]  # source id -> landed (path, sidecar)
    errors: dict[str, str]  # source id -> why its landed files cannot be read (one line)
    manifest: list[dict]
    catalogue: list[dict]

    @property
    def version(self) -> str:
        """The data version of raw/bns_observations: everything it reads."""
        return digest(
            {
                "vintages": {s: landed_version(v) for s, v in sorted(self.vintages.items())},
                "errors": self.errors,
                "catalogue": self.catalogue,
                "manifest": self.manifest,
            }
        )


def bureau_snapshot() -> BureauSnapshot:
    sources = load_catalogue()
    vintages, errors = {}, {}
    for source in sources:
        try:
            vintages[source.id] = landed_vintages(source)
        except LandingError as exc:
            vintages[source.id], errors[source.id] = [], str(exc)
    return BureauSnapshot(
        sources=sources, vintages=vintages, errors=errors, manifest=read_manifest(), catalogue=source_rows(sources)
    )
