"""Landing a bureau file: the one validated path every download and bundle file takes.

    raw/bns/<source_id>/<sha256>.<ext>     the file as served
    raw/bns/<source_id>/<sha256>.json      its snapshot metadata (sidecar), written last
    raw/bns/manifest.jsonl                 one line per attempt (HTTP request or bundle file)

Nothing lands unless it proved to be the table the catalogue describes: not an HTML page, the
declared format, parsed in full by the source's parser (indicator text, unit, classification
columns, every region label and value), and, when it would become the source's newest vintage,
without losing territories, periods or values the vintage it replaces has (unless the user
accepts the losses). Callers hold the warehouse lock (pipelines/warehouse/lock.py).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from pipelines import settings
from pipelines.files import atomic_replace, atomic_write, shareable
from pipelines.messages import shown
from pipelines.sources.bns import vintage as vintages
from pipelines.sources.bns.catalogue import Source

CHUNK = 64 * 1024


class LandingError(Exception):
    """A file that cannot land, or a landed file that cannot be read; the message is one line."""


class LossesRefused(LandingError):
    """A new vintage lacks what the vintage it replaces has."""


def source_dir(source: Source | str) -> Path:
    return settings.bns_dir() / (source if isinstance(source, str) else source.id)


def manifest_path() -> Path:
    return settings.bns_dir() / "manifest.jsonl"


def rel(path: Path) -> str:
    """A landed file as people read it: relative to raw/."""
    try:
        return Path(path).resolve().relative_to(settings.raw_dir().resolve()).as_posix()
    except ValueError:
        return shown(str(path))


# ---------------------------------------------------------------------------------- the manifest


def append_manifest(record: dict[str, Any]) -> None:
    path = manifest_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with open(path, "a", encoding="utf-8") as f:
        import fcntl

        fcntl.flock(f, fcntl.LOCK_EX)
        f.write(line)
        f.flush()


def read_manifest() -> list[dict[str, Any]]:
    """Every attempt recorded; a torn last line (a crash mid-write) is skipped."""
    path = manifest_path()
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict):
                out.append(rec)
    return out


# ---------------------------------------------------------------------------------- what is landed


def read_sidecar(side: Path, source_id: str) -> tuple[Path, dict[str, Any]]:
    """(data file, metadata) of a sidecar; LandingError naming both files when either is unusable."""
    data_hint = side.with_suffix(".*").name
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError(f"a JSON {type(meta).__name__}, not an object")
        ext = meta.get("ext") or Path(meta.get("file") or "").suffix.lstrip(".")
        if not ext or meta.get("sha256") not in (None, side.stem):
            raise ValueError("it does not describe the file named by its hash")
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise LandingError(
            f"{source_id}: the sidecar {rel(side)} of raw/{rel(side.parent)}/{data_hint} cannot be "
            f"read ({str(e).splitlines()[0] if str(e) else type(e).__name__}); land the file again "
            f"(`kazmig fetch {source_id}` or `kazmig fetch --from DIR`) to rewrite it"
        ) from None
    path = side.with_name(f"{side.stem}.{ext}")
    if not path.is_file():
        raise LandingError(
            f"{source_id}: the sidecar {rel(side)} describes {rel(path)}, which is missing; "
            f"land the file again (`kazmig fetch {source_id}`) or remove the sidecar"
        )
    return path, meta


def _sidecars(folder: Path) -> list[Path]:
    import re

    return sorted(p for p in folder.glob("*.json") if re.fullmatch(r"[0-9a-f]{64}\.json", p.name))


def landed_vintages(source: Source | str) -> list[tuple[Path, dict[str, Any]]]:
    """(path, sidecar) of every landed snapshot of the source, oldest vintage first. A sidecar that
    cannot be read is a LandingError naming it and its file, never a silent skip."""
    folder = source_dir(source)
    sid = source if isinstance(source, str) else source.id
    if not folder.is_dir():
        return []
    out = [read_sidecar(side, sid) for side in _sidecars(folder)]
    out.sort(key=lambda pm: vintages.order_key(pm[1]))
    return out


def latest_landed(source: Source) -> tuple[Path, dict[str, Any]] | None:
    landed = landed_vintages(source)
    return landed[-1] if landed else None


def last_retrieved(source: Source) -> tuple[Path, dict[str, Any]] | None:
    """What the server served last (conditional requests ask about it)."""
    landed = landed_vintages(source)
    return max(landed, key=lambda pm: pm[1].get("retrieved_at") or "") if landed else None


def tidy(source: Source) -> None:
    """Remove what an interrupted landing left (temporary files, a data file whose sidecar was
    never written): it never landed, so nothing is lost."""
    folder = source_dir(source)
    if not folder.is_dir():
        return
    described = {p.stem for p in _sidecars(folder)}
    for p in folder.iterdir():
        if p.name.startswith(".incoming-") or (
            p.is_file() and p.suffix == f".{source.ext}" and len(p.stem) == 64 and p.stem not in described
        ):
            p.unlink(missing_ok=True)


def temp_file(source: Source):
    """A temporary file in the source's folder (so the final rename stays on one file system)."""
    import tempfile

    folder = source_dir(source)
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        dir=folder, prefix=".incoming-", suffix=f".part.{source.ext}"
    )  # openpyxl reads by extension
    shareable(fd)
    return Path(name), os.fdopen(fd, "wb")


