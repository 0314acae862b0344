"""Child process of the crash harness: ``python -m tests.crash.child OPERATION DB_URL KILL_AT``.

Runs one registered operation on DB_URL. Every statement executed inside a transaction and every
COMMIT is a step; at step KILL_AT (0 = never) it reports ``mid`` and waits, transaction open, for
the parent's SIGKILL. The protocol (see harness.py) goes to the original stdout; anything the
operation prints goes to stderr.
"""

from __future__ import annotations

import os
import sys
import time

SPILL_CACHE_KIB = 256


def main(argv: list[str]) -> int:
    name, url, kill_at = argv[1], argv[2], int(argv[3])
    proto = os.dup(1)
    os.dup2(2, 1)

    def say(text: str) -> None:
        os.write(proto, (text + "\n").encode())  # unbuffered: in the pipe before the next step

    import peewee

    from app.db import connection
    from tests.crash import harness

    op = harness.load()[name]
    steps = 0
    commit_steps: list[int] = []
    execute_sql = peewee.Database.execute_sql
    commit = peewee.Database.commit

    def step(is_commit: bool) -> None:
        nonlocal steps
        steps += 1
        if is_commit:
            commit_steps.append(steps)
        if steps == kill_at:
            say(f"mid {steps} {int(is_commit)}")
            while True:  # hold the transaction open until SIGKILL
                time.sleep(60)

    def counting_execute_sql(self, sql, params=None):  # noqa: ANN001, ANN202 - peewee's
        cursor = execute_sql(self, sql, params)
        if self.in_transaction():
            step(False)
        return cursor

    def counting_commit(self):  # noqa: ANN001, ANN202 - peewee's signature
        step(True)  # a pause here is right before COMMIT
        say("committing")
        result = commit(self)
        say("committed")
        return result

    db = connection.open_database(url, create=False)
    if isinstance(db, peewee.SqliteDatabase):
        # A small page cache makes a large transaction spill uncommitted pages into the WAL
        # before its COMMIT, so a kill leaves frames the next opener must ignore.
        db.execute_sql(f"PRAGMA cache_size = -{SPILL_CACHE_KIB}")
    peewee.Database.execute_sql = counting_execute_sql
    peewee.Database.commit = counting_commit
    say("start")
    started = time.perf_counter()
    op.run(url)
    seconds = time.perf_counter() - started
    say(f"done {steps} {seconds:.3f} {','.join(map(str, commit_steps))}")
    connection.close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
