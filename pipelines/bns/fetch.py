"""Download the bureau's tables, validate them and land them as immutable snapshots.

    raw/bns/<source_id>/<sha256>.<ext>     the file as served
    raw/bns/<source_id>/<sha256>.json      its snapshot metadata (sidecar)
    raw/bns/manifest.jsonl                 one line per attempt (HTTP request or bundle file)

Nothing lands unless it passed validation: not an HTML page, the declared content type, the whole
body (Content-Length), under the size cap, and parseable as the declared format at first glance
(CSV header with NAM/VAL, XLSX zip with xl/workbook.xml, JSON list). Files are streamed into a
temporary file in the target folder and moved into place with os.replace.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import errno
import hashlib
import json
import os
import re
import socket
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urljoin, urlsplit

import requests

from pipelines import settings
from pipelines.bns.catalogue import Source, allowed_hosts, base_url_from_env, load_catalogue
from pipelines.progress import progress

MB = 1024 * 1024
CHUNK = 64 * 1024

CONTENT_TYPES = {
    "bns_csv": {"text/csv", "text/plain", "text/tab-separated-values", "application/csv",
                "application/vnd.ms-excel"},
    "bns_xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "application/zip", "application/x-zip-compressed", "application/vnd.ms-excel"},
    "bns_json": {"application/json", "text/json", "text/plain", "text/javascript"},
}
GENERIC_TYPES = {"application/octet-stream", "binary/octet-stream", "application/force-download",
                 "application/download", "application/x-download"}


def _env_float(name: str, default: float) -> float:
    v = os.environ.get(name)
    return float(v) if v not in (None, "") else default


@dataclass
class FetchConfig:
    """Network settings; `from_env` reads KAZMIG_BNS_* overrides."""

    base_url: str | None = None          # default: env KAZMIG_BNS_BASE_URL or https://stat.gov.kz
    connect_timeout: float = 3.0
    read_timeout: float = 30.0
    retries: int = 2                     # attempts after the first, on time-outs and 5xx
    backoff: float = 1.0                 # first pause; doubled after each retry
    max_backoff: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 50 * MB
    user_agent: str = "kazmig/0.1 (labour-migration statistics; +https://stat.gov.kz)"

    @classmethod
    def from_env(cls, **overrides: Any) -> "FetchConfig":
        cfg = cls(
            base_url=os.environ.get("KAZMIG_BNS_BASE_URL") or None,
            connect_timeout=_env_float("KAZMIG_BNS_CONNECT_TIMEOUT", cls.connect_timeout),
            read_timeout=_env_float("KAZMIG_BNS_READ_TIMEOUT", cls.read_timeout),
            retries=int(_env_float("KAZMIG_BNS_RETRIES", cls.retries)),
            backoff=_env_float("KAZMIG_BNS_BACKOFF", cls.backoff),
            max_redirects=int(_env_float("KAZMIG_BNS_MAX_REDIRECTS", cls.max_redirects)),
            max_bytes=int(_env_float("KAZMIG_BNS_MAX_BYTES", cls.max_bytes)),
        )
        for k, v in overrides.items():
            setattr(cfg, k, v)
        return cfg

    @property
    def base(self) -> str:
        return (self.base_url or base_url_from_env()).rstrip("/")


@dataclass
class FetchResult:
    source_id: str
    outcome: str                          # changed | unchanged | failed | offline
    url: str | None = None
    path: Path | None = None              # the landed file (for unchanged: the one already there)
    sha256: str | None = None
    status: int | None = None             # last HTTP status
    error: str | None = None
    vintage: str | None = None
    bytes: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    via: str = "http"                     # http | bundle
    attempts: int = 0
    elapsed: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.outcome in ("changed", "unchanged")


class FetchError(Exception):
    """A failed attempt. `retry` says whether another attempt may help, `offline` that the host
    did not resolve or refused the connection."""

    def __init__(self, message: str, status: int | None = None, retry: bool = False, offline: bool = False):
        super().__init__(message)
        self.status, self.retry, self.offline = status, retry, offline


# ---------------------------------------------------------------------------------------------
# where things are

def source_dir(source: Source | str) -> Path:
    return settings.bns_dir() / (source if isinstance(source, str) else source.id)


def manifest_path() -> Path:
    return settings.bns_dir() / "manifest.jsonl"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="seconds").replace("+00:00", "Z")


def landed_vintages(source: Source | str) -> list[tuple[Path, dict[str, Any]]]:
    """(path, sidecar metadata) of every landed snapshot of the source, sorted by vintage
    (then retrieval time)."""
    folder = source_dir(source)
    out: list[tuple[Path, dict[str, Any]]] = []
    if not folder.is_dir():
        return out
    for side in folder.glob("*.json"):
        if side.name.startswith(".") or not re.fullmatch(r"[0-9a-f]{64}\.json", side.name):
            continue
        try:
            meta = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        ext = meta.get("ext") or Path(meta.get("file") or "").suffix.lstrip(".")
        path = folder / f"{side.stem}.{ext}"
        if path.is_file():
            out.append((path, meta))
    out.sort(key=lambda pm: (pm[1].get("vintage") or "", pm[1].get("retrieved_at") or ""))
    return out


def _last_retrieved(source: Source) -> tuple[Path, dict[str, Any]] | None:
    landed = landed_vintages(source)
    if not landed:
        return None
    return max(landed, key=lambda pm: pm[1].get("retrieved_at") or "")


def _append_manifest(record: dict[str, Any]) -> None:
    path = manifest_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n"
    with open(path, "a", encoding="utf-8") as f:
        try:
            import fcntl

            fcntl.flock(f, fcntl.LOCK_EX)
        except (ImportError, OSError):
            pass
        f.write(line)
        f.flush()


def read_manifest() -> list[dict[str, Any]]:
    path = manifest_path()
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                continue
    return out


def _record(result: FetchResult, started: dt.datetime, attempt: int, error: str | None = None,
            outcome: str | None = None, status: int | None = None) -> None:
    _append_manifest({
        "source_id": result.source_id,
        "url": result.url,
        "started": _iso(started),
        "finished": _iso(_now()),
        "status": status if status is not None else result.status,
        "outcome": outcome or result.outcome,
        "etag": result.etag,
        "last_modified": result.last_modified,
        "sha256": result.sha256,
        "bytes": result.bytes,
        "content_type": result.content_type,
        "error": error if error is not None else result.error,
        "via": result.via,
        "attempt": attempt,
    })


# ---------------------------------------------------------------------------------------------
# validation

def _looks_like_html(head: bytes) -> bool:
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return s.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        s.startswith(b"<") and b"<html" in s[:4096])


def validate_content(source: Source, path: Path) -> None:
    """Raise ValueError unless the file looks like the source's declared format."""
    with open(path, "rb") as f:
        head = f.read(CHUNK)
    if not head:
        raise ValueError("empty body")
    if _looks_like_html(head):
        raise ValueError("an HTML page, not the data file")
    if source.format == "bns_csv":
        from pipelines.bns.parse_csv import decode, read_header

        try:
            text = decode(head if len(head) < CHUNK else head[: head.rfind(b"\n") + 1] or head)
        except UnicodeDecodeError:
            raise ValueError("CSV is neither UTF-8 nor CP1251 text") from None
        header = read_header(text)
        missing = [c for c in ("NAM", "VAL") if c not in header]
        if len(header) < 3 or missing:
            raise ValueError(f"not a bureau CSV: header lacks {', '.join(missing) or 'tab-separated columns'}")
    elif source.format == "bns_xlsx":
        from pipelines.bns.parse_xlsx import check_xlsx_zip

        check_xlsx_zip(path)
    elif source.format == "bns_json":
        try:
            doc = json.loads(Path(path).read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f"not JSON: {e}") from None
        if not isinstance(doc, list):
            raise ValueError(f"JSON is a {type(doc).__name__}, expected a list")


