"""Offline bundles: a folder of bureau files landed through the same validated path as downloads.

Naming rule: <element id>[-<words>][-<YYYY-MM-DD>].<csv|xlsx|json>, e.g.
6584-population-2026-08-11.csv. The element id picks the catalogue source of that element in that
format; the date is the vintage (the bureau's release as the bundle states it). README, *.md and
*.txt files are notes and are skipped; any other file is reported by name with the rule.

The project ships a sample bundle (raw/sample/, the real files as of the date its README names):
when the bureau cannot be reached and nothing has been landed for a source, the build lands that
source's sample file this way.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

from pipelines import settings
from pipelines.files import not_regular
from pipelines.messages import shown
from pipelines.sources.bns import vintage as vintages
from pipelines.sources.bns.catalogue import Source, load_catalogue
from pipelines.sources.bns.fetch import CHUNK, FetchConfig, FetchResult, record
from pipelines.sources.bns.landing import LandingError, land, landed_vintages, temp_file, tidy

NAMING_RULE = (
    "<element id>[-<words>][-<YYYY-MM-DD>].<csv|xlsx|json>, e.g. 6584-population-2026-08-11.csv "
    "(the element id of a catalogue table in that format; the date is the release's)"
)
_NAME = re.compile(r"^(\d+)(?:[-_][^/]*)?\.(csv|xlsx|json)$", re.IGNORECASE)
_NOTES = re.compile(r"^(readme.*|.*\.(md|txt))$", re.IGNORECASE)


def _problem(name: str, error: str, path: Path, source_id: str = "-") -> FetchResult:
    r = FetchResult(source_id=source_id, outcome="failed", url=_uri(path), via="bundle", error=error)
    record(r, vintages.now(), 1)
    return r


def _uri(path: Path) -> str:
    try:
        return path.absolute().as_uri()
    except ValueError:
        return shown(str(path))


def land_file(
    source: Source, src: Path, cfg: FetchConfig, via: str = "bundle", accept_losses: bool = False
) -> FetchResult:
    """Land one bundle file for `source` (verified like a download)."""
    started = vintages.now()
    result = FetchResult(source_id=source.id, outcome="failed", url=_uri(src), via=via, attempts=1)
    t0 = time.monotonic()
    tmp: Path | None = None
    name = shown(src.name)
    try:
        problem = not_regular(src)
        if problem:
            raise LandingError(f"refused {name}: {problem}")
        size = os.stat(src).st_size
        if size > cfg.max_bytes:
            raise LandingError(f"refused {name}: {size} bytes is over the cap of {cfg.max_bytes} bytes")
        tidy(source)
        tmp, f = temp_file(source)
        sha, n = hashlib.sha256(), 0
        with f, open(src, "rb") as inp:
            for chunk in iter(lambda: inp.read(CHUNK), b""):
                n += len(chunk)
                if n > cfg.max_bytes:
                    raise LandingError(f"refused {name}: over the cap of {cfg.max_bytes} bytes")
                sha.update(chunk)
                f.write(chunk)
        meta = {
            "source_id": source.id,
            "element_id": source.element_id,
            "format": source.format,
            "url": result.url,
            "retrieved_at": vintages.iso(vintages.now()),
            "bytes": n,
            "content_type": None,
            "license": source.license,
            "license_url": source.license_url,
            "attribution": source.attribution,
            "producer": source.producer,
            "via": via,
            "original_name": src.name,
        }
        outcome, path, meta = land(
            source, tmp, digest=sha.hexdigest(), name=name, meta=meta, bundle_name=src.name, accept_losses=accept_losses
        )
        result.outcome, result.path, result.meta = outcome, path, meta
        result.sha256, result.bytes, result.vintage = sha.hexdigest(), n, meta.get("vintage")
    except LandingError as e:
        result.error = str(e)
    except OSError as e:
        result.error = f"cannot land {name}: {e.strerror or e}"
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    result.elapsed = time.monotonic() - t0
    record(result, started, 1)
    return result


def land_from_dir(
    path: str | os.PathLike,
    sources: list[Source] | None = None,
    config: FetchConfig | None = None,
    accept_losses: bool = False,
    via: str = "bundle",
    catalogue: list[Source] | None = None,
) -> list[FetchResult]:
    """Land an offline bundle (see the naming rule above). Each data file goes to the source of
    its element id and format among `sources`; a file that breaks the naming rule, names an
    element `catalogue` (default: `sources`) lacks, or is not a regular file is a failed result
    naming it (source "-"). Files of catalogue sources not among `sources` are left alone."""
    folder = Path(path)
    if not folder.is_dir():
        raise NotADirectoryError(f"{shown(folder)} is not a directory")
    sources = load_catalogue() if sources is None else sources
    catalogue = sources if catalogue is None else catalogue
    cfg = config or FetchConfig.from_env()
    known = sorted({f"{s.element_id} ({s.ext})" for s in catalogue})
    results: list[FetchResult] = []
    for f in sorted(folder.iterdir()):
        name = shown(f.name)
        if f.name.startswith(".") or (_NOTES.match(f.name) and f.is_file()):
            continue
        m = _NAME.match(f.name)
        if not m:
            results.append(
                _problem(name, f"{name}: the name does not follow the bundle's naming rule {NAMING_RULE}", f)
            )
            continue
        ext = m.group(2).lower()
        matching = [s for s in sources if s.element_id == m.group(1) and s.ext == ext]
        if not matching and any(s.element_id == m.group(1) and s.ext == ext for s in catalogue):
            continue  # another source of the catalogue, not asked for
        if not matching:
            results.append(
                _problem(
                    name,
                    f"{name}: element {m.group(1)} as {ext} is not in the catalogue "
                    f"(it has {', '.join(known)}); naming rule: {NAMING_RULE}",
                    f,
                )
            )
            continue
        for s in matching:
            results.append(land_file(s, f, cfg, via=via, accept_losses=accept_losses))
    return results


def sample_dir() -> Path:
    """The sample bundle shipped with the project (env KAZMIG_SAMPLE_BUNDLE points elsewhere; set
    it empty to switch the fallback off)."""
    env = settings.sample_bundle()
    return Path(env) if env else settings.REPO_ROOT / "raw" / "sample"


def sample_date() -> str | None:
    """The date the sample bundle's README states it is as of (its 'As of:' line)."""
    try:
        text = (sample_dir() / "README.md").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r"as of[:\s*]+(\d{4}-\d{2}-\d{2})", text, re.IGNORECASE)
    return m.group(1) if m else None


def land_sample(source: Source, config: FetchConfig | None = None) -> list[FetchResult]:
    """Land the sample bundle's files of `source` when nothing is landed for it yet; [] when the
    source has landed vintages, or the sample has no file for it (or is switched off)."""
    if settings.sample_bundle() == "" or not sample_dir().is_dir():
        return []
    try:
        if landed_vintages(source):
            return []
    except LandingError:
        return []  # something is landed; its broken sidecar is reported elsewhere
    files = [
        f
        for f in sorted(sample_dir().iterdir())
        if (m := _NAME.match(f.name)) and m.group(1) == source.element_id and m.group(2).lower() == source.ext
    ]
    cfg = config or FetchConfig.from_env()
    return [land_file(source, f, cfg, via="sample") for f in files]
