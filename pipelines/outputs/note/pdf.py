"""The note's HTML printed to PDF by headless Chromium (scripts/install-browser.sh installs it):
what an analyst gets from "Print → Save as PDF", and what the round-trip test reads back."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipelines.files import atomic_replace

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-pdf-header-footer",
]


class PdfError(RuntimeError):
    pass


def chromium() -> str | None:
    return shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)


def print_pdf(html: Path, pdf: Path, timeout: int = 120) -> Path:
    exe = chromium()
    if not exe:
        raise PdfError("chromium is missing: run scripts/install-browser.sh (make test does)")
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="kazmig-pdf-") as profile:
        proc = subprocess.run(
            [exe, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}", Path(html).resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=timeout,
            start_new_session=True,
        )
    if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise PdfError(f"{html}: chromium could not print it (exit {proc.returncode}): {proc.stderr.strip()[-300:]}")
    atomic_replace(tmp, pdf)
    return pdf
