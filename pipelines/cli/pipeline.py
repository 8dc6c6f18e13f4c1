"""The pipeline's commands: build, prepare, fetch, status.

What they run is imported when they run: `kazmig --help` and the other commands do not load
Dagster or dbt.
"""

from __future__ import annotations

import os
import sys

import click

from pipelines.cli.exits import EXIT_UNREACHABLE, SIGNALS, Invocation, command, exit_later, pass_invocation, stopped
from pipelines.sources.bns.bundle import NAMING_RULE


@command("build", "fetch, extract, transform, check and publish the warehouse")
@click.option("--offline", is_flag=True, help="skip network fetches; use what raw/ already holds")
@click.option("--force", is_flag=True, help="rebuild even when no input changed since the last published build")
@pass_invocation
def build(invocation: Invocation, offline: bool, force: bool) -> int:
    import logging

    from pipelines.build import run_build
    from pipelines.sources.bns.catalogue import load_catalogue

    exit_now = invocation.exit_now
    # dbt's threads may still log after an interrupted run has closed the build log; what a build
    # did is in its summary and the log, so logging's own "--- Logging error ---" tracebacks go.
    logging.raiseExceptions = False
    if exit_now:
        _quiet_resource_tracker()
    load_catalogue()  # a catalogue mistake stops the build before anything runs
    stops: list[int] = []

    def interrupted() -> int | None:
        stops.append(SIGNALS.received() or 0)
        return stops[-1]

    report = run_build(offline=offline, force=force, interrupted=interrupted if exit_now else None)
    stop = next((n for n in stops if n), None) or (SIGNALS.received() if exit_now else None)
    if stop:  # Dagster caught it and stopped the run; the run and the summary record "interrupted"
        stopped("kazmig build", stop)
    print("\n".join(report.lines()))
    code = 0 if report.success else 1
    if exit_now:  # the build has closed its files and committed its events
        exit_later(code)
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


@command("prepare", "prepare the dbt manifest (dbt parse) for the Dagster definitions")
def prepare() -> int:
    from pipelines.dbt.manifest import prepare

    print(prepare())
    return 0


_EXAMPLE = NAMING_RULE.split(", e.g. ")


@command(
    "fetch",
    "download the bureau's tables (conditional requests) into raw/bns",
    "Download the bureau's tables (conditional requests), or land an offline bundle, into raw/bns. "
    "Every file is verified before it lands.",
    # \b: click keeps the lines of this paragraph as they are (the naming rule on a line of its own)
    epilog=f"\b\nBundle files (--from DIR) are named\n  {_EXAMPLE[0]}\ne.g. {_EXAMPLE[1]}\n"
    "README, *.md and *.txt files are skipped; any other file is reported.",
)
@click.argument("sources", nargs=-1, metavar="[SOURCE_ID]...")
@click.option(
    "--from",
    "from_dir",
    metavar="DIR",
    help="land files from a local folder (an offline bundle) instead of the network",
)
@click.option(
    "--accept-losses",
    is_flag=True,
    help="land a new vintage even though it lacks territories, periods or values the vintage "
    "it replaces has (the bureau withdrew them)",
)
def fetch(sources: tuple[str, ...], from_dir: str | None, accept_losses: bool) -> int:
    from pipelines.messages import shown
    from pipelines.sources.bns.bundle import land_from_dir
    from pipelines.sources.bns.catalogue import load_catalogue
    from pipelines.sources.bns.fetch import fetch_all, format_fetch_table
    from pipelines.warehouse.lock import build_lock

    chosen = catalogue = load_catalogue()
    if sources:
        known = {s.id for s in catalogue}
        unknown = [s for s in sources if s not in known]
        if unknown:
            print(
                f"kazmig fetch: unknown source(s) {shown(', '.join(unknown))}; known: {', '.join(sorted(known))}",
                file=sys.stderr,
            )
            return 2
        chosen = [s for s in catalogue if s.id in sources]
    if from_dir and not os.path.isdir(from_dir):
        print(f"kazmig fetch: --from {shown(from_dir)}: not a directory", file=sys.stderr)
        return 2
    with build_lock():  # landing and building never overlap: a build reads what is landed
        if from_dir:
            results = land_from_dir(from_dir, chosen, accept_losses=accept_losses, catalogue=catalogue)
        else:
            results = fetch_all(chosen, accept_losses=accept_losses)
    print(format_fetch_table(results))
    if any(r.outcome == "failed" for r in results):
        return 1
    # The bureau could not be reached (for some sources or all): a cron job must learn that the
    # refresh did not happen, though what was landed before stands.
    return EXIT_UNREACHABLE if any(r.outcome == "offline" for r in results) else 0


@command("status", "sources and their freshness, the last build, failing checks")
def status() -> int:
    from pipelines.outputs.status import status_text

    text, healthy = status_text()
    print(text)
    return 0 if healthy else 1