# ---------------------------------------------------------------------------------- verification


def _looks_like_html(head: bytes) -> bool:
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return s.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        s.startswith(b"<") and b"<html" in s[:4096]
    )


def validate_content(source: Source, path: Path) -> None:
    """Raise ValueError unless the file looks like the source's declared format (a quick sniff
    before the full parse)."""
    with open(path, "rb") as f:
        head = f.read(CHUNK)
    if not head:
        raise ValueError("empty body")
    if _looks_like_html(head):
        raise ValueError("an HTML page, not the data file")
    if source.format == "bns_csv":
        from pipelines.sources.bns.parse_csv import decode, read_header

        try:
            text = decode(head if len(head) < CHUNK else head[: head.rfind(b"\n") + 1] or head)
        except UnicodeDecodeError:
            raise ValueError("CSV is neither UTF-8 nor CP1251 text") from None
        header = read_header(text)
        missing = [c for c in ("NAM", "VAL") if c not in header]
        if len(header) < 3 or missing:
            raise ValueError(f"not a bureau CSV: header lacks {', '.join(missing) or 'tab-separated columns'}")
    elif source.format == "bns_xlsx":
        from pipelines.sources.bns.parse_xlsx import check_xlsx_zip

        check_xlsx_zip(path)
    elif source.format == "bns_json":
        try:
            doc = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"not JSON: {e}") from None
        if not isinstance(doc, list):
            raise ValueError(f"JSON is a {type(doc).__name__}, expected a list")


@dataclass
class Coverage:
    rows: int
    regions: dict[str, str]  # code -> a label the file uses
    periods: set[str]
    keys: set[tuple]

    @classmethod
    def of(cls, obs: list[dict]) -> Coverage:
        regions: dict[str, str] = {}
        for o in obs:
            regions.setdefault(o["region"], o["region_label"])
        return cls(
            len(obs),
            regions,
            {o["period"] for o in obs},
            {(o["indicator"], o["region"], o["sex"], o["period"]) for o in obs},
        )

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "regions": len(self.regions),
            "periods": len(self.periods),
            "first_period": min(self.periods, default=None),
            "last_period": max(self.periods, default=None),
        }


def losses(old: Coverage, new: Coverage) -> dict[str, Any]:
    """What `new` lacks that `old` has: territories, periods, values."""
    lost_regions = {c: old.regions[c] for c in sorted(set(old.regions) - set(new.regions))}
    return {"regions": lost_regions, "periods": sorted(old.periods - new.periods), "values": len(old.keys - new.keys)}


