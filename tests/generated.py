"""Generated members of a class of statement: the samples of a template the extractor gets wrong."""

from __future__ import annotations

import random


def wrong_samples(template, runs: int, judge) -> list:
    """What `judge(i, *sample)` says of each of `runs` samples of `template`, where it says
    anything. The generator is seeded by the template's name: every run draws the same samples."""
    rng = random.Random(template.__name__)
    found = []
    for i in range(runs):
        verdict = judge(i, *template(rng))
        if verdict:
            found.append(verdict)
    return found


def registry():
    """A list of templates, and the decorator that adds a function to it."""
    found = []

    def add(fn):
        found.append(fn)
        return fn

    return found, add
