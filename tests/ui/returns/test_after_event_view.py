"""After-event area on DOMAIN.md's worked example: reconciliation, chase and fines, deposit
close-out, void sealing, archive and the event's stage (R3.2–R3.7)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.money import Money
from app.services.returns import archive, chase, deposits, reconciliation, seals
from app.services.returns import entry as returns
from tests.conftest import add_user
from tests.services import conftest as service_fixtures
from tests.ui.helpers import drive, press_ok, wait_idle
from ui.common.print_preview import PreviewDialog
from ui.returns.after_event_dialogs import ArchiveDialog, CloseOutDialog, SealDialog
from ui.returns.after_event_models import (
    WARN_BACKGROUND,
    BagLineTableModel,
    ChaseTableModel,
    DepositTableModel,
    ReconciliationTableModel,
    SealTableModel,
)
from ui.returns.after_event_panels import ReconciliationWindow
from ui.returns.after_event_view import AfterEventView
from ui.returns.chase_dialogs import (
    AssignChaseDialog,
    RecoverDialog,
    ReverseWriteOffDialog,
    WriteOffDialog,
)

# the worked example's fixtures of the service tests: series → stocked → example → issued
series, stocked = service_fixtures.series, service_fixtures.stocked
example, issued = service_fixtures.example, service_fixtures.issued
enter_example_returns = service_fixtures.enter_example_returns
ANXIN, MARCO = "安信地板", "马可波罗瓷砖"
NO = QMessageBox.StandardButton.No


def _view(qtbot, ctx) -> AfterEventView:
    view = AfterEventView(ctx)
    qtbot.addWidget(view)
    return view


def _table(model) -> list[list[str]]:
    """What the model shows, row by row."""
    return [[model.data(model.index(row, col)) for col in range(model.columnCount())]
            for row in range(model.rowCount())]


def _closed(ex, actor) -> None:
    """The worked example's returns entered and both closed."""
    enter_example_returns(ex, actor)
    returns.close_return(actor, ex.event_id, ex.anxin)
    returns.close_return(actor, ex.event_id, ex.marco)


def _choose_slips(view: AfterEventView, *numbers: str) -> None:
    """Select exactly these rows of the chase list."""
    table = view.chase.table
    selection = table.view.selectionModel()
    selection.clearSelection()
    for row in range(table.proxy.rowCount()):
        index = table.proxy.index(row, 0)
        if table.model.record(table.proxy.mapToSource(index).row()).number in numbers:
            selection.select(index, selection.SelectionFlag.Select
                             | selection.SelectionFlag.Rows)
    assert sorted(i.number for i in view.chase.selected_items()) == sorted(numbers)


def test_reconciliation_table_shows_the_worked_example_with_its_total(qtbot, ctx, actor,
                                                                      issued):
    """R3.2: 安信 150 = 97 + 45 + 5 + 3, 马可波罗 50 = 22 + 27 + 1, total 200; it adds up."""
    enter_example_returns(issued, actor)
    view = _view(qtbot, ctx)
    assert view.event_id() == issued.event_id
    rows = _table(view.reconciliation.table.model)
    assert [r[:9] for r in rows] == [
        [ANXIN, "王芳", "150", "97", "45", "5", "3", "0", "0"],
        [MARCO, "王芳", "50", "22", "27", "1", "0", "0", "0"],
        ["Total", "", "200", "119", "72", "6", "3", "0", "0"]]
    assert [r[9] for r in rows] == ["Being checked", "Being checked", ""]
    model = view.reconciliation.table.model
    assert model.data(model.index(2, 0), Qt.ItemDataRole.FontRole).bold()
    assert "Issued 200 = used 119 + unused 72 + void 6 + missing 3" in \
        view.reconciliation.summary.text()
    assert "(adds up)" in view.reconciliation.summary.text()


