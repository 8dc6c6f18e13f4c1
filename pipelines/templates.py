"""The Jinja2 environment of every page kazmig writes (report, note): HTML-escaped by default,
an unknown name is an error rather than an empty string."""

from __future__ import annotations

from pathlib import Path


def environment(folder: Path, **filters):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(filters)
    return env
