"""Small file helpers shared by the landing code of every source."""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def sha256_file(path: Path) -> str:
    """Content hash, read in chunks: landed files are named and deduplicated by it."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def atomic_write(path: Path, mode: str = "w", **kwargs) -> Iterator:
    """Write `path` all or nothing: a temporary file beside it, flushed to disk, then renamed over
    it, so a reader (or a crash) sees the old file or the new one, never a half-written one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_replace(tmp: Path, path: Path) -> None:
    """Move a finished temporary file (written by a library to a path of our choosing) into place."""
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, path)
