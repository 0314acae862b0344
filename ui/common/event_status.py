"""Where an event stands (planning → … → archived) and, in words, what blocks the next step."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.domain.returns import EVENT_STATE_LABELS, EVENT_STATES
from app.i18n import _
from app.services.returns.archive import EventStatus
from ui.common.table_model import local_time

CURRENT_COLOR = "#1565c0"
OTHER_COLOR = "#9e9e9e"
BLOCKER_COLOR = "#b45309"
DONE_COLOR = "#2e7d32"
ARROW = "  ›  "


def stages_html(state: str) -> str:
    """The five stages in a row, the current one bold and coloured."""
    parts = []
    for stage in EVENT_STATES:
        text = escape(_(EVENT_STATE_LABELS[stage]))
        color = CURRENT_COLOR if stage == state else OTHER_COLOR
        weight = "bold" if stage == state else "normal"
        parts.append(f'<span style="color:{color}; font-weight:{weight}">{text}</span>')
    return _("Stage: {stages}").format(stages=ARROW.join(parts))


def blockers_text(status: EventStatus) -> str:
    """What keeps the event from its next stage, or that nothing does (plain text)."""
    if status.state == "archived":
        at = local_time(status.archived_at) if status.archived_at else ""
        return _("Archived by {user} at {time}; its slips can no longer change.").format(
            user=status.archived_by, time=at)
    if not status.blockers:
        return _("Nothing blocks the next step: the event can be archived.")
    lines = [_("Before the next step:")] + ["• " + b for b in status.blockers]
    return "\n".join(lines)


class EventStatusWidget(QWidget):
    """Two lines above an event's work: its stage, and what blocks the next one."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stages = QLabel(self)
        self.stages.setTextFormat(Qt.TextFormat.RichText)
        self.blockers = QLabel(self)
        self.blockers.setTextFormat(Qt.TextFormat.PlainText)
        self.blockers.setWordWrap(True)
        self.blockers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stages)
        layout.addWidget(self.blockers)
        self.show_status(None)

    def show_status(self, status: EventStatus | None) -> None:
        """Show `status` (None: no event chosen)."""
        self.status = status
        if status is None:
            self.stages.setText(_("No event chosen."))
            self.blockers.clear()
            self.blockers.hide()
            return
        self.stages.setText(stages_html(status.state))
        self.blockers.setText(blockers_text(status))
        color = BLOCKER_COLOR if status.blockers else DONE_COLOR
        self.blockers.setStyleSheet(f"color: {color}")
        self.blockers.show()
