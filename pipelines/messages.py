"""How names and errors reach a person: one line, control characters shown escaped."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def shown(text: object) -> str:
    """`text` with newlines, escapes and other control characters written as \\n, \\x1b, … so a
    file name cannot break a line, fake another one, or drive the terminal."""
    s = str(text)
    if not _CONTROL.search(s):
        return s
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), s)


def one_line(text: object, limit: int = 400) -> str:
    """The first line of a message, shown safely, cut to `limit` characters."""
    s = str(text).strip().splitlines()[0] if str(text).strip() else ""
    s = shown(s)
    return s if len(s) <= limit else s[: limit - 1] + "…"
