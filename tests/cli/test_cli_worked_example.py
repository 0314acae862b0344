"""The worked example of DOMAIN.md driven through the command line alone (issue 8): an empty
database to an archived event, every figure checked from the commands' own JSON output."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from tests.reports.pdfcheck import page_texts

PASSWORD = "cli-password"
EVENT = "2026-SH-01"
ANXIN, MARCO = "安信地板", "马可波罗瓷砖"


@pytest.fixture
def ob(tmp_path, capsys, monkeypatch):
    """Run `orderbook …` in-process as the administrator `boss` on a fresh file."""
    monkeypatch.setenv("ORDERBOOK_DB", str(tmp_path / "shop.sqlite3"))
    monkeypatch.setenv("ORDERBOOK_USER", "boss")
    monkeypatch.setenv("ORDERBOOK_PASSWORD", PASSWORD)
    monkeypatch.setenv("ORDERBOOK_LANG", "en")

    def run(*argv: str, expect: int = 0) -> str:
        code = main(list(argv))
        out, err = capsys.readouterr()
        assert code == expect, f"orderbook {' '.join(argv)} → {code}\n{out}\n{err}"
        return out

    run("db", "init", "--admin", "boss")
    return run


def data(run, *argv: str):
    """A read command's --json output."""
    return json.loads(run(*argv, "--json"))


def by_brand(rows: list[dict]) -> dict[str, dict]:
    return {row["brand"]: row for row in rows}