def test_reconciliation_follows_every_saved_change_live(qtbot, ctx, actor, issued):
    """R3.2 live: a return entered anywhere (here through ctx.ops) shows at once, in the tab
    and in the separate reconciliation window."""
    view = _view(qtbot, ctx)
    window = ReconciliationWindow(view, ctx, view.chase.event_info)
    qtbot.addWidget(window)
    assert _table(view.reconciliation.table.model)[0][3] == "0"
    ctx.ops.run(view, returns.mark_slips, issued.event_id, issued.anxin, "BJ0000001-0000010",
                "used")
    assert _table(view.reconciliation.table.model)[0][3] == "10"
    assert _table(window.panel.table.model)[0][3] == "10"
    assert _table(window.panel.table.model)[0][8] == "140"  # not entered


def test_event_stage_and_blockers_in_words(qtbot, ctx, actor, issued):
    """The stage row names where the event stands; the blockers say what is left, in words."""
    view = _view(qtbot, ctx)
    assert "Checked out" in view.status.stages.text()
    enter_example_returns(issued, actor)
    ctx.bridge.data_changed.emit()
    text = view.status.blockers.text()
    assert view.status.status.state == "returning"
    assert "Returns not closed: 安信地板, 马可波罗瓷砖." in text
    assert "3 slips missing (on the chase list)." in text


def test_chase_assign_recover_and_overdue_highlight(qtbot, ctx, actor, issued, monkeypatch,
                                                    messages):
    """R3.3: the chase list names manager and due date; overdue rows are marked; a recovered
    slip counts as used."""
    _closed(issued, actor)
    view = _view(qtbot, ctx)
    view.tabs.setCurrentWidget(view.chase)
    assert [i.number for i in view.chase.table.model.rows()] == [
        "BJ0000017", "BJ0000088", "BJ0000149"]
    _choose_slips(view, "BJ0000017")
    assert view.chase.recover_button.isEnabled()
    assert not view.chase.notice_button.isEnabled()  # nothing written off: no fine notice
    assert not view.chase.reverse_button.isEnabled()

    def assign(dialog: AssignChaseDialog) -> None:
        assert dialog.chosen() == ["BJ0000017"]
        dialog.manager.setCurrentText("李娜")
        dialog.due.setDate(dt.date.today() - dt.timedelta(days=1))
        press_ok(dialog)

    drive(monkeypatch, AssignChaseDialog, assign)
    view.chase.assign_button.click()
    item = next(i for i in chase.chase_list(actor, issued.event_id) if i.number == "BJ0000017")
    assert (item.manager, item.overdue) == ("李娜", True)
    model = view.chase.table.model
    row = next(r for r, i in enumerate(model.rows()) if i.number == "BJ0000017")
    assert model.data(model.index(row, 4)) == "Missing, overdue"
    brush = model.data(model.index(row, 0), Qt.ItemDataRole.BackgroundRole)
    assert brush.color().name() == WARN_BACKGROUND
    assert "1 overdue" in view.chase.summary.text()
    view.chase.manager_combo.set_current_id("李娜")
    assert [i.number for i in model.rows()] == ["BJ0000017"]
    view.chase.manager_combo.set_current_id("")
    _choose_slips(view, "BJ0000088")

    def recover(dialog: RecoverDialog) -> None:
        dialog.state.setCurrentIndex(dialog.state.findData("used"))
        press_ok(dialog)

    drive(monkeypatch, RecoverDialog, recover)
    view.chase.recover_button.click()
    assert [i.number for i in model.rows()] == ["BJ0000017", "BJ0000149"]
    assert _table(view.reconciliation.table.model)[0][3:7] == ["98", "45", "5", "2"]


