"""Small file helpers shared by the landing code of every source."""

from __future__ import annotations

import hashlib
import os
import stat
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


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


# Files kazmig writes are for colleagues and servers to read: the mode a plain open() would give
# (0644 under the usual umask 022), not mkstemp's private 0600.
FILE_MODE = 0o666 & ~_umask()


def shareable(fd: int) -> None:
    """Give a temporary file (mkstemp makes them 0600) the mode of an ordinary new file."""
    os.fchmod(fd, FILE_MODE)


@contextmanager
def atomic_write(path: Path, mode: str = "w", **kwargs) -> Iterator:
    """Write `path` all or nothing: a temporary file beside it, flushed to disk, then renamed over
    it, so a reader (or a crash) sees the old file or the new one, never a half-written one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        shareable(fd)
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
        shareable(f.fileno())
    os.replace(tmp, path)


def not_regular(path: Path) -> str | None:
    """Why `path` is not a regular file one may read to the end (None when it is): a dangling
    symlink, a device, a FIFO or a folder would fail late or never end."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "a dangling symlink" if os.path.islink(path) else "missing"
    except OSError as e:
        return f"unreadable ({e.strerror})"
    if stat.S_ISREG(st.st_mode):
        return None
    kind = (
        "a folder"
        if stat.S_ISDIR(st.st_mode)
        else "a device"
        if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
        else "a FIFO"
        if stat.S_ISFIFO(st.st_mode)
        else "a socket"
        if stat.S_ISSOCK(st.st_mode)
        else "not a file"
    )
    return f"not a regular file ({kind}{', through a symlink' if os.path.islink(path) else ''})"


def yaml_text(text: str):
    """YAML parsed as safe_load parses it, by PyYAML's C parser (libyaml) where it was built with
    it: about ten times faster, and the catalogue is read by every build, even a no-op one."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
