#!/usr/bin/env bash
# GovHall 环境准备 / environment bootstrap (Debian, Ubuntu).
#
#   scripts/bootstrap.sh            系统包 + .venv（演示所需）
#   scripts/bootstrap.sh --tests    另外准备 PostgreSQL 测试库（测试所需）
#
# 可重复执行：已就绪的部分只做检查（通常不到一秒）。
#   1. 缺少的 Debian 软件包：Qt 运行库、Xvfb、poppler-utils、zbar、文泉驿微米黑、python3-venv，
#      以及（--tests）postgresql、nsis。只在确有缺失时运行 apt-get update / install。
#   2. 仓库内的 .venv（Python >= 3.11）；pyproject.toml 变化后才重新 pip install -e '.[test]'。
#   3. （--tests）127.0.0.1:5432 上可免密码登录的 PostgreSQL 与 test 库
#      （地址取自 HALL_TEST_PG_URL，默认 postgresql+psycopg://postgres@127.0.0.1:5432/test）。
# 环境变量：HALL_PYTHON 指定建 .venv 用的解释器（默认 PATH 中的 python3）。
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
STAMP="$VENV/.govhall-install-stamp"
MIN_PY_MINOR=11

WANT_TESTS=0
for arg in "$@"; do
    case "$arg" in
        --tests) WANT_TESTS=1 ;;
        -h|--help) sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bootstrap: 未知参数 / unknown option: $arg" >&2; exit 2 ;;
    esac
done

say()  { printf '[bootstrap] %s\n' "$*"; }
warn() { printf '[bootstrap] 警告: %s\n' "$*" >&2; }
die()  { printf '[bootstrap] 错误: %s\n' "$*" >&2; exit 1; }

# --- privileges --------------------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
    AS_ROOT=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    AS_ROOT=(sudo -n)
else
    AS_ROOT=(__no_root__)
fi
as_root() {
    if [ "${AS_ROOT[0]:-}" = "__no_root__" ]; then return 1; fi
    "${AS_ROOT[@]}" "$@"
}
can_root() { [ "${AS_ROOT[0]:-}" != "__no_root__" ]; }

# --- 1. Python interpreter ---------------------------------------------------------------------
py_minor() { "$1" -c 'import sys; print(sys.version_info[1] if sys.version_info[0] == 3 else 0)' 2>/dev/null || echo 0; }

pick_python() {
    local cand
    for cand in ${HALL_PYTHON:-} python3 python3.13 python3.12 python3.11; do
        command -v "$cand" >/dev/null 2>&1 || continue
        if [ "$(py_minor "$cand")" -ge "$MIN_PY_MINOR" ]; then
            command -v "$cand"
            return 0
        fi
    done
    return 1
}

venv_ok() {
    [ -x "$VENV/bin/python" ] && [ "$(py_minor "$VENV/bin/python")" -ge "$MIN_PY_MINOR" ]
}

PYTHON=""
if ! venv_ok; then
    if ! PYTHON="$(pick_python)"; then
        found="$(command -v python3 >/dev/null 2>&1 && python3 -V 2>&1 || echo '未找到 python3')"
        die "需要 Python >= 3.$MIN_PY_MINOR，当前为：$found。
  Debian 12 / Ubuntu 24.04 自带的 python3 即可；Ubuntu 22.04 可执行：
      sudo apt-get install python3.11 python3.11-venv
  然后重新运行（或用 HALL_PYTHON=/usr/bin/python3.11 指定解释器）。
  GovHall needs Python >= 3.$MIN_PY_MINOR."
    fi
fi

# --- 2. Debian packages ------------------------------------------------------------------------
# Qt 6 (PySide6 wheels) runtime libraries: what `ldd` finds missing on a bare Debian 12 for
# libQt6{Core,Gui,Widgets,Network,PrintSupport,XcbQpa,WaylandClient} and the xcb, wayland,
# offscreen, xcb-gl, image-format, input-context and cups plugins.
QT_PKGS=(
    libegl1 libgl1 libdrm2 libfontconfig1 libfreetype6 libdbus-1-3 libglib2.0-0 libpulse0
    libxkbcommon0 libxkbcommon-x11-0 libx11-6 libx11-xcb1
    libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
    libxcb-xfixes0 libxcb-xkb1
    libwayland-client0 libwayland-cursor0 libwayland-egl1
    libcups2 libgssapi-krb5-2 libbrotli1 libzstd1
)
TOOL_PKGS=(
    xvfb xauth                  # GUI without a screen (demo, tests)
    poppler-utils               # pdftotext / pdffonts / pdftoppm: checking printed slips
    zbar-tools libzbar0         # QR decoding (pyzbar)
    fonts-wqy-microhei fontconfig
    tzdata                      # zoneinfo: Asia/Shanghai
    python3-venv
)
PKGS=("${QT_PKGS[@]}" "${TOOL_PKGS[@]}")
if [ -n "$PYTHON" ] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    case "$(readlink -f "$PYTHON")" in
        /usr/bin/python3*) PKGS+=("python3.$(py_minor "$PYTHON")-venv") ;;
        *) die "$PYTHON 缺少 venv/ensurepip 模块，无法创建 .venv；请换用带 venv 的 Python（HALL_PYTHON=…）。" ;;
    esac
