"""The `kazmig` command."""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import signal
import sys

# Dagster and dbt create millions of objects as they load and run; with Python's default (a
# collection every 700 net allocations) the collector took over a second of each build walking
# them. Collecting rarely costs no measurable memory here (peak RSS unchanged in the bench).
GC_THRESHOLDS = (100_000, 50, 50)
_EXIT_CODE: list[int] = []  # set by a command whose process may end without tearing down
# Exit codes (README, "Commands"): 0 done, 1 failed, 2 usage, 3 nothing could be fetched, 75 busy
# (another build holds the warehouse), 128 + the signal when stopped (130 Ctrl-C, 143 SIGTERM),
# 141 when the reader of the output went away (`| head`).
EXIT_UNREACHABLE = 3
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


class _SignalLog:
    """Which of SIGINT, SIGTERM and SIGHUP arrived, whoever's handler was installed then: Dagster
    replaces the handlers while it runs (it turns both into an interrupted run), so the numbers
    are read from Python's wake-up file descriptor, which records every signal handled."""

    def __init__(self) -> None:
        self._read = None

    def start(self) -> None:
        read, write = os.pipe()
        os.set_blocking(read, False)
        os.set_blocking(write, False)
        signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        self._read = read

    def received(self) -> int | None:
        """The last stopping signal received so far, if any."""
        if self._read is None:
            return None
        try:
            data = os.read(self._read, 4096)
        except BlockingIOError:
            return None
        stops = [n for n in data if n in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)]
        return stops[-1] if stops else None


_SIGNALS = _SignalLog()


def _exit_without_teardown() -> None:
    """Registered before anything else, so it runs last of the exit handlers: after the libraries'
    own (multiprocessing releases its semaphores, logging flushes), it ends the process without
    tearing down the Dagster, SQLAlchemy and dbt objects a build loaded (another second or two)."""
    if _EXIT_CODE:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_CODE[0])


def cmd_prepare(args) -> int:
    from pipelines.dbt.manifest import prepare

    print(prepare())
    return 0


def cmd_build(args) -> int:
    import logging

    from pipelines.build import run_build
    from pipelines.sources.bns.catalogue import load_catalogue

    # dbt's threads may still log after an interrupted run has closed the build log; what a build
    # did is in its summary and the log, so logging's own "--- Logging error ---" tracebacks go.
    logging.raiseExceptions = False
    if args.exit_now:
        _quiet_resource_tracker()
    load_catalogue()  # a catalogue mistake stops the build before anything runs
    stops: list[int] = []

    def interrupted() -> int | None:
        stops.append(_SIGNALS.received() or 0)
        return stops[-1]

    report = run_build(offline=args.offline, force=args.force, interrupted=interrupted if args.exit_now else None)
    stop = next((n for n in stops if n), None) or (_SIGNALS.received() if args.exit_now else None)
    if stop:  # Dagster caught it and stopped the run; the run and the summary record "interrupted"
        _stopped("build", stop)
    print("\n".join(report.lines()))
    code = 0 if report.success else 1
    if args.exit_now:  # the build has closed its files and committed its events
        _EXIT_CODE.append(code)
    return code


def _quiet_resource_tracker() -> None:
    """Python's multiprocessing resource tracker, started with its stderr on /dev/null: when a
    build is interrupted, the process ends without dbt's workers releasing their semaphores, and
    the tracker's "leaked semaphore objects" warning would follow the one-line message."""
    from multiprocessing import resource_tracker

    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to keep quiet
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        resource_tracker.ensure_running()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def cmd_extract(args) -> int:
    from pipelines.sources.documents.extract import DocumentError, extract_figures, format_table

    try:
        figures = extract_figures(args.file)
    except DocumentError as exc:
        print(f"kazmig extract: {_shown(exc)}", file=sys.stderr)
        return 2
    if args.format == "table":
        print(format_table(figures))
    else:
        for fig in figures:
            print(json.dumps(fig.to_dict(), ensure_ascii=False))
    return 0


def cmd_eval(args) -> int:
    from pathlib import Path

    from pipelines.sources.documents.evaluate import GoldError, evaluate_dir, report_json, report_table, totals

    try:
        scores = evaluate_dir(Path(args.dir))
    except GoldError as exc:
        print(f"kazmig eval: {_shown(exc)}", file=sys.stderr)
        return 2
    print(report_json(scores) if args.format == "json" else report_table(scores))
    f1 = totals(scores).f1
    if args.min_f1 is not None and f1 < args.min_f1:
        print(f"kazmig eval: F1 {f1:.3f} is below --min-f1 {args.min_f1}", file=sys.stderr)
        return 1
    return 0


