"""What a build reads from outside the warehouse, and the versions Dagster records for it.

The assets that read landed files (raw/documents, bns/<source>, raw/bns_observations) take a
snapshot first, report its content hash as their Dagster data version, and read exactly that
snapshot: a file landed while a build runs is not in the version, so the next build sees it as
changed. Everything downstream gets its data version from Dagster (code version + input data
versions), and `kazmig build` reruns only what is stale by those versions (pipelines/build.py).

No Dagster import here: a no-op build compares these versions with the ones the last published
build recorded without loading Dagster.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines import settings
from pipelines.files import not_regular, sha256_file
from pipelines.messages import shown

# The Python code behind each Python asset: its code version is a hash of these sources, so
# Dagster sees the asset as stale when they change.
CODE = {
    # the titles it stores are read by the extractor's layout (pipelines/sources/documents/title.py)
    "documents": ["pipelines/defs/documents.py", "pipelines/warehouse/inputs.py", "pipelines/sources/documents"],
    "document_figures": [
        "pipelines/defs/documents.py",
        "pipelines/sources/documents",
        "pipelines/reference.py",
        "sql/seeds",
    ],
    "bns_fetch": ["pipelines/defs/bns.py", "pipelines/sources/bns"],
    "bns_observations": ["pipelines/defs/bns.py", "pipelines/sources/bns", "pipelines/warehouse/inputs.py"],
    "published": ["pipelines/defs/publish.py", "pipelines/warehouse/publish.py"],
    "report": ["pipelines/defs/report.py", "pipelines/outputs/report"],
}


def digest(value: Any) -> str:
    """A short content hash of JSON-able data (sorted keys, so equal data hash equally)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


_CODE_SUFFIXES = (".py", ".yaml", ".yml", ".csv", ".j2", ".css")  # templates are the report's code too


def _files(relative: str) -> list[Path]:
    path = settings.REPO_ROOT / relative
    if path.is_dir():
        # hidden files and folders are tools' (editors, notebooks, dbt's .user.yml), not code
        return sorted(
            p
            for p in path.rglob("*")
            if p.suffix in _CODE_SUFFIXES
            and p.is_file()
            and not any(x.startswith(".") for x in p.relative_to(path).parts)
        )
    return [path]


def code_version(name: str) -> str:
    """The code version of a Python asset: a hash of the sources in CODE[name]."""
    h = hashlib.sha256()
    for rel in CODE[name]:
        for path in _files(rel):
            h.update(str(path.relative_to(settings.REPO_ROOT)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


# --- documents ---------------------------------------------------------------------------


class UnreadableInput(ValueError):
    """A landed input that cannot be read; the message is one line naming it and what to do."""


def list_documents() -> list[dict]:
    """Every PDF in raw/documents with its name, sha256, size and landing time (one per content)."""
    docs = settings.documents_dir()
    seen: dict[str, dict] = {}
    # NOTE2.PDF is as much a PDF as note2.pdf: the suffix matches in any case
    pdfs = sorted(p for p in docs.iterdir() if _is_pdf_name(p)) if docs.is_dir() else []
    for path in pdfs:
        problem = not_regular(path)
        if problem:
            raise UnreadableInput(
                f"raw/documents/{shown(path.name)}: {problem}; remove it, or put the PDF "
                "itself there (or drop it into raw/inbox)"
            )
        sha = sha256_file(path)
        sidecar = path.with_suffix(".json")
        meta = json.loads(sidecar.read_text()) if sidecar.exists() else {}
        stat = path.stat()
        seen.setdefault(
            sha,
            {
                "sha256": sha,
                "name": meta.get("name", path.name),
                "size": stat.st_size,
                "landed_at": meta.get("landed_at") or datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(),
                "path": str(path.relative_to(settings.raw_dir())),
            },
        )
    return list(seen.values())


def _is_pdf_name(path: Path) -> bool:
    return path.suffix.lower() == ".pdf" and not path.name.startswith(".")


# Files of raw/documents that are not documents: the analyst's corrections and the README that
# says where the sample documents come from (shipped in the repository beside them).
DOCUMENTS_OWN_FILES = ("corrections.yaml", "README.md")


def ignored_inputs() -> dict[str, str]:
    """Every entry of raw/documents and raw/inbox that no step reads (by its path under raw/), with
    the reason: nothing a person puts there is passed over without a word in the build summary."""
    out: dict[str, str] = {}
    docs, inbox = settings.documents_dir(), settings.inbox_dir()
    for folder, where in ((docs, "raw/documents"), (inbox, "raw/inbox")):
        if not folder.is_dir():
            continue
        entries = sorted(folder.iterdir())
        stems = {p.stem for p in entries if _is_pdf_name(p)}
        for p in entries:
            if _is_pdf_name(p):
                continue  # read (or, when it cannot be, refused or quarantined by name)
            if folder == docs and (p.name in DOCUMENTS_OWN_FILES or (p.suffix == ".json" and p.stem in stems)):
                continue  # the corrections file, the folder's README (the sample's sources); a sidecar
            if p.name.startswith(".") and p.name.endswith(".tmp") and folder == docs:
                continue  # a landing's own temporary file, tidied by the next landing
            if p.is_dir() and not p.is_symlink():
                why = f"a folder: only files directly in {where} are read"
            elif p.name.startswith("."):
                why = "a hidden file (its name starts with '.'): not read"
            else:
                why = f"not a PDF (suffix {shown(p.suffix) or 'none'}): not read"
            out[f"{where}/{p.name}"] = why + ("" if folder == docs else "; left in raw/inbox")
    return out


def documents_version(docs: list[dict]) -> str:
    """The data version of raw/documents: the listing it writes, by content, and what it ignored
    (a file put beside the PDFs is a change the summary must name)."""
    ignored = ignored_inputs()
    return digest(sorted(docs, key=lambda d: d["sha256"]) + ([{"ignored": ignored}] if ignored else []))


def corrections_path() -> Path:
    """The analyst's decisions about extracted figures (pipelines/sources/documents/corrections.py reads it)."""
    return settings.documents_dir() / "corrections.yaml"


def figures_version(listed: list[dict], corrections: str | None) -> str:
    """The data version of raw/document_figures: the documents it extracted (as raw/documents
    listed them), the content hash of the corrections it applied, and the extractor's code."""
    return digest(
        {
            "documents": sorted((d["sha256"], d["name"], d["path"]) for d in listed),
            "corrections": corrections,
            "code": code_version("document_figures"),
        }
    )


def inbox_files() -> list[Path]:
    inbox = settings.inbox_dir()
    return sorted(p for p in inbox.iterdir() if p.is_file() and p.suffix.lower() == ".pdf") if inbox.is_dir() else []


def freshness_day() -> str:
    """Source freshness is judged against the calendar: a new day is a new version of that mart."""
    return datetime.now(UTC).date().isoformat()
