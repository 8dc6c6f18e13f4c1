"""A progress bar on stderr for long work, silent when stderr is not a terminal (logs, CI, pipes)."""
from __future__ import annotations

import sys
from typing import Iterable, Iterator, TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], label: str, total: int | None = None, stream=None) -> Iterator[T]:
    stream = stream or sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        yield from items
        return
    items = list(items) if total is None else items
    total = len(items) if total is None else total
    width = 24
    for i, item in enumerate(items, 1):
        done = int(width * i / max(total, 1))
        stream.write(f"\r{label} [{'#' * done}{'.' * (width - done)}] {i}/{total}")
        stream.flush()
        yield item
    stream.write("\n")
    stream.flush()
