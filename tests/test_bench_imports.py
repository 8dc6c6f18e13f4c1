"""The benchmarks run only under `make bench`, never in the suite: every module of bench/ must at
least import, so a change elsewhere (a moved or renamed name) fails here, not at the next bench."""

from __future__ import annotations

import importlib
import pkgutil

import bench


def test_every_bench_module_imports():
    names = [info.name for info in pkgutil.walk_packages(bench.__path__, "bench.")]
    assert len(names) >= 3, names
    failed = {}
    for name in names:
        if name == "bench.__main__":
            continue
        try:
            importlib.import_module(name)
        except Exception as e:  # noqa: BLE001 - every failure is reported, not the first
            failed[name] = f"{type(e).__name__}: {e}"
    assert not failed, failed
