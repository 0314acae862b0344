"""The `orderbook` command line, run in-process on a real database file."""

from __future__ import annotations

import pytest

from app import i18n
from app.cli import main
from app.db import migrations

PASSWORD = "cli-password"


@pytest.fixture(autouse=True)
def password(monkeypatch):
    """Scheduled tasks give the password in ORDERBOOK_PASSWORD."""
    monkeypatch.setenv("ORDERBOOK_PASSWORD", PASSWORD)


@pytest.fixture
def dbfile(tmp_path, capsys):
    path = str(tmp_path / "cli.sqlite3")
    assert main(["--lang", "en", "--db", path, "db", "init", "--admin", "boss"]) == 0
    capsys.readouterr()
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", "--user", "boss", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_a_versioned_database_and_its_first_admin(capsys, tmp_path):
    path = str(tmp_path / "new.sqlite3")
    code, out, _ = run(capsys, "--db", path, "db", "init", "--admin", "boss")
    assert code == 0
    assert f"schema {migrations.CURRENT_VERSION}" in out and "boss" in out
    assert run(capsys, "--db", path, "series", "list")[0] == 0


def test_wrong_password_is_refused(capsys, dbfile, monkeypatch):
    monkeypatch.setenv("ORDERBOOK_PASSWORD", "not-the-password")
    code, _, err = run(capsys, "--db", dbfile, "series", "list")
    assert code == 2 and "Wrong user name or password" in err


def test_demo_loads_the_worked_example_once(capsys, tmp_path, monkeypatch):
    dbfile = str(tmp_path / "demo.sqlite3")
    assert run(capsys, "--db", dbfile, "db", "demo")[0] == 0
    monkeypatch.setenv("ORDERBOOK_PASSWORD", "orderbook")
    code, out, _ = run(capsys, "--db", dbfile, "--user", "clerk", "stock", "report")
    assert "BJ0000001–BJ0000150" in out and "安信地板" in out
    assert "BJ0000151–BJ0000200" in out and "马可波罗瓷砖" in out
    code, _, err = run(capsys, "--db", dbfile, "db", "demo")
    assert code == 2 and "in use already" in err


def test_register_next_books_and_refused_overlap_exit_2(capsys, dbfile):
    """R1.1, R1.2 through the command line."""
    run(capsys, "--db", dbfile, "series", "create", "BJ")
    code, out, _ = run(capsys, "--db", dbfile, "stock", "register", "BJ", "--books", "4")
    assert code == 0 and "BJ0000001–BJ0000200" in out
    code, _, err = run(capsys, "--db", dbfile, "stock", "register", "BJ", "--range", "151-250")
    assert code == 2
    assert "BJ0000151–0000200" in err and "already registered" in err


def test_gap_needs_reason_on_the_command_line(capsys, dbfile):
    """R1.3: a gap is refused without a reason and listed with it."""
    run(capsys, "--db", dbfile, "series", "create", "BJ")
    run(capsys, "--db", dbfile, "stock", "register", "BJ", "--books", "1")
    code, _, err = run(capsys, "--db", dbfile, "stock", "register", "BJ", "--range", "101-150")
    assert code == 2 and "BJ0000051–0000100" in err
    code, _, _ = run(capsys, "--db", dbfile, "stock", "register", "BJ", "--range", "101-150",
                     "--gap-reason", "HQ skipped a batch")
    assert code == 0
    _, out, _ = run(capsys, "--db", dbfile, "stock", "report")
    assert "Gap BJ0000051–BJ0000100 (50 slips): HQ skipped a batch" in out


def test_errors_are_in_chinese_by_default(capsys, dbfile):
    main(["--user", "boss", "--db", dbfile, "series", "create", "BJ"])
    code = main(["--user", "boss", "--db", dbfile, "stock", "register", "BJ"])
    _, err = capsys.readouterr()
    i18n.set_language("en")
    assert code == 2 and "错误" in err


def test_help_lists_the_areas_and_the_old_names(capsys):
    assert main(["--lang", "en", "--help"]) == 0
    out = capsys.readouterr().out
    for area in ("series", "stock", "event", "merchant", "estimate", "plan", "checkout",
                 "return", "chase", "deposit", "seal", "archive", "slip", "user", "audit", "db",
                 "report", "completion"):
        assert f"\n    {area} " in out, area
    assert "Old names kept until the next release: init, demo" in out


def test_old_command_names_still_work_with_a_note(capsys, dbfile):
    """Issue 8: the commands before `orderbook AREA VERB` stay for one release."""
    code, out, err = run(capsys, "--db", dbfile, "series-create", "BJ")
    assert code == 0 and "Series BJ created" in out
    assert "`orderbook series-create` is now `orderbook series create`" in err
    code, out, _ = run(capsys, "--db", dbfile, "register", "BJ", "--books", "1")
    assert code == 0 and "BJ0000001–BJ0000050" in out
    code, out, _ = run(capsys, "--db", dbfile, "stock-report")
    assert code == 0 and "BJ0000001–BJ0000050" in out
    assert run(capsys, "--db", dbfile, "check")[0] == 0


def test_lang_given_with_equals_sign_is_honoured(capsys, dbfile):
    main(["--lang=en", "--user", "boss", "--db", dbfile, "series", "create", "BJ"])
    code = main(["--lang=en", "--user", "boss", "--db", dbfile, "stock", "register", "BJ"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("Error:")


def test_audit_verify_names_the_altered_record(capsys, dbfile):
    """Issue 3: `orderbook audit verify` checks the chain and names the first broken record."""
    import sqlite3

    run(capsys, "--db", dbfile, "series", "create", "BJ")
    run(capsys, "--db", dbfile, "stock", "register", "BJ", "--books", "2")
    code, out, _ = run(capsys, "--db", dbfile, "audit", "verify")
    assert code == 0 and "intact" in out
    con = sqlite3.connect(dbfile)
    con.execute("DROP TRIGGER audit_log_no_update")
    con.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 2")
    con.commit()
    con.close()
    code, out, _ = run(capsys, "--db", dbfile, "audit", "verify")
    assert code == 1 and "Record 2 was changed" in out and "does not verify: 2" in out
