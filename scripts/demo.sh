#!/usr/bin/env bash
# GovHall 演示大厅 / start the demo hall.
#
#   ./scripts/demo.sh            准备环境，载入演示数据，启动取号机、窗口端、叫号屏
#   ./scripts/demo.sh --reset    删除演示数据库，重新载入演示数据
#
# 演示数据库：${HALL_DEMO_DIR:-~/.local/share/govhall-demo}/hall.db（SQLite，三个程序共用）。
# 没有显示器（DISPLAY / WAYLAND_DISPLAY 都未设置）时，自动启动 Xvfb 虚拟屏幕，并把每个程序的
# 界面截图保存到 演示目录/screenshots/。按 Ctrl+C 结束全部程序。
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_BIN="$REPO_ROOT/.venv/bin"
DEMO_PASSWORD="demo1234"

RESET=0
for arg in "$@"; do
    case "$arg" in
        --reset) RESET=1 ;;
        -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "demo: 未知参数 / unknown option: $arg（可用：--reset）" >&2; exit 2 ;;
    esac
done

say() { printf '[demo] %s\n' "$*"; }

bash "$REPO_ROOT/scripts/bootstrap.sh"

DEMO_DIR="${HALL_DEMO_DIR:-$HOME/.local/share/govhall-demo}"
DB="$DEMO_DIR/hall.db"
LOADED="$DEMO_DIR/.demo-data-loaded"
LOG_DIR="$DEMO_DIR/logs"
SHOT_DIR="$DEMO_DIR/screenshots"
mkdir -p "$DEMO_DIR" "$LOG_DIR"

# The demo keeps to its own directory: no machine.toml or HALL_DB_URL of this PC applies.
export HALL_CONFIG="$DEMO_DIR/machine.toml"
export HALL_DATA_DIR="$DEMO_DIR"
unset HALL_DB_URL

# --- the demo database -------------------------------------------------------------------------
if [ "$RESET" = 1 ] || [ ! -e "$LOADED" ]; then
    rm -f "$DB" "$DB-wal" "$DB-shm" "$LOADED"
fi
if [ -e "$LOADED" ]; then
    say "沿用已有的演示数据库 $DB（重新开始：--reset）"
elif "$VENV_BIN/hall" demo-data --help >/dev/null 2>&1; then
    say "载入演示大厅数据 → $DB"
    "$VENV_BIN/hall" --db "$DB" demo-data
    # Last week's business, through the real services, so the approvers' inbox and `hall report` have numbers.
    say "模拟最近 5 个工作日的业务（取号、叫号、办件、评价）…"
    "$VENV_BIN/hall" --db "$DB" demo-activity --days 5 --scale 0.3
    touch "$LOADED"
else
    say "本版本还没有 'hall demo-data' 命令：演示数据库 $DB 将是空库"
fi

# --- which apps this checkout has --------------------------------------------------------------
# Console scripts are generated for every entry point in pyproject.toml; an app counts as present
# when the module its entry point names exists.
app_present() {
    "$VENV_BIN/python" - "$1" <<'EOF'
import importlib.metadata as md, importlib.util, sys
eps = [ep for ep in md.entry_points(group="console_scripts") if ep.name == sys.argv[1]]
try:
    ok = bool(eps) and importlib.util.find_spec(eps[0].module) is not None
except ImportError:
    ok = False
sys.exit(0 if ok else 1)
EOF
}

# --- a screen ----------------------------------------------------------------------------------
PIDS=()
NAMES=()
XVFB_PID=""
HEADLESS=0

cleanup() {
    trap - INT TERM EXIT
    local pid
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        local alive=0
        for pid in "${PIDS[@]}"; do
            if kill -0 "$pid" 2>/dev/null; then alive=1; fi
        done
        if [ "$alive" = 0 ]; then break; fi
        sleep 0.5
    done
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    if [ -n "$XVFB_PID" ]; then kill -TERM "$XVFB_PID" 2>/dev/null || true; fi
    wait 2>/dev/null || true
}
on_signal() {
    echo
    say "正在结束全部程序…"
    cleanup
    exit 130
}
trap on_signal INT TERM
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    HEADLESS=1
    display_file="$(mktemp)"
    setsid Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$display_file" >"$LOG_DIR/xvfb.log" 2>&1 &
    XVFB_PID=$!   # own session: a Ctrl+C in the terminal reaches this script, which stops the apps first
    for _ in $(seq 1 50); do [ -s "$display_file" ] && break; sleep 0.1; done
    num="$(tr -dc '0-9' <"$display_file")"
    rm -f "$display_file"
    if [ -z "$num" ]; then
        echo "[demo] 错误: Xvfb 没有启动，见 $LOG_DIR/xvfb.log" >&2
        exit 1
    fi
    export DISPLAY=":$num"
    unset QT_QPA_PLATFORM
    say "没有显示器：已在虚拟屏幕 Xvfb $DISPLAY 上启动（1920×1080）"
    say "各程序的界面截图将保存在 $SHOT_DIR/"
