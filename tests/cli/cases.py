"""One valid run of every `orderbook` command, on the stage of the worked example where it
makes sense. A command added without a case here fails `test_every_command_has_a_case`.

Placeholders in an argument: {tmp} the test's folder, {batch} the newest registration batch,
{checkout} and {receipt} 安信地板's checkout, {backup} a fresh backup of the database,
{workbook} a filled-in merchant workbook.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tests.cli.world import ANXIN, EVENT, MARCO

E = ("--event", EVENT)


@dataclass(frozen=True)
class Case:
    """A command, the stage it runs on, its arguments, the exit status it must give."""

    stage: str | None
    """None: no database file yet."""
    argv: tuple[str, ...]
    code: int = 0


CASES: dict[str, Case] = {
    "series create": Case("stocked", ("series", "create", "SH", "--digits", "6")),
    "series list": Case("stocked", ("series", "list")),
    "series show": Case("stocked", ("series", "show", "BJ")),
    "stock register": Case("stocked", ("stock", "register", "BJ", "--books", "2")),
    "stock report": Case("planned", ("stock", "report", "--series", "BJ")),
    "stock batches": Case("stocked", ("stock", "batches", "BJ")),
    "stock void-batch": Case("stocked", ("stock", "void-batch", "{batch}", "--reason", "打错")),
    "book show": Case("returning", ("book", "show", "BJ0000017")),
    "book list": Case("returning", ("book", "list", *E, "--merchant", ANXIN)),
    "event create": Case("stocked", ("event", "create", "2026-BJ-02", "--name", "北京专场",
                                     "--kind", "专场", "--start", "2026-05-01")),
    "event update": Case("planned", ("event", "update", EVENT, "--venue", "国家会展中心",
                                     "--manager", "王芳")),
    "event list": Case("planned", ("event", "list")),
    "event show": Case("planned", ("event", "show", EVENT)),
    "event status": Case("returned", ("event", "status", *E)),
    "merchant add": Case("stocked", ("merchant", "add", "东鹏瓷砖", "--category", "瓷砖",
                                     "--commission", "2.5")),
    "merchant update": Case("planned", ("merchant", "update", ANXIN, "--phone", "13800000001")),
    "merchant list": Case("planned", ("merchant", "list", "--search", "安信")),
    "merchant show": Case("planned", ("merchant", "show", MARCO)),
    "merchant import": Case("planned", ("merchant", "import", "{workbook}")),
    "merchant template": Case("planned", ("merchant", "template", "{tmp}/t.xlsx", *E)),
    "estimate set": Case("planned", ("estimate", "set", *E, "--merchant", ANXIN, "130")),
    "estimate list": Case("planned", ("estimate", "list", *E)),
    "estimate remove": Case("planned", ("estimate", "remove", *E, "--merchant", MARCO)),
    "plan show": Case("planned", ("plan", "show", *E)),
    "plan apply": Case("planned", ("plan", "apply", *E, "--series", "BJ")),
    "plan set": Case("planned", ("plan", "set", *E, "--merchant", MARCO, "2")),
    "plan release": Case("planned", ("plan", "release", *E, "--merchant", MARCO)),
    "checkout issue": Case("planned", ("checkout", "issue", *E, "--merchant", ANXIN,
                                       "--signed-by", "张伟", "--payment", "wechat",
                                       "--signed-at", "2026-03-14 09:30")),
    "checkout extra": Case("returning", ("checkout", "extra", *E, "--merchant", ANXIN,
                                           "--books", "1", "--signed-by", "张伟",
                                           "--payment", "cash")),
    "checkout list": Case("issued", ("checkout", "list", *E)),
    "checkout show": Case("issued", ("checkout", "show", *E, "{receipt}")),
    "checkout reverse": Case("issued", ("checkout", "reverse", "BJ0000151", "--reason", "错发")),
    "return enter": Case("returning", ("return", "enter", *E, "--state", "used",
                                         "BJ0000001-0000009", "13")),
    "return remaining": Case("returning", ("return", "remaining", *E, "--book",
                                             "BJ0000051-0000100", "--state", "used")),
    "return undo": Case("returning", ("return", "undo", *E, "--merchant", MARCO)),
    "return close": Case("returning", ("return", "close", *E, "--merchant", MARCO)),
    "return show": Case("returning", ("return", "show", *E, "--merchant", ANXIN)),
    "return steps": Case("returning", ("return", "steps", *E, "--merchant", ANXIN)),
    "return book": Case("returning", ("return", "book", *E, "BJ0000017")),
    "return reconcile": Case("returned", ("return", "reconcile", *E)),
    "return details": Case("returning", ("return", "details", "BJ0000151", "--customer",
                                           "王先生", "--phone", "13900000000", "--deal",
                                           "18000", "--deposit", "2000")),
    "slip show": Case("archived", ("slip", "show", "BJ0000017")),
    "slip details": Case("returning", ("slip", "details", "BJ0000151")),
    "chase list": Case("returned", ("chase", "list", "--manager", "王芳")),
    "chase assign": Case("returned", ("chase", "assign", *E, "--manager", "李娜", "--due",
                                      "2026-04-01", "BJ0000017", "BJ0000088")),
    "chase recover": Case("returned", ("chase", "recover", *E, "--state", "used", "BJ0000088")),
    "chase write-off": Case("returned", ("chase", "write-off", *E, "--reason", "丢失",
                                         "BJ0000017")),
    "chase reinstate": Case("resolved", ("chase", "reinstate", *E, "--reason", "找到了",
                                         "BJ0000017")),
    "chase fines": Case("resolved", ("chase", "fines", *E, "--merchant", ANXIN)),
    "deposit list": Case("resolved", ("deposit", "list", *E)),
    "deposit show": Case("resolved", ("deposit", "show", *E, "--merchant", ANXIN)),
    "deposit close-out": Case("resolved", ("deposit", "close-out", *E, "--merchant", ANXIN,
                                           "--payment", "cash", "--received-by", "张伟")),
    "deposit reverse": Case("closed_out", ("deposit", "reverse", *E, "--merchant", ANXIN,
                                           "--reason", "金额有误")),
    "seal unsealed": Case("returned", ("seal", "unsealed", *E)),
    "seal create": Case("returned", ("seal", "create", *E, "--seal", "FB-002",
                                     "BJ0000010-0000012")),
    "seal list": Case("sealed", ("seal", "list", *E)),
    "seal show": Case("sealed", ("seal", "show", "FB-001")),
    "seal label": Case("sealed", ("seal", "label", "FB-001", "{tmp}/seal.pdf")),
    "archive status": Case("sealed", ("archive", "status", *E)),
    "archive run": Case("sealed", ("archive", "run", *E, "--note", "归档")),
    "archive bag": Case("archived", ("archive", "bag", *E)),
    "archive label": Case("archived", ("archive", "label", *E, "{tmp}/bag.pdf")),
    "db init": Case(None, ("db", "init", "--admin", "boss")),
    "db demo": Case(None, ("db", "demo")),
    "db backup": Case("stocked", ("db", "backup", "--to", "{tmp}/usb")),
    "db backups": Case("stocked", ("db", "backups")),
    "db restore": Case("stocked", ("db", "restore", "{backup}", "--yes")),
    "db check": Case("stocked", ("db", "check", "--full")),
    "db keep": Case("stocked", ("db", "keep", "20")),
    "user add": Case("stocked", ("user", "add", "finance1", "--role", "finance",
                                 "--display-name", "财务一")),
    "user list": Case("stocked", ("user", "list")),
    "user disable": Case("stocked", ("user", "disable", "clerk1")),
    "user enable": Case("stocked", ("user", "enable", "clerk1")),
    "user unlock": Case("stocked", ("user", "unlock", "clerk1")),
    "user role": Case("stocked", ("user", "role", "clerk1", "manager")),
    "user reset-password": Case("stocked", ("user", "reset-password", "clerk1")),
    "user passwd": Case("stocked", ("user", "passwd")),
    "audit verify": Case("archived", ("audit", "verify")),
    "audit list": Case("archived", ("audit", "list", *E, "--limit", "5")),
    "audit head": Case("stocked", ("audit", "head")),
    "settings show": Case("stocked", ("settings", "show")),
    "settings set": Case("stocked", ("settings", "set", "--organization", "上海家博会组委会",
                                     "--deposit", "250")),
    "report": Case("planned", ("report", "requisition", "{tmp}/plan.xlsx", *E)),
    "completion": Case(None, ("completion", "bash")),
}


def lookup(db: Path, sql: str) -> str:
    """One value from the database file."""
    con = sqlite3.connect(db)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    if row is None:
        raise LookupError(sql)
    return str(row[0])


def fill(argv: tuple[str, ...], db: Path, tmp: Path) -> list[str]:
    """The arguments with their placeholders filled in."""
    out = []
    for arg in argv:
        if "{batch}" in arg:
            arg = arg.replace("{batch}", lookup(db, "SELECT id FROM stock_batch ORDER BY "
                                                    "registered_at DESC LIMIT 1"))
        if "{checkout}" in arg or "{receipt}" in arg:
            sql = ("SELECT c.id, c.receipt_no FROM checkout c JOIN merchant m "
                   "ON c.merchant_id = m.id WHERE m.brand = '" + ANXIN + "'")
            con = sqlite3.connect(db)
            checkout_id, receipt = con.execute(sql).fetchone()
            con.close()
            arg = arg.replace("{checkout}", checkout_id).replace("{receipt}", receipt)
        if "{backup}" in arg:
            from app.db import backup

            arg = str(backup.make_backup(db, "manual", tmp / "saved").path)
        if "{workbook}" in arg:
            arg = str(_workbook(tmp / "merchants.xlsx"))
        out.append(arg.replace("{tmp}", str(tmp)))
    return out


def _workbook(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "商家"
    ws.append(["品牌*", "品类", "佣金比例%"])
    ws.append(["东鹏瓷砖", "瓷砖", "3"])
    est = wb.create_sheet("预估")
    est.append(["活动编号*", "品牌*", "预估单量*"])
    est.append([EVENT, "东鹏瓷砖", 60])
    wb.save(path)
    return path