def _check_content_type(source: Source, content_type: str | None) -> None:
    if not content_type:
        return
    mime = content_type.split(";")[0].strip().lower()
    if mime in ("text/html", "application/xhtml+xml"):
        raise FetchError(f"content type {mime}: an HTML page, not the data file")
    if mime not in CONTENT_TYPES[source.format] | GENERIC_TYPES:
        raise FetchError(f"unexpected content type {mime!r} for {source.format}")


def _check_url(url: str, hosts: set[str]) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"refusing URL scheme {parts.scheme!r}: {url}")
    if (parts.hostname or "").lower() not in hosts:
        raise FetchError(f"refusing host {parts.hostname!r} (allowed: {', '.join(sorted(hosts))}): {url}")


# ---------------------------------------------------------------------------------------------
# landing

def _vintage_from_last_modified(value: str | None) -> str | None:
    if not value:
        return None
    try:
        t = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if t is None:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.astimezone(dt.timezone.utc).date().isoformat()


def _vintage_from_name(path: Path) -> str:
    for m in re.finditer(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", path.name):
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            continue
    return dt.date.fromtimestamp(path.stat().st_mtime).isoformat()


def _tempfile(folder: Path) -> tuple[Path, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".incoming-", suffix=".part")
    return Path(name), os.fdopen(fd, "wb")


def _land(source: Source, tmp: Path, sha: str, meta: dict[str, Any]) -> tuple[str, Path, dict[str, Any]]:
    """Move a validated temporary file into place; ("unchanged", path, meta) if already there."""
    folder = source_dir(source)
    final = folder / f"{sha}.{source.ext}"
    side = folder / f"{sha}.json"
    if final.is_file() and side.is_file():
        tmp.unlink(missing_ok=True)
        try:
            return "unchanged", final, json.loads(side.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            pass
    os.chmod(tmp, 0o644)
    os.replace(tmp, final)
    meta = {**meta, "file": final.name, "ext": source.ext}
    fd, side_tmp = tempfile.mkstemp(dir=folder, prefix=".incoming-", suffix=".json.part")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(meta, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.chmod(side_tmp, 0o644)
    os.replace(side_tmp, side)
    return "changed", final, meta


def _snapshot_meta(source: Source, **kw: Any) -> dict[str, Any]:
    return {
        "source_id": source.id,
        "element_id": source.element_id,
        "format": source.format,
        "url": kw.get("url"),
        "retrieved_at": kw.get("retrieved_at"),
        "etag": kw.get("etag"),
        "last_modified": kw.get("last_modified"),
        "vintage": kw.get("vintage"),
        "sha256": kw.get("sha256"),
        "bytes": kw.get("bytes"),
        "content_type": kw.get("content_type"),
        "license": source.license,
        "license_url": source.license_url,
        "attribution": source.attribution,
        "producer": source.producer,
        "via": kw.get("via"),
        "original_name": kw.get("original_name"),
    }


# ---------------------------------------------------------------------------------------------
# HTTP

def make_session(config: FetchConfig | None = None) -> requests.Session:
    cfg = config or FetchConfig.from_env()
    s = requests.Session()
    s.headers.update({"User-Agent": cfg.user_agent, "Accept-Encoding": "identity", "Accept": "*/*"})
    s.max_redirects = cfg.max_redirects
    s.trust_env = True
    return s


def _walk_causes(e: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    stack: list[Any] = [e]
    while stack:
        x = stack.pop()
        if not isinstance(x, BaseException) or id(x) in seen:
            continue
        seen.add(id(x))
        yield x
        stack.extend([x.__cause__, x.__context__, getattr(x, "reason", None), *getattr(x, "args", ())])


_OFFLINE_ERRNOS = {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL}
_OFFLINE_TEXT = re.compile(r"Failed to resolve|Name or service not known|nodename nor servname|"
                           r"Temporary failure in name resolution|Connection refused|"
                           r"Network is unreachable|No route to host|getaddrinfo failed", re.I)


def _is_offline(e: BaseException) -> bool:
    """The host does not resolve or refuses the connection: no point retrying."""
    try:
        from urllib3.exceptions import NameResolutionError
    except ImportError:  # pragma: no cover
        NameResolutionError = ()  # type: ignore
    for x in _walk_causes(e):
        if isinstance(x, (socket.gaierror, ConnectionRefusedError)) or (
                NameResolutionError and isinstance(x, NameResolutionError)):
            return True
        if isinstance(x, OSError) and x.errno in _OFFLINE_ERRNOS:
            return True
    return bool(_OFFLINE_TEXT.search(str(e)))


def _offline_reason(e: BaseException, url: str) -> str:
    host = urlsplit(url).netloc
    text = " ".join(str(x) for x in _walk_causes(e))
    if any(isinstance(x, socket.gaierror) for x in _walk_causes(e)) or re.search(
            r"resolve|name or service|nodename|name resolution|getaddrinfo", text, re.I):
        return f"{host} does not resolve"
    if re.search(r"refused", text, re.I):
        return f"{host} refused the connection"
    if re.search(r"unreachable|no route", text, re.I):
        return f"{host} is unreachable"
    return f"cannot connect to {host}"


def _short(e: BaseException) -> str:
    s = f"{type(e).__name__}: {e}"
    return re.sub(r"\s+", " ", s)[:300]


def _content_disposition_name(value: str | None) -> str | None:
    """The file name a server suggests; recorded as metadata only, never used as a path."""
    if not value:
        return None
    m = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", value, re.I)
    if not m:
        return None
    from urllib.parse import unquote

    return re.sub(r"[^\w.\- ]", "_", unquote(m.group(1)))[:200]


def _one_attempt(source: Source, session: requests.Session, cfg: FetchConfig, url: str,
                 conditional: dict[str, str], result: FetchResult, last: tuple[Path, dict] | None) -> None:
    """One request (following redirects by hand); fills `result` or raises FetchError."""
    hosts = allowed_hosts(cfg.base)
    current, seen = url, {url}
    for _hop in range(cfg.max_redirects + 1):
        _check_url(current, hosts)
        try:
            resp = session.get(current, headers=conditional, stream=True, allow_redirects=False,
                               timeout=(cfg.connect_timeout, cfg.read_timeout))
        except requests.ConnectionError as e:
            if _is_offline(e):
                raise FetchError(f"offline: {_offline_reason(e, current)}", offline=True) from None
            raise FetchError(f"connection failed: {_short(e)}", retry=True) from None
        except requests.Timeout as e:
            raise FetchError(f"time-out: {_short(e)}", retry=True) from None
        except requests.RequestException as e:
            raise FetchError(f"request failed: {_short(e)}") from None
        with resp:
            result.status = resp.status_code
            if resp.is_redirect:
                nxt = urljoin(current, resp.headers.get("Location", ""))
                if nxt in seen:
                    raise FetchError(f"redirect loop: {current} -> {nxt}", status=resp.status_code)
                seen.add(nxt)
                current = nxt
                continue
            if resp.status_code == 304:
                if not last:
                    raise FetchError("304 Not Modified without a landed snapshot", status=304)
                path, meta = last
                result.outcome, result.path, result.meta = "unchanged", path, meta
                result.sha256, result.bytes = meta.get("sha256"), meta.get("bytes")
                result.vintage = meta.get("vintage")
                result.etag = resp.headers.get("ETag") or meta.get("etag")
                result.last_modified = resp.headers.get("Last-Modified") or meta.get("last_modified")
                result.content_type = meta.get("content_type")
                return
            if resp.status_code >= 500:
                raise FetchError(f"HTTP {resp.status_code} {resp.reason}", status=resp.status_code, retry=True)
            if resp.status_code != 200:
                raise FetchError(f"HTTP {resp.status_code} {resp.reason}", status=resp.status_code)
            _receive(source, cfg, current, resp, result)
            return
    raise FetchError(f"too many redirects (more than {cfg.max_redirects}) from {url}", status=result.status)


def _receive(source: Source, cfg: FetchConfig, url: str, resp: requests.Response, result: FetchResult) -> None:
    h = resp.headers
    result.etag, result.last_modified = h.get("ETag"), h.get("Last-Modified")
    result.content_type = h.get("Content-Type")
    _check_content_type(source, result.content_type)
    declared: int | None = None
    if h.get("Content-Length", "").strip().isdigit() and h.get("Content-Encoding", "identity").lower() in ("identity", ""):
        declared = int(h["Content-Length"])
        if declared > cfg.max_bytes:
            raise FetchError(f"body of {declared} bytes is over the cap of {cfg.max_bytes} bytes",
                             status=resp.status_code)
    tmp, f = _tempfile(source_dir(source))
    try:
        sha, n = hashlib.sha256(), 0
        with f:
            try:
                for chunk in resp.iter_content(CHUNK):
                    n += len(chunk)
                    if n > cfg.max_bytes:
                        raise FetchError(f"body over the cap of {cfg.max_bytes} bytes (stopped reading)",
                                         status=resp.status_code)
                    sha.update(chunk)
                    f.write(chunk)
            except requests.exceptions.ChunkedEncodingError as e:
                raise FetchError(f"truncated body after {n} bytes"
                                 + (f" of {declared}" if declared is not None else "") + f": {_short(e)}",
                                 status=resp.status_code, retry=True) from None
            except requests.ConnectionError as e:
                raise FetchError(f"connection lost after {n} bytes: {_short(e)}", status=resp.status_code,
                                 retry=True) from None
        if declared is not None and n != declared:
            raise FetchError(f"truncated body: {n} of {declared} bytes", status=resp.status_code, retry=True)
        try:
            validate_content(source, tmp)
        except (ValueError, OSError) as e:
            raise FetchError(f"rejected: {e}", status=resp.status_code) from None
        digest = sha.hexdigest()
        retrieved = _now()
        meta = _snapshot_meta(
            source, url=url, retrieved_at=_iso(retrieved), etag=result.etag, last_modified=result.last_modified,
            vintage=_vintage_from_last_modified(result.last_modified) or retrieved.date().isoformat(),
            sha256=digest, bytes=n, content_type=result.content_type, via="http",
            original_name=_content_disposition_name(h.get("Content-Disposition")) or Path(urlsplit(url).path).name or None,
        )
        outcome, path, meta = _land(source, tmp, digest, meta)
        result.outcome, result.path, result.meta = outcome, path, meta
        result.sha256, result.bytes, result.vintage = digest, n, meta.get("vintage")
    finally:
        tmp.unlink(missing_ok=True)


def fetch_source(source: Source, session: requests.Session | None = None,
                 config: FetchConfig | None = None) -> FetchResult:
    """Download one source (conditionally), validate it and land it. Never raises for network or
    validation problems: the result's outcome is changed | unchanged | failed | offline."""
    cfg = config or FetchConfig.from_env()
    own = session is None
    session = session or make_session(cfg)
    try:
        url = source.url(cfg.base)
    except (KeyError, IndexError, ValueError) as e:
        result = FetchResult(source_id=source.id, outcome="failed", error=f"bad URL template: {_short(e)}")
        _record(result, _now(), 0)
        if own:
            session.close()
        return result
    t0 = time.monotonic()
    last = _last_retrieved(source)
    conditional: dict[str, str] = {}
    if last:
        if last[1].get("etag"):
            conditional["If-None-Match"] = last[1]["etag"]
        if last[1].get("last_modified"):
            conditional["If-Modified-Since"] = last[1]["last_modified"]
    attempts = max(1, cfg.retries + 1)
    try:
        for attempt in range(1, attempts + 1):
            result = FetchResult(source_id=source.id, outcome="failed", url=url, attempts=attempt)
            started = _now()
            try:
                _one_attempt(source, session, cfg, url, conditional, result, last)
            except FetchError as e:
                result.error, result.status = str(e), e.status if e.status is not None else result.status
                if e.offline:
                    result.outcome = "offline"
                    _record(result, started, attempt)
                    break
                if e.retry and attempt < attempts:
                    pause = min(cfg.max_backoff, cfg.backoff * (2 ** (attempt - 1)))
                    _record(result, started, attempt, error=f"{e} (retrying in {pause:g}s)")
                    time.sleep(pause)
                    continue
                if e.retry:
                    result.error = f"{e} (gave up after {attempt} attempts)"
                _record(result, started, attempt)
                break
            except OSError as e:  # the local disk, not the network
                result.error = f"cannot land: {_short(e)}"
                _record(result, started, attempt)
                break
            except Exception as e:  # never let one source stop the others
                result.error = f"unexpected error: {_short(e)}"
                _record(result, started, attempt)
                break
            _record(result, started, attempt)
            break
    finally:
        if own:
            session.close()
    result.elapsed = time.monotonic() - t0
    return result


def fetch_all(sources: list[Source] | None = None, offline: bool | None = None,
              config: FetchConfig | None = None, session: requests.Session | None = None) -> list[FetchResult]:
    """Fetch every source. offline=True (or env KAZMIG_OFFLINE=1) makes no request at all: each
    source reports "offline" with its latest landed snapshot, if any. Once a host proves
    unreachable, the remaining sources on it are reported offline without another attempt."""
    sources = load_catalogue() if sources is None else sources
    if offline is None:
        offline = os.environ.get("KAZMIG_OFFLINE", "").lower() in ("1", "true", "yes")
    cfg = config or FetchConfig.from_env()
    results: list[FetchResult] = []
    down: dict[str, str] = {}
    own = session is None and not offline
    session = session or (None if offline else make_session(cfg))
    try:
        for s in progress(sources, "fetching"):
            try:
                url = s.url(cfg.base)
            except (KeyError, IndexError, ValueError):
                results.append(fetch_source(s, session=session, config=cfg))  # reports the bad template
                continue
            host = urlsplit(url).netloc
            if offline or host in down:
                r = FetchResult(source_id=s.id, outcome="offline", url=url,
                                error="offline mode: no request made" if offline else f"not tried: {down[host]}")
                last = landed_vintages(s)
                if last:
                    r.path, r.meta = last[-1]
                    r.sha256, r.vintage = r.meta.get("sha256"), r.meta.get("vintage")
                started = _now()
                _record(r, started, 0)
                results.append(r)
                continue
            r = fetch_source(s, session=session, config=cfg)
            if r.outcome == "offline":
                down[host] = r.error or "offline"
            results.append(r)
    finally:
        if own and session is not None:
            session.close()
    return results


# ---------------------------------------------------------------------------------------------
# offline bundles

_BUNDLE_NAME = re.compile(r"^(\d+)(?:[^0-9].*)?\.(csv|xlsx|json)$", re.IGNORECASE)


def _land_file(source: Source, src: Path, cfg: FetchConfig) -> FetchResult:
    started = _now()
    result = FetchResult(source_id=source.id, outcome="failed", url=src.resolve().as_uri(), via="bundle",
                         attempts=1)
    t0 = time.monotonic()
    tmp: Path | None = None
    try:
        size = src.stat().st_size
        if size > cfg.max_bytes:
            raise FetchError(f"file of {size} bytes is over the cap of {cfg.max_bytes} bytes")
        tmp, f = _tempfile(source_dir(source))
        sha, n = hashlib.sha256(), 0
        with f, open(src, "rb") as inp:
            for chunk in iter(lambda: inp.read(CHUNK), b""):
                n += len(chunk)
                if n > cfg.max_bytes:
                    raise FetchError(f"file over the cap of {cfg.max_bytes} bytes")
                sha.update(chunk)
                f.write(chunk)
        try:
            validate_content(source, tmp)
        except (ValueError, OSError) as e:
            raise FetchError(f"rejected {src.name}: {e}") from None
        digest = sha.hexdigest()
        meta = _snapshot_meta(
            source, url=result.url, retrieved_at=_iso(_now()), vintage=_vintage_from_name(src),
            sha256=digest, bytes=n, content_type=None, via="bundle", original_name=src.name)
        outcome, path, meta = _land(source, tmp, digest, meta)
        result.outcome, result.path, result.meta = outcome, path, meta
        result.sha256, result.bytes, result.vintage = digest, n, meta.get("vintage")
    except FetchError as e:
        result.error = str(e)
    except OSError as e:
        result.error = f"cannot land {src.name}: {_short(e)}"
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    result.elapsed = time.monotonic() - t0
    _record(result, started, 1)
    return result


def land_from_dir(path: str | os.PathLike, sources: list[Source] | None = None,
                  config: FetchConfig | None = None) -> list[FetchResult]:
    """Land an offline bundle: files named "<element id>...<.csv|.xlsx|.json>" (e.g.
    6584-population-2026-08-11.csv) go to every given source with that element id and format.
    The vintage is a YYYY-MM-DD date in the name, else the file's mtime date. Other files are
    ignored."""
    folder = Path(path)
    if not folder.is_dir():
        raise NotADirectoryError(f"{folder} is not a directory")
    sources = load_catalogue() if sources is None else sources
    cfg = config or FetchConfig.from_env()
    results: list[FetchResult] = []
    for f in sorted(folder.iterdir()):
        m = _BUNDLE_NAME.match(f.name)
        if not m or not f.is_file():
            continue
        ext = m.group(2).lower()
        for s in sources:
            if s.element_id == m.group(1) and s.ext == ext:
                results.append(_land_file(s, f, cfg))
    return results


# ---------------------------------------------------------------------------------------------
# reporting

def format_fetch_table(results: list[FetchResult]) -> str:
    """A plain-text table of what each fetch did, for the CLI."""
    headers = ("source", "outcome", "status", "vintage", "bytes", "sha256", "via", "detail")
    rows = []
    for r in results:
        detail = r.error or (str(r.path.relative_to(settings.raw_dir())) if r.path and _under(r.path, settings.raw_dir())
                             else (str(r.path) if r.path else ""))
        if r.outcome == "failed" and r.url and r.url not in detail:
            detail += f" [{r.url}]"  # which URL (or bundle file) failed
        rows.append((r.source_id, r.outcome, "" if r.status is None else str(r.status), r.vintage or "",
                     "" if r.bytes is None else f"{r.bytes:,}".replace(",", " "), (r.sha256 or "")[:12],
                     r.via, detail))
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(headers)]
    widths[-1] = len(headers[-1])

    def line(cells):
        return "  ".join(c.ljust(w) for c, w in zip(cells[:-1], widths[:-1])) + "  " + cells[-1]

    out = [line(headers), line(tuple("-" * w for w in widths))]
    out += [line(r) for r in rows]
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    out.append(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing fetched")
    return "\n".join(out)


def _under(path: Path, root: Path) -> bool:
    try:
        Path(path).resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def result_as_dict(r: FetchResult) -> dict[str, Any]:
    d = asdict(r)
    d["path"] = str(r.path) if r.path else None
    return d