def test_worked_example_from_an_empty_database_to_the_archive(ob, tmp_path):
    """R1–R3 through `orderbook` only: stock, event, checkout (deposits ¥600/¥200), return
    (97/45/5/3 and 22/27/1/0), chase (0000088 recovered), write-off (fines ¥200), deposit
    close-outs (refunds ¥400 and ¥200), seal, archive (label ranges)."""
    ob("series", "create", "BJ", "--digits", "7", "--book-size", "50")
    ob("stock", "register", "BJ", "--books", "20")
    assert data(ob, "series", "list")[0]["last_number"] == 1000
    ob("event", "create", EVENT, "--name", "2026上海家博会（春季）", "--kind", "装大",
       "--start", "2026-03-14", "--end", "2026-03-15", "--venue", "上海新国际博览中心",
       "--manager", "王芳", "--manager", "李娜")
    for brand, category, contact in ((ANXIN, "地板", "张伟"), (MARCO, "瓷砖", "李明")):
        ob("merchant", "add", brand, "--category", category, "--manager", "王芳",
           "--contact", contact, "--commission", "3")
    ob("estimate", "set", "--event", EVENT, "--merchant", ANXIN, "120")
    ob("estimate", "set", "--event", EVENT, "--merchant", MARCO, "40")

    plan = by_brand(data(ob, "plan", "apply", "--event", EVENT))
    assert plan[ANXIN]["planned_books"] == 3 and plan[MARCO]["planned_books"] == 1
    assert plan[ANXIN]["planned_ranges"] == "BJ0000001–0000150"
    assert plan[MARCO]["planned_ranges"] == "BJ0000151–0000200"

    ob("checkout", "issue", "--event", EVENT, "--merchant", ANXIN, "--signed-by", "张伟",
       "--payment", "cash")
    ob("checkout", "issue", "--event", EVENT, "--merchant", MARCO, "--signed-by", "李明",
       "--payment", "cash")
    checkouts = by_brand(data(ob, "checkout", "list", "--event", EVENT))
    assert checkouts[ANXIN]["deposit"] == "600.00" and checkouts[MARCO]["deposit"] == "200.00"
    receipt = tmp_path / "receipt.pdf"
    ob("report", "deposit_receipt", str(receipt), "--checkout", checkouts[ANXIN]["id"])
    assert "人民币陆佰元整" in "".join(page_texts(receipt)).replace(" ", "")

    # the return, typed as a clerk types it: without --merchant, the first number tells
    ob("return", "enter", "--event", EVENT, "--state", "missing", "BJ0000017, 0000088, 0000149")
    ob("return", "enter", "--event", EVENT, "--merchant", ANXIN, "--state", "void",
       "10-12", "60", "99")
    ob("return", "enter", "--event", EVENT, "--state", "unused", "BJ0000101-0000145")
    for book in ("BJ0000001-0000050", "BJ0000051-0000100", "BJ0000101-0000150"):
        ob("return", "remaining", "--event", EVENT, "--book", book, "--state", "used")
    ob("return", "enter", "--event", EVENT, "--state", "void", "BJ0000173")
    ob("return", "enter", "--event", EVENT, "--merchant", MARCO, "--state", "unused", "174-200")
    ob("return", "remaining", "--event", EVENT, "--book", "BJ0000151", "--state", "used")
    for brand in (ANXIN, MARCO):
        ob("return", "close", "--event", EVENT, "--merchant", brand)

    recon = data(ob, "return", "reconcile", "--event", EVENT)
    lines = {line["brand"]: line["counts"] for line in recon["lines"]}
    a, m = lines[ANXIN], lines[MARCO]
    assert (a["issued"], a["used"], a["unused"], a["void"], a["missing"]) == (150, 97, 45, 5, 3)
    assert (m["issued"], m["used"], m["unused"], m["void"], m["missing"]) == (50, 22, 27, 1, 0)
    chased = [c["number"] for c in data(ob, "chase", "list", "--event", EVENT)]
    assert chased == ["BJ0000017", "BJ0000088", "BJ0000149"]

    ob("chase", "recover", "--event", EVENT, "--state", "used", "BJ0000088")
    fines = data(ob, "chase", "write-off", "--event", EVENT, "--reason", "客户丢失",
                 "BJ0000017, BJ0000149")
    assert fines["total"] == "200.00" and fines["slips"] == ["BJ0000017", "BJ0000149"]

    deposits = by_brand(data(ob, "deposit", "list", "--event", EVENT))
    assert deposits[ANXIN]["refund"] == "400.00" and deposits[MARCO]["refund"] == "200.00"
    for brand, who in ((ANXIN, "张伟"), (MARCO, "李明")):
        ob("deposit", "close-out", "--event", EVENT, "--merchant", brand, "--payment", "cash",
           "--received-by", who)
    done = by_brand(data(ob, "deposit", "list", "--event", EVENT))
    assert done[ANXIN]["closed_out"] and done[ANXIN]["refund"] == "400.00"
    assert done[MARCO]["closed_out"] and done[MARCO]["shortfall"] == "0.00"

    seal = data(ob, "seal", "create", "--event", EVENT, "--seal", "FB-001", "--all")
    assert seal["count"] == 6 and seal["ranges"] == (
        "BJ0000010–0000012, BJ0000060, BJ0000099, BJ0000173")
    status = data(ob, "archive", "run", "--event", EVENT)
    assert status["state"] == "archived" and status["blockers"] == []
    bag = by_brand(data(ob, "archive", "bag", "--event", EVENT)["lines"])
    assert (bag[ANXIN]["slips"], bag[ANXIN]["ranges"]) == (150, "BJ0000001–0000150")
    assert (bag[MARCO]["slips"], bag[MARCO]["ranges"]) == (50, "BJ0000151–0000200")
    label = tmp_path / "bag.pdf"
    ob("archive", "label", "--event", EVENT, str(label))
    assert "BJ0000001–0000150" in "".join(page_texts(label))

    history = data(ob, "slip", "show", "BJ0000088")
    assert history["state"] == "used" and history["brand"] == ANXIN
    said = [line["what"] for line in history["lines"]]
    assert said[0] == "Registered as blank stock in BJ0000001–0001000."
    assert any(s.startswith("Issued to 安信地板 for event 2026-SH-01") for s in said)
    assert "Return check: entered as Missing (typed)." in said
    assert "Recovered as Used." in said and said[-1] == "The event was archived."
    assert data(ob, "audit", "verify")["ok"] is True
