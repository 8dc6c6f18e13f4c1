"""The extractor's words in data: one TOML file per language under lexicon/, read once.

Code asks for a key ("table_continued") and gets one pattern over every language's phrases, so
a rule written once reads Russian, Kazakh and English alike; adding a language is adding a file.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

DIR = Path(__file__).parent / "lexicon"


@cache
def languages() -> dict[str, dict]:
    out = {}
    for f in sorted(DIR.glob("*.toml")):
        with open(f, "rb") as fh:
            data = tomllib.load(fh)
        out[data.get("language", f.stem)] = data
    return out


@cache
def phrases(key: str) -> tuple[str, ...]:
    """Every language's phrases under a key."""
    return tuple(p for data in languages().values() for p in data.get(key, ()))


@cache
def pattern(key: str) -> re.Pattern:
    """One case-insensitive pattern matching any language's phrase under a key."""
    ps = phrases(key)
    if not ps:
        raise KeyError(f"lexicon: no language has phrases under {key!r}")
    return re.compile("|".join(f"(?:{p})" for p in ps), re.I)
