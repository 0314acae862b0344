"""Background workers: the outcome always arrives, and a worker can never be collected early."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from PySide6.QtCore import Qt

from ui.common.worker import Worker, running_workers

DROPPED_WORKER = textwrap.dedent("""
    import gc, sys, threading
    from PySide6.QtCore import QCoreApplication, QTimer, Qt
    from ui.common.worker import Worker, running_workers
    from app.services.core import session
    session.open_session(sys.argv[1])
    app = QCoreApplication([])
    release = threading.Event()
    seen = []
    def work():
        release.wait(10)
        return 42
    worker = Worker(work, (), {})
    worker.done.connect(lambda ok, value: seen.append((ok, value)),
                        Qt.ConnectionType.QueuedConnection)
    worker.start()
    del worker          # only a closure cycle and the registry keep it now
    gc.collect()        # a collected QThread here used to abort the program
    release.set()
    timer = QTimer()
    timer.timeout.connect(lambda: app.quit() if seen and not running_workers() else None)
    timer.start(10)
    QTimer.singleShot(10000, app.quit)
    app.exec()
    print("seen", seen, "running", running_workers())
""")


def test_a_worker_dropped_while_running_is_not_destroyed_and_still_reports(tmp_path):
    """A garbage collection while the work runs must not destroy the worker (used to abort)."""
    proc = subprocess.run([sys.executable, "-c", DROPPED_WORKER, str(tmp_path / "w.sqlite3")],
                          capture_output=True, text=True,
                          timeout=60, env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    assert "seen [(True, 42)] running 0" in proc.stdout


def test_a_failure_reaches_the_gui_thread_as_the_exception(qtbot, db):
    def fail():
        raise ValueError("bad input")

    outcomes: list[tuple[bool, object]] = []
    worker = Worker(fail, (), {})
    worker.done.connect(lambda ok, payload: outcomes.append((ok, payload)),
                        Qt.ConnectionType.QueuedConnection)
    worker.start()
    qtbot.waitUntil(lambda: bool(outcomes) and running_workers() == 0, timeout=10_000)
    ok, payload = outcomes[0]
    assert not ok and isinstance(payload, ValueError) and str(payload) == "bad input"
    assert not worker.is_running()
