"""PDF documents: landing from raw/inbox, figure extraction into raw.document_figures."""

import hashlib
import json
import re
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    AutomationCondition,
    DataVersion,
    DefaultSensorStatus,
    Failure,
    MaterializeResult,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    asset,
    sensor,
)

from pipelines import settings
from pipelines.defs.resources import WarehouseLock
from pipelines.files import atomic_write, sha256_file
from pipelines.messages import shown
from pipelines.progress import progress
from pipelines.sources.documents.title import document_title
from pipelines.warehouse import inputs
from pipelines.warehouse.db import DUCKDB_WRITER, connect_build, replace_table
from pipelines.warehouse.inputs import code_version, corrections_path, documents_version, figures_version

DOCUMENT_COLUMNS = [
    ("sha256", "varchar"),
    ("name", "varchar"),
    ("size", "bigint"),
    ("pages", "integer"),
    ("landed_at", "timestamp"),
    ("path", "varchar"),
    ("document_date", "date"),
    ("title", "varchar"),
]
FIGURE_COLUMNS = [
    ("document_sha256", "varchar"),
    ("page", "integer"),
    ("position", "integer"),
    ("indicator", "varchar"),
    ("value", "double"),
    ("unit", "varchar"),
    ("period", "varchar"),
    ("region", "varchar"),
    ("country", "varchar"),
    ("occupation", "varchar"),
    ("precision", "double"),
    ("text", "varchar"),
    ("extractor_version", "varchar"),
    ("confidence", "double"),
    ("status", "varchar"),
    ("how", "varchar"),
    ("evidence", "varchar"),
    ("key", "varchar"),
    ("correction_action", "varchar"),
    ("corrected_by", "varchar"),
    ("corrected_at", "varchar"),
    ("correction_note", "varchar"),
    ("original", "varchar"),
]


def land_inbox() -> tuple[list[dict], list[dict]]:
    """Land raw/inbox into raw/documents; a PDF the extractor cannot read goes to raw/quarantine
    with the reason beside it (pipelines/sources/documents/inbox.py)."""
    from pipelines.sources.documents.inbox import land_inbox as land

    def readable(path: Path) -> str | None:
        digest = path.stem
        try:
            _cached_figures({"sha256": digest, "path": str(path.relative_to(settings.raw_dir()))})
        except Failure as exc:
            return exc.description
        return None

    return land(readable)


def list_documents() -> list[dict]:
    """Every PDF in raw/documents with its name, sha256, size and landing time (one per content;
    pipelines/warehouse/inputs.py); a file there that is no regular file fails the step, in one line."""
    try:
        return inputs.list_documents()
    except inputs.UnreadableInput as exc:
        raise Failure(description=str(exc)) from None


def _utc(stamp: str) -> str:
    """An ISO time with offset as naive UTC (the column is a timestamp, landing times are UTC)."""
    t = datetime.fromisoformat(stamp)
    return (t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t).isoformat(sep=" ")


def _pdf_facts(path: Path) -> tuple[int | None, str | None]:
    """Page count and the document's own date (its PDF creation date, else its modification date):
    a document's vintage is when it was written, not when this copy was cloned or landed."""
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            meta = pdf.metadata or {}
            return len(pdf.pages), pdf_date(meta.get("CreationDate")) or pdf_date(meta.get("ModDate"))
    except Exception:  # a bad file is reported by the extraction, with its reason
        return None, None


def pdf_date(value) -> str | None:
    """A PDF date string ("D:20261124141430Z'") as an ISO day; None when absent or malformed."""
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})(\d{2})", str(value or "").strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    except ValueError:
        return None


@asset(
    key=["raw", "documents"],
    group_name="documents",
    op_tags=DUCKDB_WRITER,
    automation_condition=AutomationCondition.eager(),
    code_version=code_version("documents"),
    description="PDF documents in raw/documents (the inbox landed first, by content hash).",
)
def documents(context: AssetExecutionContext, warehouse_lock: WarehouseLock) -> MaterializeResult:
    landed, quarantined = land_inbox()
    for meta in landed:
        context.log.info(f"landed {shown(meta['name'])} as {meta['sha256']}.pdf")
    for q in quarantined:
        context.log.warning(
            f"raw/inbox/{shown(q['name'])}: {shown(q['reason'])} — moved to raw/quarantine/{shown(q['quarantined'])}"
        )
    # The listing is the snapshot: its content hash is the data version, and raw/document_figures
    # extracts the documents it names (a PDF landed later is the next build's change).
    docs = list_documents()
    ignored = inputs.ignored_inputs()
    for name, why in ignored.items():
        context.log.warning(f"{shown(name)}: {why}")
    rows = []
    for d in docs:
        path = settings.raw_dir() / d["path"]
        pages, written = _pdf_facts(path)
        # cited by its title: the PDF's metadata title, else its title block (None: the file name stands)
        rows.append(
            {
                **d,
                "pages": pages,
                "document_date": written,
                "title": document_title(path),
                "landed_at": _utc(d["landed_at"]),
            }
        )
    with connect_build() as con:
        n = replace_table(con, "raw.documents", rows, DOCUMENT_COLUMNS)
    return MaterializeResult(
        metadata={
            "documents": n,
            "names": ", ".join(d["name"] for d in docs),
            **{f"quarantined/{q['name']}": f"{q['reason']} → raw/quarantine/{q['quarantined']}" for q in quarantined},
            **{f"ignored/{name}": why for name, why in ignored.items()},
        },
        data_version=DataVersion(documents_version(docs)),
    )


