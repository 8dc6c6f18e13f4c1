"""How a `kazmig` command ends: its exit code, a failure as one line, a signal as one line.

Exit codes (README, "Commands"): 0 done, 1 failed, 2 usage, 3 nothing could be fetched, 75 busy
(another build holds the warehouse), 128 + the signal when stopped (130 Ctrl-C, 143 SIGTERM),
141 when the reader of the output went away (`| head`).

`Command` is the click command every `kazmig` command is made of: after click has parsed its
arguments it checks the settings, installs the signal handlers and maps what the command raised
to a line and a code.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from typing import Any

import click

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_BUSY = 75
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE

_EXIT_CODE: list[int] = []  # set by a command whose process may end without tearing down


@dataclass
class Invocation:
    """What every command may ask of its invocation (click's context object)."""

    # the command line (`kazmig ...`), not a caller of main() in this process: the process may be
    # ended at once when the command is done, and the signal handlers are ours to install
    exit_now: bool = False


# a command's argument for it: main()'s, or a plain one when the group is run otherwise (click's tests)
pass_invocation = click.make_pass_decorator(Invocation, ensure=True)


class Command(click.Command):
    """A `kazmig` command: its callback returns the exit code, and whatever it raises ends as one
    line on stderr with the code a cron job or a monitor can act on."""

    def invoke(self, ctx: click.Context) -> Any:
        code = self._run(ctx)
        # as an exit, not only a return value: click's own main() (and its CliRunner) exit with it too
        ctx.exit(code)

    def _run(self, ctx: click.Context) -> int:
        name, exit_now = ctx.command_path, ctx.ensure_object(Invocation).exit_now
        from pipelines import settings

        try:
            settings.env()  # a KAZMIG_* variable of the wrong kind stops any command at once, in one line
        except ValueError as exc:
            print(f"{name}: {exc}", file=sys.stderr)
            return EXIT_FAILED
        if exit_now:
            SIGNALS.start()
            for sig in (signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, lambda signum, frame: stopped(name, signum))
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # SIGINT, or SIGTERM while the handler Dagster left behind is in place
            stopped(name, SIGNALS.received() or signal.SIGINT)
        except BrokenPipeError:
            # The reader went away (`kazmig query ... | head`): like any filter, end quietly. What is
            # still buffered for stdout goes nowhere, so the exit handlers' flush cannot fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            if exit_now:
                _EXIT_CODE[:] = [EXIT_BROKEN_PIPE]
            return EXIT_BROKEN_PIPE
        except BaseException as exc:  # noqa: BLE001 - every user-facing failure is one line
            code = failure(name, exc)
            if code is None:
                raise
            return code


def usage_line(exc: click.UsageError) -> str:
    """click's usage error as one line naming the command, and where its usage is described."""
    where = exc.ctx.command_path if exc.ctx else "kazmig"
    message = " ".join(exc.format_message().split())
    return f"{where}: {message} (see `{where} --help`)"


# --- signals --------------------------------------------------------------------------------


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


SIGNALS = _SignalLog()

_AFTER_STOP = {
    "kazmig build": "the published warehouse is the last build that completed (a build never publishes half); "
    "run `kazmig build` again",
    "kazmig fetch": "files land whole or not at all; run `kazmig fetch` again",
}


def stopped(command: str, signum: int) -> None:
    """SIGTERM, SIGHUP or Ctrl-C: one line, then exit at once (128 + the signal). Nothing is left
    half-done: publication and landing are atomic renames, the lock goes with the process, and the
    dbt worker dies with it."""
    name = signal.Signals(signum).name
    print(
        f"\n{command}: interrupted by {name}; " + _AFTER_STOP.get(command, "nothing was changed half-way"),
        file=sys.stderr,
    )
    sys.stderr.flush()
    os._exit(128 + signum)


def exit_later(code: int) -> None:
    """End the process with `code` once the exit handlers have run (exit_without_teardown)."""
    _EXIT_CODE.append(code)


def exit_without_teardown() -> None:
    """Registered before anything else, so it runs last of the exit handlers: after the libraries'
    own (multiprocessing releases its semaphores, logging flushes), it ends the process without
    tearing down the Dagster, SQLAlchemy and dbt objects a build loaded (another second or two)."""
    if _EXIT_CODE:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_CODE[0])


# --- failures as one line -------------------------------------------------------------------


def shown(exc: object) -> str:
    from pipelines.messages import shown

    return shown(str(exc).strip())


def failure(command: str, exc: BaseException) -> int | None:
    """Print `exc` as one line naming the place and what to do; the exit code (None: not ours)."""
    from pipelines.messages import no_space, one_line
    from pipelines.sources.bns.catalogue import CatalogueError
    from pipelines.warehouse.lock import BuildLocked

    if isinstance(exc, (SystemExit, GeneratorExit, click.exceptions.Exit, click.ClickException)):
        return None
    head = f"{command}: "
    if isinstance(exc, BuildLocked):
        print(head + str(exc), file=sys.stderr)
        return EXIT_BUSY
    if isinstance(exc, CatalogueError):
        print(head + str(exc), file=sys.stderr)
        return EXIT_USAGE
    if isinstance(exc, OSError):
        print(head + os_error(exc), file=sys.stderr)
        return EXIT_FAILED
    full = no_space(exc)  # SQLite's "disk I/O error", DuckDB's IO Error on a full disk
    if full:
        print(head + full, file=sys.stderr)
        return EXIT_FAILED
    log = _crash_log(exc)
    print(
        head
        + f"unexpected {type(exc).__name__}: {one_line(exc, 300)}"
        + (f" (details in {shown(log)})" if log else ""),
        file=sys.stderr,
    )
    return EXIT_FAILED


def os_error(exc: OSError) -> str:
    import errno

    from pipelines import settings
    from pipelines.messages import no_space, shown

    where = shown(exc.filename) if exc.filename else "a file"
    what = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
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


def command(name: str, summary: str, description: str | None = None, **kw: Any):
    """A `kazmig` command: `summary` is its line in `kazmig --help`, `description` (or the
    summary) heads its own --help."""
    description = description or f"{summary[0].upper()}{summary[1:]}."
    return click.command(name, cls=Command, help=description, short_help=summary, **kw)
