"""Start the desktop app: `orderbook-desk [--db PATH_OR_URL] [--demo] [--lang zh_CN|en]`."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QLibraryInfo, QTranslator
from PySide6.QtWidgets import QApplication

from app import i18n
from app.demo import load_demo
from app.i18n import _
from app.services.admin import users
from app.services.core import session
from app.services.core.session import SessionInfo
from ui.admin.login_dialog import log_in
from ui.common.context import make_context
from ui.common.ops import busy_cursor, show_error
from ui.common.settings import APPLICATION, UiSettings
from ui.main_window import MainWindow
from ui.startup import open_database, warn_if_network

log = logging.getLogger("ui")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="orderbook-desk", description="OrderBook Desk")
    parser.add_argument("--db", metavar="PATH_OR_URL", default=None,
                        help=f"database file or URL (default: {session.default_location()})")
    parser.add_argument("--demo", action="store_true",
                        help="load the demo data set (and its users) if the database has no "
                             "users yet")
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), default=None,
                        help="interface language for this run")
    return parser.parse_args(argv)


def setup_logging() -> Path:
    """Log to a file under the user's log folder (windowed builds have no console)."""
    folder = Path(platformdirs.user_log_dir(APPLICATION, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "orderbook-desk.log"
    logging.basicConfig(filename=path, level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return path


def install_qt_translator(app: QApplication, language: str) -> QTranslator | None:
    """Qt's own buttons (OK, Cancel, Yes…) in the UI language, if Qt ships that catalogue."""
    if language == "en":
        return None
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{language}", folder):
        app.installTranslator(translator)
        return translator
    return None


def load_demo_if_empty(info: SessionInfo) -> str:
    """Load the demo data set into a database without users; the user name to prefill in the
    login ('admin' when it was loaded, else empty).

    Raises:
        AppError: the demo data was refused (reported by the caller).
    """
    if users.has_users():
        return ""
    with busy_cursor():
        load_demo(after_event=True)
    return "admin"


def _excepthook(kind: type[BaseException], exc: BaseException,
                tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    log.error("uncaught exception", exc_info=(kind, exc, tb))
    show_error(QApplication.activeWindow(), exc)


def start(args: argparse.Namespace, app: QApplication) -> MainWindow | None:
    """Set the language, open the database (a damaged one offers its newest good backup), load
    the demo data if asked, log in (or create the first administrator), build the main window
    and start the automatic backups. None when the user quit on the way."""
    ui_settings = UiSettings()
    language = args.lang or ui_settings.language
    i18n.set_language(language)
    install_qt_translator(app, language)
    info = open_database(None, args.db, _("Quit"))
    if info is None:
        return None
    warn_if_network(None)
    prefill = ""
    try:
        if args.demo:
            prefill = load_demo_if_empty(info)
    except Exception as exc:  # logged and reported; the app does not start half-way
        show_error(None, exc)
        return None
    actor = log_in(None, ui_settings, prefill, info.label)
    if actor is None:
        return None
    window = MainWindow(make_context(ui_settings, actor), info)
    window.show()
    window.safety.start_backups()
    return window


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `orderbook-desk` gui-script."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup_logging()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APPLICATION)
    sys.excepthook = _excepthook
    window = start(args, app)  # type: ignore[arg-type]
    if window is None:
        return 1
    try:
        return app.exec()
    finally:
        session.close_session()


if __name__ == "__main__":
    sys.exit(main())