def cmd_review(args) -> int:
    """What waits for review, and a corrections template for it."""
    from pathlib import Path

    from dagster import Failure

    from pipelines import settings
    from pipelines.defs.documents import list_documents, load_corrections, reviewed_figures
    from pipelines.files import sha256_file
    from pipelines.sources.documents.corrections import path_in, template_entries, write_template

    out = Path(args.out) if args.out else path_in(settings.documents_dir())
    try:
        decisions = load_corrections()
        docs = list_documents()
        if args.file:
            digest = sha256_file(Path(args.file)) if Path(args.file).is_file() else None
            docs = [d for d in docs if d["sha256"] == digest or d["name"] == Path(args.file).name]
            if not docs:
                print(f"kazmig review: {_shown(args.file)} is not a document in raw/documents", file=sys.stderr)
                return 2
        decided = {(c.document, c.key) for c in decisions if c.action != "pending"}
        entries, waiting = [], 0
        for doc in docs:
            figures = reviewed_figures(doc, decisions)
            todo = [f for f in figures if f["status"] == "review"]
            waiting += len(todo)
            for f in todo:
                print(
                    f"{doc['name']}  {f['key']}  p.{f['page']}  {f['indicator']} {f['value']:g} {f['period'] or '-'} "
                    f"{f['region'] or '-'}{' ' + f['country'] if f['country'] else ''}  conf {f['confidence']:.2f}  "
                    f"| {f['evidence']}"
                )
            pending = {(c.document, c.key) for c in decisions if c.action == "pending"}
            entries += [e for e in template_entries(doc, figures, decided) if (e["document"], e["key"]) not in pending]
    except Failure as exc:
        print(f"kazmig review: {_shown(exc.description)}", file=sys.stderr)
        return 2
    n = write_template(out, entries)
    print(
        f"{waiting} figures wait for review; {n} new entries written to {out}"
        if waiting
        else "nothing waits for review"
    )
    return 0


def cmd_fetch(args) -> int:
    from pipelines.messages import shown
    from pipelines.sources.bns.bundle import land_from_dir
    from pipelines.sources.bns.catalogue import load_catalogue
    from pipelines.sources.bns.fetch import fetch_all, format_fetch_table
    from pipelines.warehouse.lock import build_lock

    sources = catalogue = load_catalogue()
    if args.sources:
        known = {s.id for s in sources}
        unknown = [s for s in args.sources if s not in known]
        if unknown:
            print(
                f"kazmig fetch: unknown source(s) {shown(', '.join(unknown))}; known: {', '.join(sorted(known))}",
                file=sys.stderr,
            )
            return 2
        sources = [s for s in sources if s.id in args.sources]
    if args.from_dir and not os.path.isdir(args.from_dir):
        print(f"kazmig fetch: --from {shown(args.from_dir)}: not a directory", file=sys.stderr)
        return 2
    with build_lock():  # landing and building never overlap: a build reads what is landed
        if args.from_dir:
            results = land_from_dir(args.from_dir, sources, accept_losses=args.accept_losses, catalogue=catalogue)
        else:
            results = fetch_all(sources, accept_losses=args.accept_losses)
    print(format_fetch_table(results))
    if any(r.outcome == "failed" for r in results):
        return 1
    # The bureau could not be reached (for some sources or all): a cron job must learn that the
    # refresh did not happen, though what was landed before stands.
    return EXIT_UNREACHABLE if any(r.outcome == "offline" for r in results) else 0


