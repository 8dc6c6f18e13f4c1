"""A real loopback HTTP server that plays the bureau (stat.gov.kz) for the tests, and the fixtures
that find the shared bureau downloads.

It serves the files of a folder (the shared bns dir) under the bureau's URL layout:

    /api/iblock/element/{id}/csv/file/ru/   302 -> /files/{name}.csv   (like the real endpoint)
    /api/iblock/element/{id}/file/ru/       the .xlsx
    /api/iblock/element/{id}/json/file/ru/  the .json (404 when there is none)
    /files/{name}                           the file; Last-Modified from the date in its name,
                                            ETag = its sha256; If-None-Match -> 304

and endpoints that fail, each serving the file of element {id} when it serves anything:

    /test/flaky/{id}      500 on the first request of a path, then as /files/
    /test/slow/{id}       sleeps SLOW_SECONDS before answering
    /test/missing/{id}    404
    /test/html/{id}       200 with an HTML page (text/html)
    /test/html-as-csv/{id}  200 with an HTML page labelled text/csv
    /test/wrongtype/{id}  200 with the file labelled image/png
    /test/truncated/{id}  Content-Length of the whole file, half of it sent
    /test/loop/{id}       302 -> /test/loop-back/{id} -> 302 -> /test/loop/{id}
    /test/big/{id}        BIG_BYTES of CSV without Content-Length (stream until closed)
    /test/big-declared/{id}  Content-Length BIG_BYTES, the same body
    /test/offhost/{id}    302 to a host that is not allowed
    /test/ratelimit/{id}  429 with Retry-After: RETRY_AFTER (seconds) on the first request, then the file
    /test/busy/{id}       503 with Retry-After as an HTTP date RETRY_AFTER s ahead, then the file
    /test/ratelimit-forever/{id}  always 429, Retry-After: RETRY_AFTER
    /test/ratelimit-long/{id}     429 with Retry-After: 3600
    /test/trickle/{id}    the file one byte every TRICKLE_SECONDS (a server that never times out)
    /test/short-length/{id}  Content-Length 100 bytes short of the file, the whole file sent
    /test/future/{id}     the file with Last-Modified in 2099 and no ETag; If-Modified-Since -> 304

`last_modified` says what Last-Modified the files carry: "name" (the date in the file name, the
default), None (no header, like the real bureau), or a fixed HTTP date.

Loopback only, port 0, threads, bounded bodies and sleeps.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import re
import socket
import threading
import time
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SLOW_SECONDS = 1.5
BIG_BYTES = 3 * 1024 * 1024
RETRY_AFTER = 1
TRICKLE_SECONDS = 0.05
FUTURE = "Thu, 01 Jan 2099 00:00:00 GMT"
TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
}


def fixtures_or_skip() -> Path:
    """The shared bureau downloads; missing, fail under CI (CI=true) and skip elsewhere."""
    from conftest import shared_dir

    return shared_dir("bns", "KAZMIG_FIXTURES")


@pytest.fixture(scope="session")
def bns_files() -> Path:
    return fixtures_or_skip()


def _last_modified(name: str) -> str | None:
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", name)
    if not m:
        return None
    t = dt.datetime(int(m[1]), int(m[2]), int(m[3]), 6, 0, 0, tzinfo=dt.UTC)
    return email.utils.format_datetime(t, usegmt=True)


class BnsServer:
    def __init__(self, folder: Path, last_modified: str | None = "name"):
        self.folder = Path(folder)
        self.last_modified = last_modified
        self.healed = False  # set True: the faulty endpoints behave (short-length serves the file)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.hits: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> BnsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def count(self, prefix: str) -> int:
        with self.lock:
            return sum(1 for p, _ in self.requests if p.startswith(prefix))

    def file_for(self, element_id: str, ext: str) -> Path | None:
        for f in sorted(self.folder.iterdir()):
            if f.suffix == ext and re.match(rf"^{element_id}(?!\d)", f.name):
                return f
        return None

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # one request per connection; bodies end when it closes

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                try:
                    self._get()
                except (TimeoutError, BrokenPipeError, ConnectionResetError):
                    pass

            def _send(
                self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, length: int | None = None
            ):
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                if length is not False:
                    self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)

            def _serve_file(self, f: Path | None, content_type: str | None = None):
                if f is None or not f.is_file():
                    return self._send(404, b"not found", {"Content-Type": "text/plain"})
                body = f.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest() + '"'
                headers = {
                    "Content-Type": content_type or TYPES.get(f.suffix, "application/octet-stream"),
                    "ETag": etag,
                    "Content-Disposition": f'attachment; filename="../../{f.name}"',
                }
                lm = _last_modified(f.name) if server.last_modified == "name" else server.last_modified
                if lm:
                    headers["Last-Modified"] = lm
                if self._not_modified(etag, lm):
                    return self._send(304, b"", {"ETag": etag}, length=False)
                return self._send(200, body, headers)

            def _not_modified(self, etag: str, lm: str | None) -> bool:
                """As a real server answers a conditional GET: ETag first, else the date."""
                if self.headers.get("If-None-Match"):
                    return self.headers["If-None-Match"] == etag
                since = self.headers.get("If-Modified-Since")
                if since and lm:
                    try:
                        return email.utils.parsedate_to_datetime(since) >= email.utils.parsedate_to_datetime(lm)
                    except (TypeError, ValueError):
                        return False
                return False

            def _get(self):
                path = self.path.split("?")[0]
                with server.lock:
                    server.requests.append((path, dict(self.headers)))
                    server.hits[path] += 1
                    hits = server.hits[path]
                m = re.fullmatch(r"/api/iblock/element/(\d+)/(csv/|json/)?file/ru/", path)
                if m:
                    kind = (m.group(2) or "").strip("/")
                    if kind == "csv":
                        f = server.file_for(m.group(1), ".csv")
                        if f is None:
                            return self._send(404, b"not found")
                        return self._send(302, b"", {"Location": f"/files/{f.name}"})
                    return self._serve_file(server.file_for(m.group(1), ".json" if kind == "json" else ".xlsx"))
                m = re.fullmatch(r"/files/([\w.\-]+)", path)
                if m:
                    return self._serve_file(server.folder / m.group(1))
                m = re.fullmatch(r"/test/([\w\-]+)/(\d+)(\.\w+)?", path)
                if not m:
                    return self._send(404, b"no such endpoint")
                what, eid, ext = m.group(1), m.group(2), m.group(3) or ".csv"
                f = server.file_for(eid, ext)
                if what == "flaky":
                    if hits == 1:
                        return self._send(500, b"internal error", {"Content-Type": "text/plain"})
                    return self._serve_file(f)
                if what == "slow":
                    time.sleep(SLOW_SECONDS)
                    return self._serve_file(f)
                if what == "missing":
                    return self._send(404, b"not found", {"Content-Type": "text/plain"})
                if what in ("html", "html-as-csv"):
                    page = (
                        b"<!DOCTYPE html><html><head><title>stat.gov.kz</title></head><body>Maintenance</body></html>"
                    )
                    ctype = "text/html; charset=utf-8" if what == "html" else "text/csv"
                    return self._send(200, page, {"Content-Type": ctype})
                if what == "wrongtype":
                    return self._serve_file(f, content_type="image/png")
                if what == "truncated":
                    body = f.read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Type", TYPES[f.suffix])
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if what == "loop":
                    return self._send(302, b"", {"Location": f"/test/loop-back/{eid}"})
                if what == "loop-back":
                    return self._send(302, b"", {"Location": f"/test/loop/{eid}"})
                if what in ("big", "big-declared"):
                    head = f.read_bytes().split(b"\n", 1)[0] + b"\n"
                    line = f.read_bytes().split(b"\n", 2)[1] + b"\n"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/csv")
                    if what == "big-declared":
                        self.send_header("Content-Length", str(BIG_BYTES))
                    self.end_headers()
                    sent = 0
                    self.wfile.write(head)
                    while sent < BIG_BYTES:
                        self.wfile.write(line * 64)
                        sent += len(line) * 64
                    return
                if what == "offhost":
                    return self._send(302, b"", {"Location": f"http://example.com/files/{eid}.csv"})
                if what in ("ratelimit", "ratelimit-forever") and (hits == 1 or what == "ratelimit-forever"):
                    return self._send(
                        429, b"slow down", {"Content-Type": "text/plain", "Retry-After": str(RETRY_AFTER)}
                    )
                if what == "ratelimit-long":
                    return self._send(429, b"slow down", {"Content-Type": "text/plain", "Retry-After": "3600"})
                if what == "busy" and hits == 1:
                    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=RETRY_AFTER + 1)
                    return self._send(
                        503,
                        b"busy",
                        {"Content-Type": "text/plain", "Retry-After": email.utils.format_datetime(when, usegmt=True)},
                    )
                if what in ("ratelimit", "busy"):
                    return self._serve_file(f)
                if what == "trickle":
                    body = f.read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Type", TYPES[f.suffix])
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for i in range(len(body)):
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(TRICKLE_SECONDS)
                    return
                if what == "short-length" and server.healed:
                    return self._serve_file(f)
                if what == "short-length":
                    body = f.read_bytes()
                    self.send_response(200)
                    self.send_header("Content-Type", TYPES[f.suffix])
                    self.send_header("Content-Length", str(len(body) - 100))
                    self.send_header("ETag", '"' + hashlib.sha256(body).hexdigest() + '"')
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if what == "future":  # a server without ETags that dates its files in 2099
                    if self._not_modified("", FUTURE):
                        return self._send(304, b"", {}, length=False)
                    return self._send(200, f.read_bytes(), {"Content-Type": TYPES[f.suffix], "Last-Modified": FUTURE})
                return self._send(404, b"no such test endpoint")

        return Handler


@pytest.fixture
def bns_server(bns_files):
    srv = BnsServer(bns_files).start()
    try:
        yield srv
    finally:
        srv.stop()


def refused_url() -> str:
    """A loopback URL on a port nobody listens on: connections are refused at once."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"
