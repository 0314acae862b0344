"""write_report: the one entry point the GUI and the CLI call."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import AppError, InputError, NotFound
from app.reports.registry import REPORTS, write_report


def test_the_registry_offers_the_documented_reports():
    assert set(REPORTS) == {"stock", "requisition", "checkout_sheet", "deposit_receipt",
                            "labels_a4", "labels_single", "reconciliation", "chase_list",
                            "fine_notice", "deposit_refund", "seal_label", "archive_label"}
    for name in ("stock", "requisition", "reconciliation", "chase_list"):
        assert set(REPORTS[name].builders) == {".pdf", ".xlsx"}
    for name in ("checkout_sheet", "deposit_receipt", "labels_a4", "labels_single",
                 "fine_notice", "deposit_refund", "seal_label", "archive_label"):
        assert set(REPORTS[name].builders) == {".pdf"}


@pytest.mark.parametrize(("name", "filename"), [
    ("checkout_sheet", "x.xlsx"), ("labels_a4", "x.xlsx"), ("stock", "x.docx"),
    ("stock", "noext"), ("nonsense", "x.pdf"),
])
def test_unsupported_report_or_format_is_refused(db, actor, tmp_path: Path, name, filename):
    with pytest.raises(InputError):
        write_report(actor, name, tmp_path / filename)


def test_unknown_and_missing_parameters_are_refused(db, actor, tmp_path: Path):
    with pytest.raises(InputError, match="event_id"):
        write_report(actor, "requisition", tmp_path / "r.pdf")
    with pytest.raises(InputError, match="colour"):
        write_report(actor, "stock", tmp_path / "s.pdf", colour="red")


def test_suffix_is_case_insensitive_and_the_path_is_returned(demo, actor, tmp_path: Path):
    out = write_report(actor, "stock", str(tmp_path / "S.PDF"))
    assert out == tmp_path / "S.PDF" and out.read_bytes().startswith(b"%PDF")


def test_a_failed_report_leaves_no_file(demo, actor, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(NotFound):
        write_report(actor, "requisition", out / "r.pdf", event_id="no-such-event")
    assert list(out.iterdir()) == []


def test_existing_file_is_replaced_whole(demo, actor, tmp_path: Path):
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old")
    write_report(actor, "requisition", target, event_id=demo["event"])
    assert target.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".orderbook-")] == []


def test_missing_folder_is_an_app_error(demo, actor, tmp_path: Path):
    with pytest.raises(AppError, match="nope"):
        write_report(actor, "stock", tmp_path / "nope" / "s.pdf")