fi
if [ "$WANT_TESTS" = 1 ]; then
    PKGS+=(postgresql nsis)  # nsis: the tests compile the Windows installer script
fi

installed_pkgs() { # the given packages that are installed, one per line
    dpkg-query -W -f='${Package} ${Status}\n' "$@" 2>/dev/null | awk '/ install ok installed$/ {print $1}' || true
}

PG_JUST_INSTALLED=0   # this run installed postgresql on a machine that had no cluster at all
NO_CLUSTER_BEFORE=0
if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    # Ubuntu 24.04 / Debian 13 renamed some libraries with a t64 suffix (libglib2.0-0t64, …).
    have=" $(installed_pkgs "${PKGS[@]}" "${PKGS[@]/%/t64}" | sed 's/:.*//' | tr '\n' ' ') "
    missing=()
    for p in "${PKGS[@]}"; do
        case "$have" in *" $p "*|*" ${p}t64 "*) ;; *) missing+=("$p") ;; esac
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        if ! can_root; then
            die "缺少系统软件包，需要管理员权限安装。请先运行：
      sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}
  然后重新运行本命令。 / Missing system packages; run the line above, then retry."
        fi
        if [ -z "$(pg_lsclusters -h 2>/dev/null || true)" ]; then NO_CLUSTER_BEFORE=1; fi
        say "安装系统软件包 / installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        as_root apt-get update -qq || die "apt-get update 失败"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
            || die "apt-get install 失败（见上方输出）"
        for p in "${missing[@]}"; do
            if [ "$p" = postgresql ] && [ "$NO_CLUSTER_BEFORE" = 1 ]; then PG_JUST_INSTALLED=1; fi
        done
    fi
else
    warn "不是 Debian/Ubuntu（没有 apt-get/dpkg），跳过系统软件包检查。需要的软件包（Debian 名称）：${PKGS[*]}"
fi

# --- 3. Python virtual environment -------------------------------------------------------------
if ! venv_ok; then
    if [ -e "$VENV" ]; then say "重建 $VENV（原有环境不可用）"; rm -rf "$VENV"; fi
    say "创建虚拟环境 / creating $VENV with $PYTHON ($("$PYTHON" -V 2>&1))"
    "$PYTHON" -m venv "$VENV" || die "python -m venv 失败"
fi

want_hash="$(sha256sum "$REPO_ROOT/pyproject.toml" | cut -d' ' -f1)"
have_hash="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want_hash" != "$have_hash" ]; then
    say "安装 Python 依赖 pip install -e '.[test]'（首次需下载约 120 MB，一两分钟）"
    t0=$SECONDS
    log="$VENV/pip-install.log"
    if ! (cd "$REPO_ROOT" && "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
            -e '.[test]') >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        die "pip install 失败，完整输出见 $log"
    fi
    echo "$want_hash" >"$STAMP"
    say "Python 依赖已安装（$((SECONDS - t0)) 秒）"
fi