def cmd_query(args) -> int:
    import threading

    import duckdb

    from pipelines.outputs.query import Limits, QueryLimit, WarehouseMissing, format_rows, run_query

    limits = Limits.from_env()
    limits.cap_process()

    def hard_stop() -> None:  # DuckDB did not honour the interrupt (a long C call): stop the process
        print(
            f"kazmig query: stopped after {limits.seconds:g} s, the time limit (KAZMIG_QUERY_TIMEOUT)", file=sys.stderr
        )
        sys.stderr.flush()
        os._exit(1)

    watchdog = threading.Timer(limits.seconds + 5, hard_stop)
    watchdog.daemon = True
    watchdog.start()
    try:
        columns, rows = run_query(args.sql, limits=limits)
    except WarehouseMissing as exc:
        print(f"kazmig query: {exc}", file=sys.stderr)
        return 2
    except QueryLimit as exc:
        print(f"kazmig query: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        print(f"kazmig query: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 1
    except MemoryError:
        print(
            f"kazmig query: the query needs more than {limits.memory_mb} MB, the memory limit "
            "(KAZMIG_QUERY_MEMORY_MB); aggregate or filter more",
            file=sys.stderr,
        )
        return 1
    finally:
        watchdog.cancel()
    print(format_rows(columns, rows, args.format))
    return 0


def cmd_export(args) -> int:
    from pathlib import Path

    from pipelines.outputs.exports.files import export_marts
    from pipelines.outputs.query import WarehouseMissing

    notes: list[str] = []
    try:
        written = export_marts(Path(args.out), args.format, notes)
    except WarehouseMissing as exc:
        print(f"kazmig export: {_shown(exc)}", file=sys.stderr)
        return 2
    except (FileExistsError, NotADirectoryError) as exc:  # --out names a file: a usage error
        print(f"kazmig export: {_os_error(exc)}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    for note in notes:
        print(f"kazmig export: {note}", file=sys.stderr)
    return 0


def cmd_serve(args) -> int:
    from pipelines import settings
    from pipelines.outputs.query import WarehouseMissing, connect_published
    from pipelines.outputs.serving.postgres import ServingError, describe, serve_published

    url = settings.postgres_url()
    if not url:
        print(
            "kazmig serve: KAZMIG_POSTGRES_URL is not set (the writer's URL, see scripts/postgres-roles.sql)",
            file=sys.stderr,
        )
        return 2
    try:
        connect_published().close()  # says so when there is nothing published yet
        served = serve_published(url)
    except (WarehouseMissing, ServingError, ValueError) as exc:
        print(f"kazmig serve: {exc}", file=sys.stderr)
        return 1
    print(
        f"served release {served.release} to {describe(url)}: {len(served.rows)} tables, "
        f"{sum(served.rows.values())} rows"
    )
    for pid, user in served.terminated:
        print(f"ended session {pid} of {user}: it held the live tables idle in a transaction")
    return 0


def cmd_status(args) -> int:
    from pipelines.outputs.status import status_text

    text, healthy = status_text()
    print(text)
    return 0 if healthy else 1


# --- report and docs (pipelines/outputs/report/) -------------------------------------------------------


def cmd_report(args) -> int:
    from pathlib import Path

    from pipelines.outputs.query import WarehouseMissing
    from pipelines.outputs.report.data import ReportError
    from pipelines.outputs.report.render import render_report

    try:
        result = render_report(Path(args.out) if args.out else None, year=args.year, region=args.region)
    except (WarehouseMissing, ReportError) as exc:
        print(f"kazmig report: {_shown(exc)}", file=sys.stderr)
        return 2
    for path in result.files:
        print(path)
    return 0


def cmd_note(args) -> int:
    from pathlib import Path

    from pipelines.outputs.note.data import NoteError
    from pipelines.outputs.note.pdf import PdfError, print_pdf
    from pipelines.outputs.note.render import write_note
    from pipelines.outputs.query import WarehouseMissing

    try:
        result = write_note(args.region, year=args.year, out=Path(args.out) if args.out else None)
        if args.pdf:
            result.files.append(print_pdf(result.html, result.html.with_suffix(".pdf")))
    except (WarehouseMissing, NoteError, PdfError) as exc:
        print(f"kazmig note: {_shown(exc)}", file=sys.stderr)
        return 2
    for path in result.files:
        print(path)
    return 0


def cmd_docs(args) -> int:
    from pipelines.outputs.report.marts_doc import REFERENCE, marts_reference, readme_block, write_readme

    if args.check:
        if readme_block() != marts_reference():
            print(f"kazmig docs: the marts reference in {REFERENCE} is stale; run `kazmig docs`", file=sys.stderr)
            return 1
        print(f"{REFERENCE}: marts reference up to date")
        return 0
    print(f"{REFERENCE}: {'marts reference rewritten' if write_readme() else 'marts reference unchanged'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)
    if argv is None:
        atexit.register(_exit_without_teardown)
    parser = argparse.ArgumentParser(
        prog="kazmig", description="Kazakhstan labour-migration data pipeline and warehouse."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="fetch, extract, transform, check and publish the warehouse")
    p.add_argument("--offline", action="store_true", help="skip network fetches; use what raw/ already holds")
    p.add_argument(
        "--force", action="store_true", help="rebuild even when no input changed since the last published build"
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("prepare", help="prepare the dbt manifest (dbt parse) for the Dagster definitions")
    p.set_defaults(func=cmd_prepare)

    p = sub.add_parser("extract", help="print the figures found in a PDF document")
    p.add_argument("file")
    p.add_argument("--format", choices=["jsonl", "table"], default="jsonl")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("eval", help="score the extractor on annotated PDFs (<name>.pdf with <name>.gold.jsonl)")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--min-f1", type=float, metavar="X", help="exit 1 when the overall F1 is below X")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("review", help="list the figures waiting for review and write a corrections template")
    p.add_argument("file", nargs="?", metavar="FILE", help="one document of raw/documents (default: all)")
    p.add_argument(
        "--out", metavar="YAML", help="corrections file to append to (default: raw/documents/corrections.yaml)"
    )
    p.set_defaults(func=cmd_review)

    from pipelines.sources.bns.bundle import NAMING_RULE

    p = sub.add_parser(
        "fetch",
        help="download the bureau's tables (conditional requests) into raw/bns",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Download the bureau's tables (conditional requests), or land an offline "
        "bundle,\ninto raw/bns. Every file is verified before it lands.",
        epilog="Bundle files (--from DIR) are named\n  "
        + NAMING_RULE.split(", e.g. ")[0]
        + "\ne.g. "
        + NAMING_RULE.split(", e.g. ")[1]
        + "\nREADME, *.md and *.txt files are skipped; any other file is reported.",
    )
    p.add_argument("sources", nargs="*", metavar="SOURCE_ID")
    p.add_argument(
        "--from",
        dest="from_dir",
        metavar="DIR",
        help="land files from a local folder (an offline bundle) instead of the network",
    )
    p.add_argument(
        "--accept-losses",
        action="store_true",
        help="land a new vintage even though it lacks territories, periods or values the vintage "
        "it replaces has (the bureau withdrew them)",
    )
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("query", help="run read-only SQL against the published warehouse")
    p.add_argument("sql")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser(
        "export", help="write every mart as Parquet or CSV, or the statistics as SDMX-CSV or a data package"
    )
    p.add_argument("--format", choices=["parquet", "csv", "sdmx-csv", "datapackage"], default="parquet")
    p.add_argument("--out", default="export", help="output folder (default: ./export)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("serve", help="serve the published warehouse to PostgreSQL (KAZMIG_POSTGRES_URL) now")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("status", help="sources and their freshness, the last build, failing checks")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("report", help="charts (PNG, SVG) and one self-contained HTML page from the marts")
    p.add_argument("--out", metavar="DIR", help="output folder (default: $KAZMIG_HOME/warehouse/report)")
    p.add_argument("--year", type=int, metavar="YYYY", help="year of the destinations chart (default: the latest)")
    p.add_argument("--region", metavar="KATO", help="region of the outflow trend (default: 110000000, Akmola)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("note", help="draft the regional note (Russian, DOCX and HTML) from the marts")
    p.add_argument("--region", required=True, metavar="KATO", help="the region, e.g. 110000000 (Akmola)")
    p.add_argument(
        "--year", type=int, metavar="YYYY", help="the note's year (default: the latest year of destinations)"
    )
    p.add_argument("--out", metavar="DIR", help="output folder (default: $KAZMIG_HOME/warehouse/notes)")
    p.add_argument("--pdf", action="store_true", help="also print the HTML to PDF with headless Chromium")
    p.set_defaults(func=cmd_note)

    p = sub.add_parser("docs", help="write the marts reference (from sql/models/marts/*.yml) into docs/marts.md")
    p.add_argument("--check", action="store_true", help="only check that docs/marts.md is up to date")
    p.set_defaults(func=cmd_docs)

    args = parser.parse_args(argv)
    args.exit_now = argv is None  # the command line, not a caller in this process
    from pipelines import settings

    try:
        settings.env()  # a KAZMIG_* variable of the wrong kind stops any command at once, in one line
    except ValueError as exc:
        print(f"kazmig {args.command}: {exc}", file=sys.stderr)
        return 1
    if args.exit_now:
        _SIGNALS.start()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda signum, frame, cmd=args.command: _stopped(cmd, signum))
    try:
        return args.func(args)
    except KeyboardInterrupt:  # SIGINT, or SIGTERM while the handler Dagster left behind is in place
        _stopped(args.command, _SIGNALS.received() or signal.SIGINT)
    except BrokenPipeError:
        # The reader went away (`kazmig query ... | head`): like any filter, end quietly. What is
        # still buffered for stdout goes nowhere, so the exit handlers' flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        if args.exit_now:
            _EXIT_CODE[:] = [EXIT_BROKEN_PIPE]
        return EXIT_BROKEN_PIPE
    except BaseException as exc:  # noqa: BLE001 - every user-facing failure is one line
        code = _failure(args.command, exc)
        if code is None:
            raise
        return code


# --- failures as one line -------------------------------------------------------------------

_AFTER_STOP = {
    "build": "the published warehouse is the last build that completed (a build never publishes half); "
    "run `kazmig build` again",
    "fetch": "files land whole or not at all; run `kazmig fetch` again",
}


def _stopped(command: str, signum: int) -> None:
    """SIGTERM, SIGHUP or Ctrl-C: one line, then exit at once (128 + the signal). Nothing is left
    half-done: publication and landing are atomic renames, the lock goes with the process, and the
    dbt worker dies with it."""
    name = signal.Signals(signum).name
    print(
        f"\nkazmig {command}: interrupted by {name}; " + _AFTER_STOP.get(command, "nothing was changed half-way"),
        file=sys.stderr,
    )
    sys.stderr.flush()
    os._exit(128 + signum)


def _shown(exc: object) -> str:
    from pipelines.messages import shown

    return shown(str(exc).strip())


def _failure(command: str, exc: BaseException) -> int | None:
    """Print `exc` as one line naming the place and what to do; the exit code (None: not ours)."""
    from pipelines.messages import one_line, shown
    from pipelines.sources.bns.catalogue import CatalogueError
    from pipelines.warehouse.lock import BuildLocked

    if isinstance(exc, (SystemExit, GeneratorExit)):
        return None
    head = f"kazmig {command}: "
    if isinstance(exc, BuildLocked):
        print(head + str(exc), file=sys.stderr)
        return 75
    if isinstance(exc, CatalogueError):
        print(head + str(exc), file=sys.stderr)
        return 2
    if isinstance(exc, OSError):
        print(head + _os_error(exc), file=sys.stderr)
        return 1
    from pipelines.messages import no_space

    full = no_space(exc)  # SQLite's "disk I/O error", DuckDB's IO Error on a full disk
    if full:
        print(head + full, file=sys.stderr)
        return 1
    log = _crash_log(exc)
    print(
        head
        + f"unexpected {type(exc).__name__}: {one_line(exc, 300)}"
        + (f" (details in {shown(log)})" if log else ""),
        file=sys.stderr,
    )
    return 1


def _os_error(exc: OSError) -> str:
    import errno

    from pipelines import settings
    from pipelines.messages import shown

    where = shown(exc.filename) if exc.filename else "a file"
    what = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        from pipelines.messages import no_space

        # a copy's full side is its destination (filename2); an error may name no file at all
        return no_space(exc, exc.filename2, exc.filename) or f"no space left on the device of {where}"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (
            f"cannot write {where}: {what}; kazmig writes under KAZMIG_HOME ({shown(settings.home())}), "
            "which must be writable"
        )
    if exc.errno == errno.EEXIST or isinstance(exc, (FileExistsError, NotADirectoryError)):
        return f"{where}: {what}; choose another path"
    if exc.errno == errno.ENOENT:
        return f"{where}: {what} (a dangling symlink or a file removed while kazmig ran?)"
    return f"{where}: {what}"


def _crash_log(exc: BaseException) -> str | None:
    """The traceback of an unexpected failure, written where a developer can find it."""
    import tempfile
    import traceback

    from pipelines import settings

    text = "".join(traceback.format_exception(exc))
    for folder in (settings.warehouse_dir(), tempfile.gettempdir()):
        try:
            path = os.path.join(folder, "kazmig-error.log")
            os.makedirs(folder, exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            return path
        except OSError:
            continue
    return None


if __name__ == "__main__":
    sys.exit(main())
