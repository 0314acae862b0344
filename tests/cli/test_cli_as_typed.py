"""The command line as people type it (issue 8; findings of the review of the first version):
Chinese dashes and names, options left out, a mistyped database, output redirected on a
Chinese Windows, slips that must not become seal numbers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.cli.conftest import fingerprint
from tests.cli.world import ANXIN, EVENT, PASSWORD, copy_stage

E = ("--event", EVENT)


@pytest.fixture
def returning(stages, tmp_path):
    return copy_stage(stages, "returning", tmp_path / "db.sqlite3")


@pytest.fixture
def returned(stages, tmp_path):
    return copy_stage(stages, "returned", tmp_path / "db.sqlite3")


def test_slip_details_keep_what_is_not_given_and_clear_what_is_given_empty(orderbook,
                                                                          returning):
    """R3.1 details: changing the phone alone keeps the customer, deal and 订金."""
    db = ("--db", str(returning))
    assert orderbook(*db, "return", "details", "BJ0000151", "--customer", "李四", "--phone",
                     "13912345678", "--deal", "18000", "--deposit", "2000").code == 0
    assert orderbook(*db, "return", "details", "BJ0000151", "--phone", "13912345679").code == 0
    slip = json.loads(orderbook(*db, "slip", "details", "BJ0000151", "--json").out)
    assert (slip["customer_name"], slip["customer_phone"], slip["deal"],
            slip["customer_deposit"]) == ("李四", "13912345679", "18000.00", "2000.00")
    assert orderbook(*db, "return", "details", "BJ0000151", "--customer", "").code == 0
    slip = json.loads(orderbook(*db, "slip", "details", "BJ0000151", "--json").out)
    assert slip["customer_name"] == "" and slip["deal"] == "18000.00"


@pytest.mark.parametrize("typed", ["BJ0000001－0000009", "BJ0000001到0000009",
                                   "bj0000001〜0000009", "ＢＪ0000001-0000009"])
def test_the_merchant_is_found_from_a_range_typed_with_chinese_marks(orderbook, returning,
                                                                    typed):
    """R3.1: a range the number parser reads also tells the merchant."""
    done = orderbook("--db", str(returning), "return", "enter", *E, "--state", "used", typed)
    assert done.code == 0, done.err
    assert done.out.startswith(f"{ANXIN}: 9 slips entered as Used.")


def test_a_slip_number_is_never_taken_for_the_seal_number(orderbook, returned):
    """R3.6: sealing cannot be undone, so the seal number is an option, never a guess."""
    before = fingerprint(returned)
    done = orderbook("--db", str(returned), "seal", "create", *E, "BJ0000010", "BJ0000011")
    assert done.code == 2 and "--seal" in done.err
    assert fingerprint(returned) == before
    done = orderbook("--db", str(returned), "seal", "create", *E, "--seal", "FB-1", "BJ0000010")
    assert done.code == 0 and "Seal FB-1: 1 void slips sealed (BJ0000010)" in done.out


def test_options_are_never_abbreviated(orderbook, returned):
    done = orderbook("--db", str(returned), "seal", "create", *E, "--seal", "FB-1", "--a")
    assert done.code == 2 and "unrecognized arguments: --a" in done.err


def test_a_mistyped_database_is_refused_and_not_created(orderbook, tmp_path):
    target = tmp_path / "no such folder" / "typo.sqlite3"
    done = orderbook("--db", str(target), "event", "list")
    assert done.code == 2 and "There is no database at" in done.err
    assert "orderbook db init" in done.err
    assert not target.parent.exists()


@pytest.mark.parametrize(("name", "code"), [("已开", "used"), ("Used", "used"), ("作废", "void")])
def test_states_payments_and_roles_may_be_typed_as_the_screens_name_them(orderbook, returned,
                                                                        name, code):
    done = orderbook("--db", str(returned), "chase", "recover", *E, "--state", name,
                     "BJ0000088")
    assert done.code == 0, done.err
    history = json.loads(orderbook("--db", str(returned), "slip", "show", "BJ0000088",
                                   "--json").out)
    assert history["state"] == code


def test_payment_and_role_names_in_chinese(orderbook, stages, tmp_path):
    db = str(copy_stage(stages, "planned", tmp_path / "db.sqlite3"))
    done = orderbook("--db", db, "checkout", "issue", *E, "--merchant", ANXIN, "--signed-by",
                     "张伟", "--payment", "微信支付")
    assert done.code == 0, done.err
    listed = json.loads(orderbook("--db", db, "checkout", "list", *E, "--json").out)
    assert listed[0]["payment_method"] == "wechat"
    assert orderbook("--db", db, "user", "role", "clerk1", "财务").code == 0
    users = {u["username"]: u["role"] for u in json.loads(
        orderbook("--db", db, "user", "list", "--json").out)}
    assert users["clerk1"] == "finance"


def test_a_label_size_that_is_not_a_number_is_refused_not_a_crash(orderbook, stages, tmp_path):
    db = str(copy_stage(stages, "issued", tmp_path / "db.sqlite3"))
    for size in ("nan", "inf", "1e308", "-5"):
        done = orderbook("--db", db, "report", "labels_single", str(tmp_path / "l.pdf"), *E,
                         "--width-mm", size)
        assert done.code == 2 and "Traceback" not in done.err, done.err


def test_reports_take_a_receipt_number_and_name_missing_options(orderbook, stages, tmp_path):
    db = str(copy_stage(stages, "issued", tmp_path / "db.sqlite3"))
    receipt = json.loads(orderbook("--db", db, "checkout", "list", *E, "--json").out)[0]
    done = orderbook("--db", db, "report", "deposit_receipt", str(tmp_path / "r.pdf"), *E,
                     "--checkout", receipt["receipt_no"])
    assert done.code == 0, done.err
    done = orderbook("--db", db, "report", "fine_notice", str(tmp_path / "f.pdf"))
    assert done.code == 2 and "needs --event --merchant" in done.err


def test_the_last_lang_wins_and_a_locale_name_counts(orderbook, stages, tmp_path, monkeypatch):
    db = str(copy_stage(stages, "planned", tmp_path / "db.sqlite3"))
    assert "Event code" in orderbook("--db", db, "--lang", "zh_CN", "event", "list",
                                     "--lang", "en").out
    monkeypatch.setenv("ORDERBOOK_LANG", "en_US.UTF-8")
    assert "Event code" in orderbook("--db", db, "event", "list").out
    monkeypatch.setenv("ORDERBOOK_LANG", "zh_CN.GBK")
    assert "活动编号" in orderbook("--db", db, "event", "list").out
    assert "Event code" in orderbook("--db", db, "event", "--lang", "en", "list").out


def test_changing_ones_own_password_asks_for_the_current_one_once(orderbook, stages, tmp_path,
                                                                 monkeypatch):
    db = str(copy_stage(stages, "stocked", tmp_path / "db.sqlite3"))
    monkeypatch.setenv("ORDERBOOK_NEW_PASSWORD", "a brand-new passphrase")
    assert orderbook("--db", db, "user", "passwd").code == 0
    assert orderbook("--db", db, "series", "list").code == 2  # the old password is gone
    monkeypatch.setenv("ORDERBOOK_PASSWORD", "a brand-new passphrase")
    assert orderbook("--db", db, "series", "list").code == 0


def test_output_redirected_on_a_chinese_windows_is_utf8(stages, tmp_path):
    """With a GBK console encoding (PYTHONIOENCODING=gbk stands in for a Chinese Windows),
    output going to a file or pipe is still UTF-8: ¥ survives and JSON readers get UTF-8."""
    db = str(copy_stage(stages, "issued", tmp_path / "db.sqlite3"))
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "ORDERBOOK_USER": "boss",
           "ORDERBOOK_PASSWORD": PASSWORD, "ORDERBOOK_LANG": "en"}
    done = subprocess.run([sys.executable, "-m", "app.cli", "--db", db, "deposit", "list", *E],
                          env=env, capture_output=True, timeout=120)
    text = done.stdout.decode("utf-8")
    assert done.returncode == 0 and "¥600.00" in text and ANXIN in text


def test_an_import_ends_with_a_sentence_not_a_record(orderbook, stages, tmp_path):
    """Issue 8: `orderbook merchant import` said ImportSummary(merchants_created=5, …)."""
    from tests.cli.cases import fill

    db = copy_stage(stages, "planned", tmp_path / "db.sqlite3")
    (workbook,) = fill(("{workbook}",), db, tmp_path)
    done = orderbook("--db", str(db), "merchant", "import", workbook)
    assert done.code == 0 and "ImportSummary" not in done.out
    assert done.out.startswith("Merchants added: 1, changed: 0, unchanged: 0.\nEstimates set: 1")