def missing_regions(cov: Coverage) -> tuple[str | None, dict[str, str]]:
    """(the last period, the regions and cities of the reference in force then that the file
    lacks) for a table that covers regions: one naming two regions or more besides the country.
    A first landing has no earlier vintage to compare with, so the reference is the yardstick."""
    from pipelines import reference

    named = {c for c in cov.regions if c != "KZ"}
    last = max(cov.periods, default=None)
    if len(named) < 2 or last is None:
        return last, {}
    day = f"{last}-12-31" if re.fullmatch(r"\d{4}", last) else str(last)[:10]
    lacking = {k: r.name_ru for k, r in reference.regions_in_force(day).items() if k not in named}
    return last, lacking


def _losses_text(lost: dict[str, Any]) -> str:
    parts = []
    if lost["regions"]:
        names = ", ".join(f"{shown(label)} ({code})" for code, label in list(lost["regions"].items())[:4])
        more = len(lost["regions"]) - 4
        parts.append(
            f"{len(lost['regions'])} territor{'y' if len(lost['regions']) == 1 else 'ies'} ({names}"
            + (f", {more} more" if more > 0 else "")
            + ")"
        )
    if lost["periods"]:
        ps = lost["periods"]
        parts.append(
            f"{len(ps)} period{'s' if len(ps) != 1 else ''} ({', '.join(ps[:4])}"
            + (f", {len(ps) - 4} more" if len(ps) > 4 else "")
            + ")"
        )
    parts.append(f"{lost['values']} value{'s' if lost['values'] != 1 else ''}")
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


def _parse(source: Source, path: Path, meta: dict[str, Any]) -> list[dict]:
    from pipelines.sources.bns.parse import parse_file

    return parse_file(source, path, meta)


def verify(source: Source, tmp: Path, name: str) -> list[dict]:
    """The observations of a candidate file, or LandingError (one line) saying why it is not the
    table the catalogue describes."""
    from pipelines.sources.bns.common import SourceError

    try:
        validate_content(source, tmp)
    except (ValueError, OSError) as e:
        raise LandingError(f"rejected {name}: {e}") from None
    try:
        obs = _parse(source, tmp, {"vintage": "1991-12-16", "sha256": "-", "file_name": name})
    except SourceError as e:
        raise LandingError(f"rejected {name}: {e.detail}" + (f" ({e.where})" if e.where else "")) from None
    if not obs:
        raise LandingError(f"rejected {name}: no value of the catalogue's indicators in it")
    return obs


# ---------------------------------------------------------------------------------- landing