def _cached_figures(doc: dict) -> list[dict]:
    """Extract a document once per (content, extractor code): outputs are a pure function of both."""
    from pipelines.sources.documents.extract import DocumentError, extract_figures, extractor_fingerprint

    cache = settings.warehouse_dir() / "cache" / "figures" / f"{doc['sha256']}-{extractor_fingerprint()}.json"
    if cache.exists():
        return json.loads(cache.read_text())
    source = settings.raw_dir() / doc["path"]
    with tempfile.TemporaryDirectory() as tmp:
        # Extract the bytes raw/documents hashed, not whatever the file holds by now.
        copy = Path(tmp) / source.name
        shutil.copyfile(source, copy)
        if sha256_file(copy) != doc["sha256"]:
            raise Failure(description=f"raw/{doc['path']}: changed while the build ran; build again")
        try:
            figures = [f.to_dict() for f in extract_figures(copy)]
        except DocumentError as exc:
            raise Failure(description=f"raw/{doc['path']}: {exc}") from None
    cache.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(cache) as fh:
        fh.write(json.dumps(figures, ensure_ascii=False))
    return figures


def reviewed_figures(doc: dict, decisions: list) -> list[dict]:
    """A document's figures with the analyst's corrections applied (the asset, `kazmig review`)."""
    from pipelines.sources.documents.corrections import apply

    return apply(_cached_figures(doc), doc, decisions)


def load_corrections(path: Path | None = None) -> list:
    from pipelines.sources.documents.corrections import CorrectionError, load

    try:
        return load(path or corrections_path())
    except CorrectionError as exc:
        raise Failure(description=f"raw/documents/{exc}") from None


def _versioned_corrections() -> tuple[list, str | None]:
    """The analyst's decisions and the content hash of the file they were read from (None: no
    file), read once: what is versioned is what is applied."""
    source = corrections_path()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / source.name
        try:
            shutil.copyfile(source, copy)
        except FileNotFoundError:
            return [], None
        return load_corrections(copy), sha256_file(copy)


@asset(
    key=["raw", "document_figures"],
    deps=[documents],
    group_name="documents",
    op_tags=DUCKDB_WRITER,
    automation_condition=AutomationCondition.eager(),
    code_version=code_version("document_figures"),
    description="Every figure the extractor finds in the documents, with document sha256, page and position, "
    "its confidence and status (fact, review, rejected) after raw/documents/corrections.yaml.",
)
def document_figures(context: AssetExecutionContext, warehouse_lock: WarehouseLock) -> MaterializeResult:
    from pipelines.sources.documents.extract import EXTRACTOR_VERSION

    decisions, corrections = _versioned_corrections()
    rows = []
    per_doc = {}
    with connect_build() as con:  # the documents raw/documents listed (and versioned)
        cur = con.execute("select sha256, name, path from raw.documents order by path")
        listed = [dict(zip([c[0] for c in cur.description], row)) for row in cur.fetchall()]
    for doc in progress(listed, "extracting"):
        figures = reviewed_figures(doc, decisions)
        per_doc[doc["name"]] = len(figures)
        for fig in figures:
            rows.append(
                {
                    **fig,
                    "how": json.dumps(fig.get("how") or {}, ensure_ascii=False),
                    "document_sha256": doc["sha256"],
                    "extractor_version": EXTRACTOR_VERSION,
                }
            )
    with connect_build() as con:
        n = replace_table(con, "raw.document_figures", rows, FIGURE_COLUMNS)
    status = {k: sum(1 for r in rows if r["status"] == k) for k in ("fact", "review", "rejected")}
    context.log.info(
        f"{n} figures from {len(per_doc)} documents: {status['fact']} facts, "
        f"{status['review']} waiting for review, {status['rejected']} rejected"
    )
    return MaterializeResult(
        metadata={
            "figures": n,
            **{f"status/{k}": v for k, v in status.items()},
            **{f"figures/{k}": v for k, v in per_doc.items()},
        },
        data_version=DataVersion(figures_version(listed, corrections)),
    )


def _inbox_state() -> dict[str, list]:
    inbox = settings.inbox_dir()
    if not inbox.is_dir():
        return {}
    # lstat: a symlink or a device counts too, so the run that quarantines it is requested
    return {
        p.name: [p.lstat().st_size, p.lstat().st_mtime_ns]
        for p in sorted(inbox.iterdir())
        if p.suffix.lower() == ".pdf" and not p.name.startswith(".")
    }


@sensor(
    asset_selection=AssetSelection.assets(documents).downstream(),
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,  # a PDF dropped in raw/inbox is published unattended
    description="A new or changed PDF in raw/inbox: land it, extract it, rebuild and publish.",
)
def inbox_sensor(context: SensorEvaluationContext):
    state = _inbox_state()
    if not state:
        return SkipReason("raw/inbox holds no PDF")
    key = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:16]
    if context.cursor == key:
        return SkipReason("no change in raw/inbox since the last run request")
    context.update_cursor(key)
    return RunRequest(run_key=f"inbox-{key}", tags={"kazmig/trigger": "inbox"})
