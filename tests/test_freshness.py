"""Freshness is claimed only on evidence: files landed from a bundle, with every download refused,
are "never checked"; a download that reached the bureau makes a source "fresh"."""

from __future__ import annotations

import json

import pytest

from bns_server import bns_files, bns_server  # noqa: F401  (fixtures)
from conftest import kazmig

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first


def freshness(home) -> dict[str, tuple[str, str]]:
    out = kazmig(
        home, "query", "select source_id, status, status_reason from marts.source_freshness", "--format", "json"
    )
    return {r["source_id"]: (r["status"], r["status_reason"]) for r in json.loads(out.stdout)}


def test_never_checked_until_a_download_reaches_the_bureau(built_copy, bns_server):
    home = built_copy  # landed from the shared files; its builds' downloads were all refused
    before = {k: v for k, v in freshness(home).items() if not k.startswith("doc:")}
    assert {s for s, _ in before.values()} == {"never_checked"}, before
    assert all(r.startswith("never checked: no download has reached the bureau") for _, r in before.values())
    status = kazmig(home, "status").stdout
    assert "never_checked" in status and " fresh " not in status, status

    fetched = kazmig(home, "fetch", env={"KAZMIG_BNS_BASE_URL": bns_server.url})
    assert "offline" not in fetched.stdout and "failed" not in fetched.stdout, fetched.stdout
    kazmig(home, "build", "--offline")
    after = {k: v for k, v in freshness(home).items() if not k.startswith("doc:")}
    assert {s for s, _ in after.values()} == {"fresh"}, after