def test_write_off_shows_the_fine_and_close_out_refunds_400(qtbot, ctx, actor, issued,
                                                           monkeypatch, messages):
    """R3.4–R3.5 worked example: 0000088 recovered, 0000017 and 0000149 written off at ¥100
    each; 安信 gets ¥600 − ¥200 = ¥400 back."""
    _closed(issued, actor)
    chase.recover_slips(actor, issued.event_id, issued.anxin, "BJ0000088", "used")
    messages.answer = NO  # print nothing
    view = _view(qtbot, ctx)
    _choose_slips(view, "BJ0000017", "BJ0000149")
    shown: list[str] = []

    def write_off(dialog: WriteOffDialog) -> None:
        assert dialog.chosen() == ["BJ0000017", "BJ0000149"]
        shown.append(dialog.fine.text())
        press_ok(dialog)  # no reason: refused, stays open
        dialog.reason.setText("商家遗失，无法追回")
        press_ok(dialog)

    drive(monkeypatch, WriteOffDialog, write_off)
    view.chase.write_off_button.click()
    assert shown == ["2 × ¥100.00 = ¥200.00"]
    assert messages.texts[0].startswith("Reason")
    assert "Fines of 安信地板 are now ¥200.00" in messages.texts[-1]
    assert chase.get_fines(actor, issued.event_id, issued.anxin).total == Money(20000)
    assert _table(view.reconciliation.table.model)[0][6:8] == ["0", "2"]
    view.deposits.table.select_where(lambda s: s.brand == ANXIN)
    outcome: list[str] = []

    def close_out(dialog: CloseOutDialog) -> None:
        outcome.append(dialog.outcome.text())
        assert dialog.received_by.text() == "张伟"
        press_ok(dialog)

    drive(monkeypatch, CloseOutDialog, close_out)
    view.deposits.close_button.click()
    assert outcome == ["Refund to the merchant: ¥400.00"]
    status = deposits.get_deposit_status(actor, issued.event_id, issued.anxin)
    assert (status.closed_out, status.refund, status.fines) == (True, Money(40000),
                                                                Money(20000))
    row = next(s for s in view.deposits.table.model.rows() if s.brand == ANXIN)
    assert row.closed_out and view.deposits.table.selected().brand == ANXIN
    assert view.deposits.receipt_button.isEnabled()


def test_reversing_a_write_off_makes_the_slip_missing_again(qtbot, ctx, actor, issued,
                                                            monkeypatch, messages):
    """A write-off made by mistake is reversed with a reason; its fine goes back."""
    _closed(issued, actor)
    chase.write_off(actor, issued.event_id, issued.anxin, "BJ0000149", "遗失")
    view = _view(qtbot, ctx)
    view.chase.written_off_box.setChecked(True)
    _choose_slips(view, "BJ0000149")
    texts: list[str] = []

    def reverse(dialog: ReverseWriteOffDialog) -> None:
        texts.append(dialog.after.text())
        dialog.reason.setText("误核销")
        press_ok(dialog)

    drive(monkeypatch, ReverseWriteOffDialog, reverse)
    view.chase.reverse_button.click()
    assert texts == ["¥100.00 now, ¥0.00 afterwards"]
    assert chase.get_fines(actor, issued.event_id, issued.anxin).total == Money(0)
    assert len(chase.chase_list(actor, issued.event_id)) == 3


def test_slips_of_two_merchants_are_not_handled_together(qtbot, ctx, actor, issued,
                                                         monkeypatch, messages):
    """Each chase action is one merchant's (its fines, its deposit): a mixed choice is refused
    before any dialog opens."""
    returns.mark_slips(actor, issued.event_id, issued.marco, "BJ0000160", "missing")
    _closed(issued, actor)
    view = _view(qtbot, ctx)
    opened = drive(monkeypatch, RecoverDialog, press_ok)
    _choose_slips(view, "BJ0000017", "BJ0000160")
    view.chase.recover_button.click()
    assert opened == []
    assert messages.texts == ["The chosen slips belong to several merchants; choose slips of "
                              "one merchant."]
    assert len(chase.chase_list(actor, issued.event_id)) == 4


def test_close_out_is_refused_in_words_while_slips_are_missing(qtbot, ctx, actor, issued,
                                                               monkeypatch, messages):
    """R3.5: the deposit is held while a slip is missing; no dialog opens."""
    _closed(issued, actor)
    view = _view(qtbot, ctx)
    view.deposits.table.select_where(lambda s: s.brand == ANXIN)
    assert view.deposits.table.model.data(view.deposits.table.model.index(0, 3)) == ""
    opened = drive(monkeypatch, CloseOutDialog, press_ok)
    view.deposits.close_button.click()
    assert opened == []
    assert messages.texts == ["The deposit of 安信地板 cannot be closed out yet: 3 slips still "
                              "missing."]


