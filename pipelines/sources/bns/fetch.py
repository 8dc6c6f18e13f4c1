"""Download the bureau's tables (conditional requests) and land them through pipelines/sources/bns/landing.py.

Each download is bounded: a connect and a read time-out, a size cap, and an overall deadline
that also covers a server trickling its body. Transient failures (time-outs, a dropped
connection, a cut body, HTTP 429 and 5xx) are retried by tenacity with exponential back-off;
429 and 503 wait as long as the server's Retry-After asks, up to a cap. A host that does not
resolve or refuses the connection is offline at once: no retries.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import re
import socket
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from pipelines import settings
from pipelines.messages import one_line, shown
from pipelines.progress import progress
from pipelines.sources.bns import vintage as vintages
from pipelines.sources.bns.catalogue import Source, allowed_hosts, base_url_from_env, load_catalogue
from pipelines.sources.bns.landing import (
    LandingError,
    append_manifest,
    land,
    landed_vintages,
    last_retrieved,
    manifest_path,
    read_manifest,
    rel,
    source_dir,
    temp_file,
    tidy,
    validate_content,
)

# requests and tenacity are imported where a download needs them: every command (a no-op build
# too) imports this module through the bundle landing, and they are a fifth of its start-up.
if TYPE_CHECKING:
    import requests

__all__ = [
    "FetchConfig",
    "FetchError",
    "FetchResult",
    "fetch_all",
    "fetch_source",
    "format_fetch_table",
    "landed_vintages",
    "make_session",
    "manifest_path",
    "read_manifest",
    "result_as_dict",
    "source_dir",
    "validate_content",
]

MB = 1024 * 1024
CHUNK = 64 * 1024

CONTENT_TYPES = {
    "bns_csv": {"text/csv", "text/plain", "text/tab-separated-values", "application/csv", "application/vnd.ms-excel"},
    "bns_xlsx": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
        "application/x-zip-compressed",
        "application/vnd.ms-excel",
    },
    "bns_json": {"application/json", "text/json", "text/plain", "text/javascript"},
}
GENERIC_TYPES = {
    "application/octet-stream",
    "binary/octet-stream",
    "application/force-download",
    "application/download",
    "application/x-download",
}
RETRY_AFTER_STATUSES = {429, 503}


@dataclass
class FetchConfig:
    """Network settings; `from_env` reads KAZMIG_BNS_* overrides."""

    base_url: str | None = None  # default: env KAZMIG_BNS_BASE_URL or https://stat.gov.kz
    connect_timeout: float = 3.0
    read_timeout: float = 30.0  # silence on the socket
    deadline: float = 300.0  # a whole download, retries and waits included
    retries: int = 2  # attempts after the first, on transient failures
    backoff: float = 1.0  # first pause; doubled after each retry
    max_backoff: float = 30.0
    max_retry_after: float = 60.0  # the longest Retry-After kazmig waits out
    max_redirects: int = 5
    max_bytes: int = 50 * MB
    user_agent: str = "kazmig/0.1 (labour-migration statistics; +https://stat.gov.kz)"

    @classmethod
    def from_env(cls, **overrides: Any) -> FetchConfig:
        e = settings.env()

        def pick(value: float | None, default: float) -> float:
            return default if value is None else value

        cfg = cls(
            base_url=e.bns_base_url,
            connect_timeout=pick(e.bns_connect_timeout, cls.connect_timeout),
            read_timeout=pick(e.bns_read_timeout, cls.read_timeout),
            deadline=pick(e.bns_deadline, cls.deadline),
            retries=int(pick(e.bns_retries, cls.retries)),
            backoff=pick(e.bns_backoff, cls.backoff),
            max_retry_after=pick(e.bns_max_retry_after, cls.max_retry_after),
            max_redirects=int(pick(e.bns_max_redirects, cls.max_redirects)),
            max_bytes=int(pick(e.bns_max_bytes, cls.max_bytes)),
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
    outcome: str  # changed | unchanged | repaired | failed | offline
    url: str | None = None
    path: Path | None = None  # the landed file (for unchanged: the one already there)
    sha256: str | None = None
    status: int | None = None  # last HTTP status
    error: str | None = None
    vintage: str | None = None
    bytes: int | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    via: str = "http"  # http | bundle | sample
    attempts: int = 0
    elapsed: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return self.outcome in ("changed", "unchanged", "repaired")


class FetchError(Exception):
    """A failed attempt. `retry`: another attempt may help; `offline`: the host did not resolve or
    refused the connection; `retry_after`: seconds the server asked to wait."""

    def __init__(
        self,
        message: str,
        status: int | None = None,
        retry: bool = False,
        offline: bool = False,
        retry_after: float | None = None,
    ):
        super().__init__(one_line(message))
        self.status, self.retry, self.offline, self.retry_after = status, retry, offline, retry_after


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(t: dt.datetime) -> str:
    return vintages.iso(t)


def record(
    result: FetchResult,
    started: dt.datetime,
    attempt: int,
    error: str | None = None,
    outcome: str | None = None,
    status: int | None = None,
) -> None:
    append_manifest(
        {
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
            "vintage": result.meta.get("vintage_at") if result.meta else None,
        }
    )


# ---------------------------------------------------------------------------------------------
# checks on what the server says


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


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    t = vintages.http_date(value)
    return max(0.0, (t - _now()).total_seconds()) if t else None


def _content_disposition_name(value: str | None) -> str | None:
    """The file name a server suggests, reduced to a safe base name (recorded, never used as a path)."""
    if not value:
        return None
    m = re.search(r"filename\*=(?:UTF-8'')?([^;]+)", value, re.I) or re.search(r'filename="?([^";]+)"?', value, re.I)
    if not m:
        return None
    from urllib.parse import unquote

    name = unquote(m.group(1).strip().strip('"'))
    name = re.split(r"[\\/]", name)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    return name[:200] or None


# ---------------------------------------------------------------------------------------------
# HTTP


def make_session(config: FetchConfig | None = None) -> requests.Session:
    import requests

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
_OFFLINE_TEXT = re.compile(
    r"Failed to resolve|Name or service not known|nodename nor servname|"
    r"Temporary failure in name resolution|Connection refused|"
    r"Network is unreachable|No route to host|getaddrinfo failed",
    re.I,
)


def _is_offline(e: BaseException) -> bool:
    """The host does not resolve or refuses the connection: no point retrying."""
    from urllib3.exceptions import NameResolutionError

    for x in _walk_causes(e):
        if isinstance(x, (socket.gaierror, ConnectionRefusedError, NameResolutionError)):
            return True
        if isinstance(x, OSError) and x.errno in _OFFLINE_ERRNOS:
            return True
    return bool(_OFFLINE_TEXT.search(str(e)))


def _offline_reason(e: BaseException, url: str) -> str:
    host = urlsplit(url).netloc
    text = " ".join(str(x) for x in _walk_causes(e))
    if any(isinstance(x, socket.gaierror) for x in _walk_causes(e)) or re.search(
        r"resolve|name or service|nodename|name resolution|getaddrinfo", text, re.I
    ):
        return f"{host} does not resolve"
    if re.search(r"refused", text, re.I):
        return f"{host} refused the connection"
    if re.search(r"unreachable|no route", text, re.I):
        return f"{host} is unreachable"
    return f"cannot connect to {host}"


def _short(e: BaseException) -> str:
    s = f"{type(e).__name__}: {e}"
    return re.sub(r"\s+", " ", s)[:300]


def _validators(last: tuple[Path, dict[str, Any]] | None) -> dict[str, str]:
    """Conditional-request headers for what the server served last. The server's Last-Modified is
    sent back only when it was believed as the vintage: a date in the future would make every
    later request "not modified"."""
    if not last:
        return {}
    meta = last[1]
    headers = {}
    if meta.get("etag"):
        headers["If-None-Match"] = meta["etag"]
    if meta.get("last_modified") and meta.get("vintage_basis") == "last_modified":
        headers["If-Modified-Since"] = meta["last_modified"]
    return headers


@dataclass
class _Attempt:
    source: Source
    session: requests.Session
    cfg: FetchConfig
    url: str
    conditional: dict[str, str]
    last: tuple[Path, dict[str, Any]] | None
    deadline_at: float
    refresh: dt.datetime | None
    accept_losses: bool


def _one_attempt(a: _Attempt, result: FetchResult) -> None:
    import requests

    hosts = allowed_hosts(a.cfg.base)
    current, seen = a.url, {a.url}
    for _hop in range(a.cfg.max_redirects + 1):
        _check_url(current, hosts)
        try:
            resp = a.session.get(
                current,
                headers=a.conditional,
                stream=True,
                allow_redirects=False,
                timeout=(a.cfg.connect_timeout, a.cfg.read_timeout),
            )
        except requests.ConnectionError as e:
            if _is_offline(e):
                raise FetchError(f"offline: {_offline_reason(e, current)}", offline=True) from None
            if any(type(x).__name__ == "ReadTimeoutError" for x in _walk_causes(e)):
                raise FetchError(f"time-out: no answer within {a.cfg.read_timeout:g} s", retry=True) from None
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
                if not a.last or not a.conditional:
                    raise FetchError("304 Not Modified to a request that was not conditional", status=304)
                path, meta = a.last
                result.outcome, result.path, result.meta = "unchanged", path, meta
                result.sha256, result.bytes = meta.get("sha256"), meta.get("bytes")
                result.vintage = meta.get("vintage")
                result.etag = resp.headers.get("ETag") or meta.get("etag")
                result.last_modified = meta.get("last_modified")
                result.content_type = meta.get("content_type")
                return
            if resp.status_code in RETRY_AFTER_STATUSES or resp.status_code >= 500:
                wait = _retry_after(resp.headers.get("Retry-After"))
                text = f"HTTP {resp.status_code} {resp.reason}"
                if wait is not None and wait > a.cfg.max_retry_after:
                    raise FetchError(
                        f"{text}: the bureau asks to retry after {wait:.0f} s, longer than kazmig "
                        f"waits ({a.cfg.max_retry_after:g} s)",
                        status=resp.status_code,
                    )
                raise FetchError(
                    text + (f" (Retry-After {wait:g} s)" if wait is not None else ""),
                    status=resp.status_code,
                    retry=True,
                    retry_after=wait,
                )
            if resp.status_code != 200:
                raise FetchError(f"HTTP {resp.status_code} {resp.reason}", status=resp.status_code)
            _receive(a, current, resp, result)
            return
    raise FetchError(f"too many redirects (more than {a.cfg.max_redirects}) from {a.url}", status=result.status)


def _read_body(a: _Attempt, resp: requests.Response, f, declared: int | None) -> tuple[str, int]:
    """Stream the body into f under the size cap and the deadline; (sha256, bytes)."""
    from urllib3.exceptions import HTTPError as Urllib3Error
    from urllib3.exceptions import ProtocolError, ReadTimeoutError

    sha, n = hashlib.sha256(), 0
    raw = resp.raw
    while True:
        if time.monotonic() > a.deadline_at:
            raise FetchError(
                f"download not finished within the deadline of {a.cfg.deadline:g} s ({n} bytes received)",
                status=resp.status_code,
            )
        try:
            chunk = raw.read1(CHUNK)  # returns as soon as some bytes arrive: the deadline is checked often
        except ReadTimeoutError:
            raise FetchError(
                f"time-out: the body stalled after {n} bytes", status=resp.status_code, retry=True
            ) from None
        except ProtocolError as e:
            raise FetchError(
                f"truncated body after {n} bytes"
                + (f" of {declared}" if declared is not None else "")
                + f": {_short(e)}",
                status=resp.status_code,
                retry=True,
            ) from None
        except (Urllib3Error, OSError) as e:
            raise FetchError(
                f"connection lost after {n} bytes: {_short(e)}", status=resp.status_code, retry=True
            ) from None
        if not chunk:
            break
        n += len(chunk)
        if n > a.cfg.max_bytes:
            raise FetchError(f"body over the cap of {a.cfg.max_bytes} bytes (stopped reading)", status=resp.status_code)
        sha.update(chunk)
        f.write(chunk)
    if declared is not None and n != declared:
        raise FetchError(f"truncated body: {n} of {declared} bytes", status=resp.status_code, retry=True)
    return sha.hexdigest(), n


def _receive(a: _Attempt, url: str, resp: requests.Response, result: FetchResult) -> None:
    h = resp.headers
    result.etag, result.last_modified = h.get("ETag"), h.get("Last-Modified")
    result.content_type = h.get("Content-Type")
    _check_content_type(a.source, result.content_type)
    declared: int | None = None
    if h.get("Content-Length", "").strip().isdigit() and h.get("Content-Encoding", "identity").lower() in (
        "identity",
        "",
    ):
        declared = int(h["Content-Length"])
        if declared > a.cfg.max_bytes:
            raise FetchError(
                f"body of {declared} bytes is over the cap of {a.cfg.max_bytes} bytes", status=resp.status_code
            )
    tmp, f = temp_file(a.source)
    try:
        with f:
            digest, n = _read_body(a, resp, f, declared)
        name = _content_disposition_name(h.get("Content-Disposition")) or Path(urlsplit(url).path).name or None
        replaces = vintages.parse_iso(a.last[1].get("vintage_at") or a.last[1].get("vintage")) if a.last else None
        meta = _snapshot_meta(
            a.source,
            url=url,
            retrieved_at=_iso(_now()),
            etag=result.etag,
            last_modified=result.last_modified,
            bytes=n,
            content_type=result.content_type,
            via="http",
            original_name=name,
            refresh_at=_iso(a.refresh) if a.refresh else None,
        )
        try:
            outcome, path, meta = land(
                a.source,
                tmp,
                digest=digest,
                name=f"the download from {url}",
                meta=meta,
                last_modified=result.last_modified or "",
                refresh=a.refresh,
                replaces=replaces,
                accept_losses=a.accept_losses,
            )
        except LandingError as e:
            raise FetchError(str(e), status=resp.status_code) from None
        result.outcome, result.path, result.meta = outcome, path, meta
        result.sha256, result.bytes, result.vintage = digest, n, meta.get("vintage")
    finally:
        tmp.unlink(missing_ok=True)


def _snapshot_meta(source: Source, **kw: Any) -> dict[str, Any]:
    return {
        "source_id": source.id,
        "element_id": source.element_id,
        "format": source.format,
        "url": kw.get("url"),
        "retrieved_at": kw.get("retrieved_at"),
        "refresh_at": kw.get("refresh_at"),
        "etag": kw.get("etag"),
        "last_modified": kw.get("last_modified"),
        "bytes": kw.get("bytes"),
        "content_type": kw.get("content_type"),
        "license": source.license,
        "license_url": source.license_url,
        "attribution": source.attribution,
        "producer": source.producer,
        "via": kw.get("via"),
        "original_name": kw.get("original_name"),
    }


def _retryable(e: BaseException) -> bool:
    return isinstance(e, FetchError) and e.retry


def fetch_source(
    source: Source,
    session: requests.Session | None = None,
    config: FetchConfig | None = None,
    *,
    refresh: dt.datetime | None = None,
    accept_losses: bool = False,
) -> FetchResult:
    """Download one source (conditionally), verify it and land it. Never raises for network,
    validation or landing problems: the result's outcome is changed | unchanged | repaired |
    failed | offline. `refresh` is the time of the refresh this download belongs to (one release
    for the formats of an element fetched together without a better date)."""
    from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay, wait_exponential

    cfg = config or FetchConfig.from_env()
    refresh = (refresh or _now()).replace(microsecond=0)
    t0 = time.monotonic()
    try:
        url = source.url(cfg.base)
    except (KeyError, IndexError, ValueError) as e:
        result = FetchResult(source_id=source.id, outcome="failed", error=f"bad URL template: {_short(e)}")
        record(result, _now(), 0)
        return result
    try:
        last = last_retrieved(source)
    except LandingError:
        last = None  # a landed file's sidecar is broken: ask unconditionally; landing rewrites it
    own = session is None
    session = session or make_session(cfg)
    state = {"result": FetchResult(source_id=source.id, outcome="failed", url=url), "started": _now()}
    attempt_args = _Attempt(
        source, session, cfg, url, _validators(last), last, t0 + cfg.deadline, refresh, accept_losses
    )

    def before_sleep(rs) -> None:
        r, e = state["result"], rs.outcome.exception()
        record(
            r,
            state["started"],
            rs.attempt_number,
            error=f"{e} (retrying in {rs.next_action.sleep:g}s)",
            outcome="failed",
            status=getattr(e, "status", None) or r.status,
        )

    def wait(rs) -> float:
        base = wait_exponential(multiplier=cfg.backoff, max=cfg.max_backoff)(rs)
        asked = getattr(rs.outcome.exception(), "retry_after", None) or 0.0
        return max(0.0, min(max(base, asked), t0 + cfg.deadline - time.monotonic()))

    retrying = Retrying(
        stop=stop_after_attempt(max(1, cfg.retries + 1)) | stop_after_delay(cfg.deadline),
        wait=wait,
        retry=retry_if_exception(_retryable),
        before_sleep=before_sleep,
        reraise=True,
    )
    result = state["result"]
    try:
        tidy(source)
        for attempt in retrying:
            with attempt:
                result = state["result"] = FetchResult(
                    source_id=source.id, outcome="failed", url=url, attempts=attempt.retry_state.attempt_number
                )
                state["started"] = _now()
                _one_attempt(attempt_args, result)
    except FetchError as e:
        result.error, result.status = str(e), e.status if e.status is not None else result.status
        if e.offline:
            result.outcome = "offline"
        elif e.retry and result.attempts > 1:
            result.error = f"{e} (gave up after {result.attempts} attempts)"
    except OSError as e:  # the local disk, not the network
        result.error = f"cannot land in {rel(source_dir(source))}: {e.strerror or _short(e)}"
    except Exception as e:  # noqa: BLE001 - never let one source stop the others
        result.error = f"unexpected error: {type(e).__name__}: {_short(e)}"
    finally:
        if own:
            session.close()
    record(result, state["started"], result.attempts)
    result.elapsed = time.monotonic() - t0
    return result


def offline_result(source: Source, url: str | None, why: str) -> FetchResult:
    """No request made: the source's latest landed vintage, if any, stands."""
    r = FetchResult(source_id=source.id, outcome="offline", url=url, error=why)
    try:
        landed = landed_vintages(source)
    except LandingError as e:
        landed, r.error = [], f"{why}; {e}"
    if landed:
        r.path, r.meta = landed[-1]
        r.sha256, r.vintage = r.meta.get("sha256"), r.meta.get("vintage")
    record(r, _now(), 0)
    return r


