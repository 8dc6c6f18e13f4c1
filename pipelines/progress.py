"""A progress bar on stderr for long work (tqdm), silent when stderr is not a terminal (logs, CI, pipes)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


def progress(items: Iterable[T], label: str, total: int | None = None, stream=None) -> Iterator[T]:
    from tqdm import tqdm

    # disable=None: tqdm draws only when the stream is a terminal
    yield from tqdm(items, desc=label, total=total, file=stream or sys.stderr, disable=None, leave=True)