def test_sealing_then_archive_refused_with_blockers_then_done(qtbot, ctx, actor, issued,
                                                              monkeypatch, messages):
    """R3.6–R3.7: archiving is refused, naming what is left, until every void is sealed; then
    the event is archived and its stage says so."""
    ex = issued
    _closed(ex, actor)
    chase.recover_slips(actor, ex.event_id, ex.anxin, "BJ0000088", "used")
    chase.write_off(actor, ex.event_id, ex.anxin, "17, 149", "商家遗失")
    deposits.close_out_deposit(actor, ex.event_id, ex.anxin, "cash", "张伟")
    deposits.close_out_deposit(actor, ex.event_id, ex.marco, "cash", "李明")
    messages.answer = NO
    view = _view(qtbot, ctx)
    assert view.seals.unsealed.count() == 6
    opened = drive(monkeypatch, ArchiveDialog, press_ok)
    view.archive.archive_button.click()
    assert opened == []
    assert messages.texts[-1] == ("Event 2026-SH-01 cannot be archived yet:\n"
                                  "• 6 void slips not sealed.")

    def seal(dialog: SealDialog) -> None:
        dialog.seal_no.setText("F-2026-001")
        messages.answer = QMessageBox.StandardButton.Yes  # "Seal 6 void slips …?"
        press_ok(dialog)
        messages.answer = NO  # no label printed

    drive(monkeypatch, SealDialog, seal)
    view.seals.seal_button.click()
    [info] = seals.list_seals(actor, ex.event_id)
    assert (info.seal_no, info.count) == ("F-2026-001", 6)
    assert view.seals.unsealed.count() == 0 and not view.seals.seal_button.isEnabled()
    assert _table(view.seals.table.model)[0][:2] == ["F-2026-001", "6"]
    assert "Nothing blocks the next step" in view.status.blockers.text()
    view.archive.archive_button.click()
    assert len(opened) == 1
    assert archive.event_status(actor, ex.event_id).state == "archived"
    assert view.status.status.state == "archived"
    assert not view.archive.archive_button.isEnabled()
    assert _table(view.archive.table.model) == [[ANXIN, "150", "BJ0000001–0000150"],
                                                [MARCO, "50", "BJ0000151–0000200"]]


def test_roles_see_only_what_they_may_do(qtbot, ctx, actor, issued):
    """Finance only looks; a category manager chases and recovers but does not write off."""
    view = _view(qtbot, ctx)
    view.show()
    ctx.switch_actor(add_user("zhang.finance", "finance"))
    ctx.bridge.data_changed.emit()
    hidden = [view.chase.assign_button, view.chase.recover_button, view.chase.write_off_button,
              view.chase.reverse_button, view.deposits.close_button, view.seals.seal_button,
              view.archive.archive_button]
    assert all(b.isHidden() for b in hidden)
    assert not view.reconciliation.print_button.isHidden()
    ctx.switch_actor(add_user("wang.manager", "manager"))
    ctx.bridge.data_changed.emit()
    assert not view.chase.assign_button.isHidden() and not view.chase.recover_button.isHidden()
    assert view.chase.write_off_button.isHidden() and view.deposits.close_button.isHidden()


MODELS = [ReconciliationTableModel, ChaseTableModel, DepositTableModel, SealTableModel,
          BagLineTableModel]