def fetch_all(
    sources: list[Source] | None = None,
    offline: bool | None = None,
    config: FetchConfig | None = None,
    session: requests.Session | None = None,
    accept_losses: bool = False,
) -> list[FetchResult]:
    """Fetch every source in one refresh. offline=True (or env KAZMIG_OFFLINE=1) makes no request
    at all: each source reports "offline" with its latest landed snapshot, if any. Once a host
    proves unreachable, the remaining sources on it are reported offline without another attempt."""
    sources = load_catalogue() if sources is None else sources
    if offline is None:
        offline = settings.env().offline
    cfg = config or FetchConfig.from_env()
    refresh = _now().replace(microsecond=0)
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
                results.append(
                    offline_result(s, url, "offline mode: no request made" if offline else f"not tried: {down[host]}")
                )
                continue
            r = fetch_source(s, session=session, config=cfg, refresh=refresh, accept_losses=accept_losses)
            if r.outcome == "offline":
                down[host] = r.error or "offline"
            results.append(r)
    finally:
        if own and session is not None:
            session.close()
    return results


# ---------------------------------------------------------------------------------------------
# reporting


def format_fetch_table(results: list[FetchResult]) -> str:
    """A plain-text table of what each fetch did, for the CLI."""
    headers = ("source", "outcome", "status", "vintage", "bytes", "sha256", "via", "detail")
    rows = []
    for r in results:
        detail = shown(r.error or (rel(r.path) if r.path else ""))
        if r.outcome == "failed" and r.url and r.url not in detail:
            detail += f" [{r.url}]"  # which URL (or bundle file) failed
        rows.append(
            (
                r.source_id,
                r.outcome,
                "" if r.status is None else str(r.status),
                r.vintage or "",
                "" if r.bytes is None else f"{r.bytes:,}".replace(",", " "),
                (r.sha256 or "")[:12],
                r.via,
                detail,
            )
        )
    from tabulate import tabulate

    out = [tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)]
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    out.append(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing fetched")
    return "\n".join(out)


def result_as_dict(r: FetchResult) -> dict[str, Any]:
    d = asdict(r)
    d["path"] = str(r.path) if r.path else None
    return d
