"""Unreadable inputs raise DocumentError with one line naming the file, never a traceback."""

from __future__ import annotations

import pytest

from fixtures_pdf import encrypted_pdf, image_only_pdf, prose_pdf
from pipelines.sources.documents.extract import DocumentError, extract_figures


def _error(path) -> str:
    with pytest.raises(DocumentError) as exc:
        extract_figures(path)
    msg = str(exc.value)
    assert "\n" not in msg and msg.startswith(path.name + ":"), msg
    return msg


def test_empty_file(tmp_path):
    p = tmp_path / "empty.pdf"
    p.write_bytes(b"")
    assert "empty" in _error(p)


def test_html_named_pdf(tmp_path):
    p = tmp_path / "bad.pdf"
    p.write_text("<!DOCTYPE html><html><body>Not found</body></html>", encoding="utf-8")
    assert "not a PDF (starts with '<!DOCTYPE" in _error(p)


def test_truncated_pdf(tmp_path):
    good = prose_pdf(tmp_path / "good.pdf", [["Численность населения составила 100 тыс. человек."]])
    p = tmp_path / "cut.pdf"
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    assert "truncated" in _error(p)


def test_garbage_after_header(tmp_path):
    p = tmp_path / "garbage.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    _error(p)


def test_encrypted_pdf(tmp_path):
    p = encrypted_pdf(tmp_path / "locked.pdf")
    assert "encrypted" in _error(p)


def test_image_only_pdf(tmp_path):
    p = image_only_pdf(tmp_path / "scan.pdf")
    assert "no text layer" in _error(p)


def test_missing_file(tmp_path):
    _error(tmp_path / "nowhere.pdf")