# --- 4. PostgreSQL for the tests ---------------------------------------------------------------
if [ "$WANT_TESTS" = 1 ]; then
    PG_URL="${HALL_TEST_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
    # host, port, user, database of the URL (libpq takes the password from it or PGPASSWORD/.pgpass)
    read -r PG_HOST PG_PORT PG_USER PG_DB < <("$VENV/bin/python" - "$PG_URL" <<'EOF'
import sys
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
print(u.hostname or "127.0.0.1", u.port or 5432, u.username or "postgres", (u.path or "/test").lstrip("/") or "test")
EOF
)
    LIBPQ_URL="postgresql:${PG_URL#*:}"   # drop SQLAlchemy's "+psycopg"
    LIBPQ_URL="${LIBPQ_URL%%\?*}"
    ADMIN_URL="${LIBPQ_URL%/*}/postgres"
    pg_up()      { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 3 >/dev/null 2>&1; }
    pg_sql()     { PGCONNECT_TIMEOUT=5 psql -X -w -q -At -v ON_ERROR_STOP=1 "$1" -c "$2"; }
    pg_login()   { pg_sql "$ADMIN_URL" 'select 1' >/dev/null 2>&1; }
    systemd_up() { [ -d /run/systemd/system ]; }
    pg_ctl()     { # pg_ctl VER NAME ACTION
        if systemd_up; then as_root pg_ctlcluster "$1" "$2" "$3"
        else as_root pg_ctlcluster --skip-systemctl-redirect "$1" "$2" "$3"; fi
    }
    OURS_MARK=".govhall-bootstrap"   # in the cluster's config dir: this script made the cluster

    case "$PG_HOST" in
        127.0.0.1|localhost|::1) PG_LOCAL=1 ;;
        *) PG_LOCAL=0 ;;
    esac

    # the Debian cluster (version, name) on PG_PORT, if any
    port_cluster() { pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$3 == p {print $1, $2; exit}'; }
    mark_ours()    { as_root touch "/etc/postgresql/$1/$2/$OURS_MARK"; }
    is_ours()      { [ "$PG_JUST_INSTALLED" = 1 ] || as_root test -e "/etc/postgresql/$1/$2/$OURS_MARK"; }

    if ! pg_up && [ "$PG_LOCAL" = 1 ]; then
        command -v pg_lsclusters >/dev/null 2>&1 || die "没有 pg_lsclusters：请安装 postgresql（sudo apt-get install postgresql）"
        can_root || die "PostgreSQL 未运行，启动需要管理员权限：
      sudo pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql | sort -V | tail -1) main start"
        read -r pg_ver pg_name < <(port_cluster) || true
        if [ -z "${pg_ver:-}" ]; then
            pg_ver="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -1)"
            [ -n "$pg_ver" ] || die "找不到 PostgreSQL 服务器程序（/usr/lib/postgresql）：请安装 postgresql"
            pg_name=main
            if [ -d "/etc/postgresql/$pg_ver/main" ]; then pg_name=govhall; fi
            say "创建 PostgreSQL $pg_ver 集群 $pg_name（端口 $PG_PORT）"
            as_root pg_createcluster --locale=C.UTF-8 --port="$PG_PORT" "$pg_ver" "$pg_name" >/dev/null \
                || die "pg_createcluster 失败"
            mark_ours "$pg_ver" "$pg_name"
        fi
        say "启动 PostgreSQL 集群 $pg_ver/$pg_name"
        pg_ctl "$pg_ver" "$pg_name" start || die "启动 PostgreSQL 失败；日志见 /var/log/postgresql/"
        for _ in $(seq 1 30); do
            if pg_up; then break; fi
            sleep 1
        done
    fi
    pg_up || die "PostgreSQL 在 $PG_HOST:$PG_PORT 不可达（HALL_TEST_PG_URL=$PG_URL）。"

    if ! pg_login && [ "$PG_LOCAL" = 1 ] && can_root; then
        # Password-less loopback login only on a cluster this script created (or that came with
        # the postgresql package it installed on a machine without any); other servers keep theirs.
        read -r pg_ver pg_name < <(port_cluster) || true
        if [ -n "${pg_ver:-}" ] && is_ours "$pg_ver" "$pg_name"; then
            hba="/etc/postgresql/$pg_ver/$pg_name/pg_hba.conf"
            say "允许本机 $PG_USER 免密码登录（$hba）"
            mark_ours "$pg_ver" "$pg_name"
            { printf '# GovHall tests (scripts/bootstrap.sh): password-less loopback login\n'
              printf 'host all %s 127.0.0.1/32 trust\nhost all %s ::1/128 trust\n' "$PG_USER" "$PG_USER"
              as_root cat "$hba"; } >"$VENV/.pg_hba.new"
            as_root cp "$VENV/.pg_hba.new" "$hba"   # cp into the existing file keeps owner and mode
            rm -f "$VENV/.pg_hba.new"
            pg_ctl "$pg_ver" "$pg_name" reload >/dev/null
            for _ in 1 2 3 4 5; do
                if pg_login; then break; fi
                sleep 1
            done
        fi
    fi
    pg_login || die "无法以 $PG_USER 免密码登录 $PG_HOST:$PG_PORT 的 PostgreSQL。任选其一：
  1) 设置 HALL_TEST_PG_URL=postgresql+psycopg://用户:密码@主机:端口/test
  2) 在该集群的 pg_hba.conf 最前面加入 'host all $PG_USER 127.0.0.1/32 trust' 后 reload。"

    if [ "$(pg_sql "$ADMIN_URL" "select 1 from pg_database where datname = '$PG_DB'")" != 1 ]; then
        say "创建测试数据库 $PG_DB"
        # UTF-8 whatever the cluster's default (a cluster made without a locale is SQL_ASCII)
        pg_sql "$ADMIN_URL" "CREATE DATABASE \"$PG_DB\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'" 2>/dev/null \
            || pg_sql "$ADMIN_URL" "CREATE DATABASE \"$PG_DB\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'" \
            || die "无法创建数据库 $PG_DB"
    fi
fi
