"""The `kazmig` command (click): the group and main() in app.py, the commands by what they work
on (pipeline.py: build, prepare, fetch, status; documents.py: extract, eval, review; outputs.py:
query, export, serve, report, note, docs), and in exits.py how a command ends: its exit code, a
failure or a signal as one line."""

from pipelines.cli.app import main

__all__ = ["main"]
