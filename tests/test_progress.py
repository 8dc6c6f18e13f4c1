"""Progress bars draw on a terminal and stay silent in logs and pipes."""

from __future__ import annotations

import io
import os

from pipelines.progress import progress


def test_progress_draws_on_a_terminal():
    master, slave = os.openpty()
    with os.fdopen(slave, "w") as tty:
        assert list(progress(range(3), "fetching", stream=tty)) == [0, 1, 2]
    chunks = []
    while True:  # a pty hands its output over in pieces; EIO once the terminal side is closed and drained
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    drawn = b"".join(chunks).decode()
    assert "fetching" in drawn and "3/3" in drawn


def test_progress_is_silent_when_not_a_terminal():
    sink = io.StringIO()
    assert list(progress(iter("abc"), "extracting", stream=sink)) == ["a", "b", "c"]
    assert sink.getvalue() == ""
