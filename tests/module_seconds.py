"""Rewrite tests/module_seconds.json from runs' JUnit XML: each test module's seconds (its tests'
setup, call and teardown; the mean over the runs given), which tests/conftest.py orders the
modules by, longest first.

    .venv/bin/python -m pytest -q -n 2 --dist loadscope --no-loadscope-reorder --junitxml=run.xml
    .venv/bin/python tests/module_seconds.py run.xml [more.xml ...]

Only the order matters, but on a shared machine one module's time can double from one run to the
next with the load: the mean of a few runs orders them better. A module the file does not name
goes first if it is marked slow (it may be long), last otherwise."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

OUT = Path(__file__).with_name("module_seconds.json")


def module_seconds(junit: Path) -> dict[str, float]:
    seconds: dict[str, float] = {}
    for case in ET.parse(junit).iter("testcase"):
        # classname tests.test_x (or tests.test_x.TestClass) -> tests/test_x.py
        module = "tests/" + next(p for p in case.get("classname", "").split(".") if p.startswith("test_")) + ".py"
        seconds[module] = seconds.get(module, 0.0) + float(case.get("time") or 0)
    return {m: round(s, 1) for m, s in sorted(seconds.items(), key=lambda kv: -kv[1])}


def mean_seconds(runs: list[dict[str, float]]) -> dict[str, float]:
    modules = {m for run in runs for m in run}
    mean = {m: sum(run[m] for run in runs if m in run) / sum(m in run for run in runs) for m in modules}
    return {m: round(s, 1) for m, s in sorted(mean.items(), key=lambda kv: -kv[1])}


if __name__ == "__main__":
    seconds = mean_seconds([module_seconds(Path(arg)) for arg in sys.argv[1:]])
    OUT.write_text(json.dumps(seconds, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
