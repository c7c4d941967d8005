"""The counter's main window: the login and workspace screens, and a status bar with the database state, the
signed-in clerk, the window and the time."""

from __future__ import annotations

from counter import theme
from counter.qt import (
    QCloseEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMainWindow,
    QPushButton,
    QShortcut,
    QStackedWidget,
    Qt,
    QTabWidget,
    QWidget,
    Signal,
)
from counter.views.cases import CaseDeskView, InboxView
from counter.views.complaints import ComplaintsView
from counter.views.login import LoginView
from counter.views.supervision import SupervisionView
from counter.views.widgets import make_label, set_state
from counter.views.workspace import WorkspaceView

DEFAULT_SIZE = (1280, 800)


TABS = ("workspace", "cases", "inbox", "supervision", "complaints")
TAB_TITLES = ("叫号办理  Ctrl+1", "办件  Ctrl+2", "审批待办  Ctrl+3", "督办报表  Ctrl+4", "投诉处理  Ctrl+5")


class CounterWindow(QMainWindow):
    closeRequested = Signal()
    deskSignOutRequested = Signal()  # back-office mode (no window session): 退出登录
    tabShown = Signal(str)  # the tab now in front (its name in TABS)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("政务服务中心 窗口工作台")
        self.allow_close = False
        self.stack = QStackedWidget()
        self.stack.setObjectName("CounterRoot")
        self.setCentralWidget(self.stack)
        self.login = LoginView()
        self.workspace = WorkspaceView()
        self.cases = CaseDeskView()
        self.inbox = InboxView()
        self.supervision = SupervisionView()
        self.complaints = ComplaintsView()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("main_tabs")
        self.tabs.setDocumentMode(True)
        for widget, title in zip((self.workspace, self.cases, self.inbox, self.supervision, self.complaints),
                                 TAB_TITLES):
            self.tabs.addTab(widget, title)
        self.tabs.currentChanged.connect(lambda i: self.tabShown.emit(TABS[i]) if 0 <= i < len(TABS) else None)
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.desk_sign_out = QPushButton("退出登录")
        self.desk_sign_out.setObjectName("desk_sign_out")
        self.desk_sign_out.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.desk_sign_out.setFixedHeight(34)
        self.desk_sign_out.clicked.connect(self.deskSignOutRequested)
        corner = QWidget()
        corner_lay = QHBoxLayout(corner)
        corner_lay.setContentsMargins(0, 2, 12, 2)
        corner_lay.addWidget(self.desk_sign_out)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        self.desk_sign_out.hide()
        self.stack.addWidget(self.login)
        self.stack.addWidget(self.tabs)
        self.tab_shortcuts = []
        for i, name in enumerate(TABS):
            sc = QShortcut(QKeySequence(f"Ctrl+{i + 1}"), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(lambda n=name: self.show_tab(n))
            self.tab_shortcuts.append(sc)

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

    def show_workspace(self, inbox: bool = False, supervision: bool = False) -> None:
        """A clerk signed in at a window: 叫号办理 and 办件 (and 审批待办 for a chief rep, 督办报表 and 投诉处理 for a
        manager)."""
        self.tabs.setTabVisible(0, True)
        self.tabs.setTabVisible(2, inbox)
        self.tabs.setTabVisible(3, supervision)
        self.tabs.setTabVisible(4, supervision)  # the same roles follow up complaints
        self.desk_sign_out.hide()
        self.tabs.setCurrentIndex(0)
        self.stack.setCurrentWidget(self.tabs)

    def show_desk(self, inbox: bool = True, supervision: bool = False) -> None:
        """Back office (no window session): 办件, 审批待办 and/or 督办报表 + 投诉处理, with 退出登录."""
        self.tabs.setTabVisible(0, False)
        self.tabs.setTabVisible(2, inbox)
        self.tabs.setTabVisible(3, supervision)
        self.tabs.setTabVisible(4, supervision)
        self.desk_sign_out.show()
        self.tabs.setCurrentIndex(2 if inbox else 3 if supervision else 1)
        self.stack.setCurrentWidget(self.tabs)

    def show_tab(self, name: str) -> None:
        index = TABS.index(name)
        if self.stack.currentWidget() is self.tabs and self.tabs.isTabVisible(index):
            self.tabs.setCurrentIndex(index)

    def current_tab(self) -> str:
        return TABS[self.tabs.currentIndex()]

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
