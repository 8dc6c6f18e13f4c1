"""Installing pdftotext (Debian's poppler-utils) when it is missing: the extraction baseline."""

from __future__ import annotations

import os
import shutil
import subprocess


def ensure_pdftotext() -> str | None:
    """The path of pdftotext, installing poppler-utils with apt-get when missing and allowed
    (root or password-less sudo; BENCH_NO_APT=1 forbids it). None when it cannot be had."""
    found = shutil.which("pdftotext")
    if found or os.environ.get("BENCH_NO_APT"):
        return found
    apt = shutil.which("apt-get")
    if not apt:
        return None
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print("bench: pdftotext missing; installing poppler-utils with apt-get ...", flush=True)
    install = [*prefix, apt, "install", "-y", "-q", "--no-install-recommends", "poppler-utils"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run([*prefix, apt, "update", "-q"], env=env, capture_output=True)  # stale lists
        subprocess.run(install, env=env, capture_output=True)
    return shutil.which("pdftotext")
