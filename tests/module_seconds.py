"""Rewrite tests/module_seconds.json from a run's JUnit XML: each test module's seconds (its tests'
setup, call and teardown), which tests/conftest.py orders the modules by, longest first.

    .venv/bin/python -m pytest -q -n 2 --dist loadscope --no-loadscope-reorder --junitxml=run.xml
    .venv/bin/python tests/module_seconds.py run.xml

Only the order matters: a run under load scales every module alike. A module the file does not
name goes first if it is marked slow (it may be long), last otherwise."""

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


if __name__ == "__main__":
    OUT.write_text(json.dumps(module_seconds(Path(sys.argv[1])), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