@pytest.mark.parametrize("model_cls", MODELS, ids=[m.__name__ for m in MODELS])
def test_after_event_models_pass_the_model_tester(qtbot, qtmodeltester, ctx, actor, issued,
                                                  model_cls):
    ex = issued
    _closed(ex, actor)
    chase.assign_chase(actor, ex.event_id, ex.anxin, "BJ0000017", "李娜", "2020-01-01")
    chase.write_off(actor, ex.event_id, ex.anxin, "BJ0000149", "遗失")
    seals.seal_voids(actor, ex.event_id, "F-1", "BJ0000010-0000012")
    view = _view(qtbot, ctx)
    view.chase.written_off_box.setChecked(True)
    model = {ReconciliationTableModel: view.reconciliation.table.model,
             ChaseTableModel: view.chase.table.model,
             DepositTableModel: view.deposits.table.model,
             SealTableModel: view.seals.table.model,
             BagLineTableModel: view.archive.table.model}[model_cls]
    assert model.rowCount() >= 1
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    assert set(model.headers) == set(model_cls.Columns)
    empty = model_cls()
    qtmodeltester.check(empty, force_py=True)


def test_reconciliation_counts_match_the_service(qtbot, ctx, actor, issued):
    """The table shows exactly the service's numbers, merchant by merchant (R3.2)."""
    enter_example_returns(issued, actor)
    view = _view(qtbot, ctx)
    recon = reconciliation.reconciliation(actor, issued.event_id)
    shown = _table(view.reconciliation.table.model)
    for line, row in zip([*recon.lines], shown, strict=False):
        assert [int(x) for x in row[2:9]] == list(line.counts.as_tuple())


def test_keyboard_tabs_and_ticking_slips_with_space(qtbot, ctx, actor, issued):
    """Alt+2 opens the chase tab; in a chase dialog, arrows and Space tick slips and the fine
    follows (R3.4)."""
    _closed(issued, actor)
    view = _view(qtbot, ctx)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    view.event_combo.setFocus()
    qtbot.keyClick(view.event_combo, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert view.tabs.currentWidget() is view.chase
    dialog = WriteOffDialog(view, ANXIN, ["BJ0000017", "BJ0000088", "BJ0000149"], set(),
                            Money(10000), Money(0))
    qtbot.addWidget(dialog)
    assert dialog.fine.text() == "0 × ¥100.00 = ¥0.00"
    qtbot.keyClick(dialog.slips, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.slips, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.slips, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.slips, Qt.Key.Key_Space)
    assert dialog.chosen() == ["BJ0000017", "BJ0000149"]
    assert dialog.fine.text() == "2 × ¥100.00 = ¥200.00"
    assert dialog.numbers() == "BJ0000017, BJ0000149"


def test_every_after_event_paper_opens_in_a_preview(qtbot, ctx, actor, issued, tmp_path):
    """Reconciliation (also saved as .xlsx), chase list, fine notice, deposit refund receipt,
    seal label and archive-bag label each open in the print preview (R3.2–R3.7)."""
    ex = issued
    _closed(ex, actor)
    chase.recover_slips(actor, ex.event_id, ex.anxin, "BJ0000088", "used")
    chase.write_off(actor, ex.event_id, ex.anxin, "17, 149", "商家遗失")
    deposits.close_out_deposit(actor, ex.event_id, ex.anxin, "cash", "张伟")
    seals.seal_voids(actor, ex.event_id, "F-2026-001")
    view = _view(qtbot, ctx)
    view.chase.written_off_box.setChecked(True)
    _choose_slips(view, "BJ0000017")
    view.deposits.table.select_where(lambda s: s.brand == ANXIN)
    for btn in (view.reconciliation.print_button, view.chase.print_button,
                view.chase.notice_button, view.deposits.receipt_button,
                view.seals.label_button, view.archive.label_button):
        assert btn.isEnabled()
        btn.click()
        wait_idle(qtbot, ctx)
    previews = view.findChildren(PreviewDialog)
    assert sorted(p.windowTitle().removeprefix("Preview: ") for p in previews) == sorted(
        ["Order slip reconciliation", "Missing slip chase list", "Fine notice",
         "Deposit refund receipt", "Void slip seal label", "Archive bag label"])
    assert all(p.page_labels for p in previews)
    [recon] = [p for p in previews if p.windowTitle().endswith("reconciliation")]
    target = tmp_path / "reconciliation.xlsx"
    recon._save_xlsx(str(target))
    wait_idle(qtbot, ctx)
    assert target.stat().st_size > 0
