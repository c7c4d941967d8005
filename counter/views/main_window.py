"""The counter's main window: the login and workspace screens, and a status bar with the database state, the
signed-in clerk, the window and the time."""

from __future__ import annotations

from counter import theme
from counter.qt import QCloseEvent, QLabel, QMainWindow, QStackedWidget, QWidget, Signal
from counter.views.login import LoginView
from counter.views.widgets import make_label, set_state
from counter.views.workspace import WorkspaceView

DEFAULT_SIZE = (1280, 800)


class CounterWindow(QMainWindow):
    closeRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("政务服务中心 窗口工作台")
        self.allow_close = False
        self.stack = QStackedWidget()
        self.stack.setObjectName("CounterRoot")
        self.setCentralWidget(self.stack)
        self.login = LoginView()
        self.workspace = WorkspaceView()
        self.stack.addWidget(self.login)
        self.stack.addWidget(self.workspace)

        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.db_label: QLabel = make_label("数据库：连接中…", "db", name="db_state")
        self.db_label.setProperty("level", "ok")
        self.clerk_label: QLabel = make_label("未登录", name="status_clerk")
        self.window_label: QLabel = make_label("", name="status_window")
        self.clock_label: QLabel = make_label("", name="status_clock")
        bar.addWidget(self.db_label, 1)
        bar.addPermanentWidget(self.clerk_label)
        bar.addPermanentWidget(self.window_label)
        bar.addPermanentWidget(self.clock_label)
        theme.apply_desktop(self)
        self.resize(*DEFAULT_SIZE)

    def show_login(self) -> None:
        self.stack.setCurrentWidget(self.login)

    def show_workspace(self) -> None:
        self.stack.setCurrentWidget(self.workspace)

    def set_db_state(self, ok: bool, text: str) -> None:
        set_state(self.db_label, "level", "ok" if ok else "error")
        self.db_label.setText(text)

    def set_identity(self, clerk: str, window: str) -> None:
        self.clerk_label.setText(clerk or "未登录")
        self.window_label.setText(window)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.allow_close:
            event.accept()
            return
        event.ignore()
        self.closeRequested.emit()
