"""UI preferences of this PC (QSettings behind one typed wrapper).

Business settings (organization, policy values) live in the database: app.services.settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings

from app.i18n import DEFAULT_LANGUAGE, LANGUAGES

ORGANIZATION = "OrderBookDesk"
APPLICATION = "OrderBookDesk"


@dataclass(frozen=True)
class LabelPrefs:
    """The last label layout chosen (R2.4 labels)."""

    mode: str = "a4"
    """'a4' for a sheet of labels, 'single' for one 60×40 mm label per page."""
    columns: int = 3
    rows: int = 8
    first_position: int = 1


class UiSettings:
    """Typed access to this PC's UI preferences."""

    def __init__(self, ini_path: str | None = None) -> None:
        if ini_path:
            self._q = QSettings(ini_path, QSettings.Format.IniFormat)
        else:
            self._q = QSettings(ORGANIZATION, APPLICATION)

    def _str(self, key: str, default: str) -> str:
        value = self._q.value(key, default)
        return str(value) if value is not None else default

    def _int(self, key: str, default: int) -> int:
        try:
            return int(self._q.value(key, default))
        except (TypeError, ValueError):
            return default

    @property
    def language(self) -> str:
        """'zh_CN' or 'en'."""
        value = self._str("ui/language", DEFAULT_LANGUAGE)
        return value if value in LANGUAGES else DEFAULT_LANGUAGE

    @language.setter
    def language(self, value: str) -> None:
        self._q.setValue("ui/language", value if value in LANGUAGES else DEFAULT_LANGUAGE)

    @property
    def has_language(self) -> bool:
        """True once the user chose a language."""
        return self._q.contains("ui/language")

    @property
    def geometry(self) -> QByteArray:
        """Saved main-window geometry (empty if none)."""
        value = self._q.value("ui/geometry")
        return value if isinstance(value, QByteArray) else QByteArray()

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._q.setValue("ui/geometry", value)

    @property
    def last_folder(self) -> str:
        """Folder of the last file opened or saved."""
        return self._str("ui/last_folder", "")

    @last_folder.setter
    def last_folder(self, value: str) -> None:
        self._q.setValue("ui/last_folder", value)

    @property
    def last_user(self) -> str:
        """User name of the last login on this PC (prefilled in the login dialog)."""
        return self._str("login/last_user", "")

    @last_user.setter
    def last_user(self, value: str) -> None:
        self._q.setValue("login/last_user", value)

    @property
    def printer_name(self) -> str:
        """The printer used last (empty: system default)."""
        return self._str("print/printer", "")

    @printer_name.setter
    def printer_name(self, value: str) -> None:
        self._q.setValue("print/printer", value)

    @property
    def labels(self) -> LabelPrefs:
        """The last label layout."""
        mode = self._str("labels/mode", "a4")
        return LabelPrefs(mode if mode in ("a4", "single") else "a4",
                          self._int("labels/columns", 3), self._int("labels/rows", 8),
                          self._int("labels/first_position", 1))

    @labels.setter
    def labels(self, value: LabelPrefs) -> None:
        self._q.setValue("labels/mode", value.mode)
        self._q.setValue("labels/columns", value.columns)
        self._q.setValue("labels/rows", value.rows)
        self._q.setValue("labels/first_position", value.first_position)

    def sync(self) -> None:
        """Write to disk now."""
        self._q.sync()
