"""Which release of the bureau's a landed file is: its vintage.

A vintage is the bureau's release when it can be known, else the time the file was retrieved, to
the second, recorded as such (`basis`):

    last_modified  the server's Last-Modified header (HTTP), when it is believable: not in the
                   future, and not older than the file the new one replaces
    bundle_name    the YYYY-MM-DD date in an offline bundle file's name
    file_date      a date inside the file (an XLSX's docProps/core.xml "modified")
    retrieved      the time of the refresh that fetched it (or of the landing), to the second

Two formats of one element fetched in one refresh without a better date share that refresh's
time: they are one release. A date a server or a file claims is checked, never trusted blindly:
a claim in the future, or older than the vintage it replaces, falls back to the retrieval time
(noted in the sidecar), so it cannot pin a vintage or hide the next one.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

EARLIEST = dt.datetime(1991, 12, 16, tzinfo=dt.UTC)  # the Republic's statistics start here
SKEW = dt.timedelta(minutes=5)  # clocks disagree a little; a claim later than this is in the future
BASES = ("last_modified", "bundle_name", "file_date", "retrieved")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def iso(t: dt.datetime) -> str:
    return t.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def parse_iso(s: str | None) -> dt.datetime | None:
    if not s:
        return None
    try:
        t = dt.datetime.fromisoformat(str(s).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


@dataclass(frozen=True)
class Vintage:
    at: dt.datetime
    basis: str
    note: str | None = None

    @property
    def date(self) -> str:
        return self.at.date().isoformat()

    def fields(self) -> dict[str, str | None]:
        """The sidecar's vintage keys."""
        return {
            "vintage": self.date,
            "vintage_at": iso(self.at),
            "vintage_basis": self.basis,
            "vintage_note": self.note,
        }


def order_key(meta: dict) -> tuple[str, str]:
    """How landed vintages of one source sort (oldest first): the vintage, then retrieval."""
    at = parse_iso(meta.get("vintage_at")) or parse_iso(meta.get("vintage"))
    return (iso(at) if at else "", meta.get("retrieved_at") or "")


def http_date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        t = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if t is None:
        return None
    return (t if t.tzinfo else t.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def name_date(name: str) -> dt.datetime | None:
    """The YYYY-MM-DD date in a bundle file's name (the last valid one)."""
    found = None
    for m in re.finditer(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", name):
        try:
            found = dt.datetime(int(m[1]), int(m[2]), int(m[3]), tzinfo=dt.UTC)
        except ValueError:
            continue
    return found


_MODIFIED = re.compile(rb"<dcterms:modified[^>]*>([^<]+)</dcterms:modified>")


def file_date(path: Path, fmt: str) -> dt.datetime | None:
    """The date the file itself states: an XLSX's last-modified core property."""
    if fmt != "bns_xlsx":
        return None
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("docProps/core.xml")
            if info.file_size > 64 * 1024:
                return None
            m = _MODIFIED.search(z.read(info))
    except (KeyError, OSError, zipfile.BadZipFile):
        return None
    return parse_iso(m.group(1).decode("ascii", "replace").strip()) if m else None


def _believable(
    t: dt.datetime | None, retrieved: dt.datetime, floor: dt.datetime | None, what: str
) -> tuple[dt.datetime | None, str | None]:
    """(t, None) when t can stand for the release, else (None, why not)."""
    if t is None:
        return None, None
    t = t.replace(microsecond=0)
    if t > retrieved + SKEW:
        return None, f"{what} {iso(t)} is in the future (retrieved {iso(retrieved)}); not trusted"
    if t < EARLIEST:
        return None, f"{what} {iso(t)} is before the bureau's statistics began; not trusted"
    if floor is not None and t <= floor:
        return None, (f"{what} {iso(t)} is not later than the vintage {iso(floor)} this new file replaces; not trusted")
    return t, None


def decide(
    *,
    path: Path,
    fmt: str,
    retrieved: dt.datetime,
    refresh: dt.datetime | None = None,
    last_modified: str | None = None,
    bundle_name: str | None = None,
    replaces: dt.datetime | None = None,
) -> Vintage:
    """The vintage of a newly landed file. `replaces` is the vintage of the file the server served
    before (HTTP): new content is never older than what it replaced."""
    notes = []
    candidates = []
    if last_modified is not None:
        candidates.append(("last_modified", http_date(last_modified), "the server's Last-Modified", replaces))
    if bundle_name is not None:
        candidates.append(("bundle_name", name_date(bundle_name), "the date in the file name", None))
    candidates.append(("file_date", file_date(path, fmt), "the date inside the file", replaces))
    for basis, t, what, floor in candidates:
        ok, why = _believable(t, retrieved, floor, what)
        if ok is not None:
            return Vintage(ok, basis, "; ".join(notes) or None)
        if why:
            notes.append(why)
    at = (refresh or retrieved).replace(microsecond=0)
    if replaces is not None and at <= replaces:
        at = replaces + dt.timedelta(seconds=1)  # a new file is newer than the one it replaces
    return Vintage(at, "retrieved", "; ".join(notes) or None)