fi

start_app() { # start_app LABEL APP ARGS...  (output goes to logs/LABEL.log)
    local label="$1" app="$2"; shift 2
    if ! app_present "$app"; then
        say "跳过 $app：这个版本还没有该程序"
        return 0
    fi
    "$VENV_BIN/$app" "$@" >"$LOG_DIR/$label.log" 2>&1 &
    PIDS+=("$!")
    NAMES+=("$label")
    say "已启动 $app $*（日志 $LOG_DIR/$label.log）"
}

start_app kiosk hall-kiosk --db "$DB" --windowed
start_app counter hall-counter --db "$DB"
start_app display hall-display --db "$DB"
if [ "$HEADLESS" = 1 ]; then
    for app in kiosk counter display; do
        if app_present "hall-$app"; then
            rm -rf "${SHOT_DIR:?}/$app"
            mkdir -p "$SHOT_DIR/$app"
            start_app "$app-screenshots" "hall-$app" --db "$DB" --screenshots "$SHOT_DIR/$app"
        fi
    done
fi

if [ "${#PIDS[@]}" -eq 0 ]; then
    say "没有可启动的程序。"
    exit 1
fi

# --- the demo logins ---------------------------------------------------------------------------
"$VENV_BIN/python" - "$REPO_ROOT/resources/demo/hall.json" "$DEMO_PASSWORD" <<'EOF' || true
import json, sys, unicodedata
path, password = sys.argv[1], sys.argv[2]
try:
    with open(path, encoding="utf-8") as f:
        staff = json.load(f).get("staff", [])
except (OSError, ValueError):
    staff = []

def pad(text, width):  # CJK characters take two columns in a terminal
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)

print()
print(f"演示账号（密码均为 {password}）/ demo logins (password {password}):")
if not staff:
    print(f"  见 {path}")
    sys.exit(0)
shown, roles_seen, windows = [], set(), 0
for s in staff:
    roles = tuple(s.get("roles") or [])
    if s.get("window") and windows < 6:
        windows += 1
    elif roles in roles_seen:
        continue
    shown.append(s)
    roles_seen.add(roles)
print("  " + pad("工号", 8) + pad("姓名", 12) + pad("窗口", 10) + "岗位")
for s in shown:
    where = f"{s['window']}号窗口" if s.get("window") else "—"
    print("  " + pad(str(s.get("staff_no", "")).strip().upper(), 8) + pad(s.get("name", ""), 12) + pad(where, 10) + s.get("title", ""))
print(f"  …共 {len(staff)} 个账号，完整名单见 resources/demo/hall.json")
print()
EOF
say "按 Ctrl+C 结束全部程序 / press Ctrl+C to stop"

# --- wait for the apps -------------------------------------------------------------------------
remaining=${#PIDS[@]}
declare -A FINISHED=()
while [ "$remaining" -gt 0 ]; do
    for i in "${!PIDS[@]}"; do
        pid="${PIDS[$i]}"
        [ -n "${FINISHED[$pid]:-}" ] && continue
        kill -0 "$pid" 2>/dev/null && continue
        rc=0
        wait "$pid" || rc=$?
        FINISHED[$pid]=1
        remaining=$((remaining - 1))
        if [ "$rc" -eq 0 ]; then
            say "${NAMES[$i]} 已退出"
        else
            say "${NAMES[$i]} 异常退出（退出码 $rc），日志最后几行："
            tail -n 15 "$LOG_DIR/${NAMES[$i]}.log" | sed 's/^/    /'
        fi
    done
    if [ "$remaining" -gt 0 ]; then sleep 1; fi
done
if [ "$HEADLESS" = 1 ]; then
    say "截图：$SHOT_DIR/"
fi
