"""`kazmig`: the command group and main(), the console script's entry point."""

from __future__ import annotations

import atexit
import gc
import sys

import click

from pipelines.cli import documents, outputs, pipeline
from pipelines.cli.exits import EXIT_USAGE, Invocation, exit_without_teardown, usage_line

# Dagster and dbt create millions of objects as they load and run; with Python's default (a
# collection every 700 net allocations) the collector took over a second of each build walking
# them. Collecting rarely costs no measurable memory here (peak RSS unchanged in the bench).
GC_THRESHOLDS = (100_000, 50, 50)


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # `kazmig --help` lists them in the order a user meets them


@click.group(
    cls=_Group,
    help="Kazakhstan labour-migration data pipeline and warehouse.",
    epilog="\b\nExit codes: 0 done, 1 failed, 2 usage, 3 the bureau could not be reached,\n"
    "75 busy (another build or fetch holds the warehouse), 130/143 interrupted,\n"
    "141 the reader of the output went away.\n`kazmig COMMAND --help` describes a command.",
    # 100 columns where the terminal has them: each command's line in `kazmig --help` on one line
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
def kazmig() -> None:
    pass


for _command in (
    pipeline.build,
    pipeline.prepare,
    documents.extract,
    documents.evaluate,
    documents.review,
    pipeline.fetch,
    outputs.query,
    outputs.export,
    outputs.serve,
    pipeline.status,
    outputs.report,
    outputs.note,
    outputs.docs,
):
    kazmig.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run `kazmig argv` (the command line when None) and return its exit code. click parses; the
    command itself runs outside click's own main(), which would turn Ctrl-C into "Aborted!" and a
    closed pipe into exit 1 (exits.Command maps them to 130 and 141)."""
    if argv is None:  # the process is ours (a caller of main() keeps its collector as it is)
        gc.set_threshold(*GC_THRESHOLDS)
        atexit.register(exit_without_teardown)
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        with kazmig.make_context("kazmig", args, obj=Invocation(exit_now=argv is None)) as ctx:
            return kazmig.invoke(ctx)
    except click.exceptions.Exit as done:  # --help
        return done.exit_code
    except click.exceptions.NoArgsIsHelpError as bare:  # `kazmig` alone: what it can do
        print(bare.format_message(), file=sys.stderr)
        return EXIT_USAGE
    except click.UsageError as exc:
        print(usage_line(exc), file=sys.stderr)
        return EXIT_USAGE
