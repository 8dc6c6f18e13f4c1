"""What kazmig writes is readable by colleagues and the web server: the mode an ordinary new file
gets under the user's umask (0644 under 022), never the 0600 of a private temporary file, though
every output is written beside its place and renamed into it."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from conftest import BIN


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_builds_files_have_the_umasks_mode(built_home):
    umask = os.umask(0o022)
    os.umask(umask)
    expected = 0o666 & ~umask
    warehouse, raw = built_home / "warehouse", built_home / "raw"
    files = [
        warehouse / "kazmig.duckdb",
        warehouse / "last_build.json",
        *sorted((warehouse / "report").iterdir()),
        *sorted((raw / "bns").glob("*/*")),
        *sorted((raw / "documents").glob("*.json")),
    ]
    assert len(files) > 12 and any(f.suffix == ".png" for f in files) and any(f.suffix == ".html" for f in files)
    wrong = {str(f.relative_to(built_home)): oct(mode(f)) for f in files if f.is_file() and mode(f) != expected}
    assert not wrong, f"expected {oct(expected)}: {wrong}"


def test_the_note_follows_the_users_umask(built_home, tmp_path):
    env = {**os.environ, "KAZMIG_HOME": str(built_home), "DAGSTER_HOME": str(built_home / ".dagster")}
    out = tmp_path / "notes"
    proc = subprocess.run(
        [str(BIN / "kazmig"), "note", "--region", "110000000", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o027),  # a group-readable office share
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    written = sorted(p for p in out.iterdir() if p.is_file())
    assert {p.suffix for p in written} >= {".docx", ".html", ".png"}, written
    assert {p.name: oct(mode(p)) for p in written} == {p.name: oct(0o640) for p in written}