def land(
    source: Source,
    tmp: Path,
    *,
    digest: str,
    name: str,
    meta: dict[str, Any],
    last_modified: str | None = None,
    bundle_name: str | None = None,
    refresh: Any = None,
    replaces: Any = None,
    accept_losses: bool = False,
) -> tuple[str, Path, dict[str, Any]]:
    """Verify a complete temporary file and move it into place with its sidecar.

    Returns ("changed" | "unchanged" | "repaired", path, sidecar). Raises LandingError (one line)
    when the file is refused; the temporary file is the caller's to remove."""
    folder = source_dir(source)
    final = folder / f"{digest}.{source.ext}"
    side = folder / f"{digest}.json"
    if final.is_file() and side.is_file():
        try:
            _, old = read_sidecar(side, source.id)
            return "unchanged", final, old
        except LandingError:
            pass  # the same bytes again: verify them and rewrite the sidecar below
    repaired = final.is_file()
    obs = verify(source, tmp, name)
    retrieved = vintages.parse_iso(meta.get("retrieved_at")) or vintages.now()
    v = vintages.decide(
        path=tmp,
        fmt=source.format,
        retrieved=retrieved,
        refresh=refresh,
        last_modified=last_modified,
        bundle_name=bundle_name,
        replaces=replaces,
    )
    new_cov = Coverage.of(obs)
    accepted = None
    demoted = [] if repaired else outranked_by_distrust(source, v)
    previous = None if repaired else latest_landed(source)  # the same bytes landed before: nothing to compare
    if previous is not None and (
        any(side == previous[0].with_suffix(".json") for side, _ in demoted)
        or vintages.order_key(v.fields()) > vintages.order_key(previous[1])
    ):
        old_path, old_meta = previous
        try:
            old_obs = _parse(source, old_path, old_meta)
        except Exception:  # noqa: BLE001 - a vintage that no longer parses cannot be compared with
            old_obs = []
        lost = losses(Coverage.of(old_obs), new_cov) if old_obs else None
        if lost and (lost["regions"] or lost["periods"] or lost["values"]):
            text = (
                f"{_losses_text(lost)} that the landed vintage {old_meta.get('vintage')} "
                f"({str(old_meta.get('sha256'))[:12]}) has"
            )
            if not accept_losses:
                how = f"kazmig fetch {source.id} --accept-losses" + (" --from DIR" if bundle_name else "")
                raise LossesRefused(
                    f"refused {name}: it lacks {text}; if the bureau really withdrew them, land it with `{how}`"
                )
            accepted = {
                "compared_with": old_meta.get("sha256"),
                "regions": lost["regions"],
                "periods": lost["periods"],
                "values": lost["values"],
                "accepted_at": vintages.iso(vintages.now()),
            }
    last, lacking = missing_regions(new_cov)
    if lacking:
        names = ", ".join(f"{label} ({code})" for code, label in list(lacking.items())[:4])
        more = f", {len(lacking) - 4} more" if len(lacking) > 4 else ""
        if not accept_losses:
            how = f"kazmig fetch {source.id} --accept-losses" + (" --from DIR" if bundle_name else "")
            raise LossesRefused(
                f"refused {name}: it lacks {len(lacking)} of the regions and cities of the reference "
                f"in {last} ({names}{more}); if the bureau really left them out, land it with `{how}`"
            )
        accepted = {**(accepted or {"accepted_at": vintages.iso(vintages.now())}), "missing_regions": lacking}
    meta = {
        **meta,
        **v.fields(),
        "sha256": digest,
        "file": final.name,
        "ext": source.ext,
        "coverage": new_cov.summary(),
        "accepted_losses": accepted,
    }
    if not repaired:
        os.chmod(tmp, 0o644)
        atomic_replace(tmp, final)
    with atomic_write(side, encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.chmod(side, 0o644)
    for old_side, old_meta in demoted:  # after the new file is in place: refused, it demotes nothing
        with atomic_write(old_side, encoding="utf-8") as f:
            json.dump(old_meta, f, ensure_ascii=False, indent=2)
            f.write("\n")
    return ("repaired" if repaired else "changed"), final, meta


def distrusted(meta: dict[str, Any]) -> bool:
    """Whether a landed file's vintage is its landing time standing in for a date that was not
    trusted (a claim in the future, or older than what it replaced): its rank is a guess."""
    return meta.get("vintage_basis") == "retrieved" and "not trusted" in (meta.get("vintage_note") or "")


def outranked_by_distrust(source: Source, v: vintages.Vintage) -> list[tuple[Path, dict[str, Any]]]:
    """The landed files of this table (every format of its element) that would rank above a new
    file with a trusted date only because their own date was distrusted and replaced by their
    landing time: (sidecar, the sidecar rewritten one second below the new file's vintage). The
    new file was landed later and its date is believed; theirs is only "no later than landing"."""
    if v.basis == "retrieved":
        return []
    from pipelines.sources.bns.catalogue import load_catalogue

    try:
        same_table = [s for s in load_catalogue() if s.element_id == source.element_id] or [source]
    except Exception:  # noqa: BLE001 - a catalogue that does not load: this source's files only
        same_table = [source]
    below = v.at - timedelta(seconds=1)
    out = []
    for other in same_table:
        for path, meta in landed_vintages(other):
            if distrusted(meta) and vintages.order_key(meta) > vintages.order_key(v.fields()):
                out.append(
                    (
                        path.with_suffix(".json"),
                        {
                            **meta,
                            "vintage": below.date().isoformat(),
                            "vintage_at": vintages.iso(below),
                            "vintage_note": f"{meta.get('vintage_note')}; ranked below the file dated "
                            f"{v.date} landed after it (was {meta.get('vintage_at')})",
                        },
                    )
                )
    return out
