#!/usr/bin/env bash
# Build govhall_<version>_<arch>.deb from the PyInstaller bundle (installers/pyinstaller/govhall.spec).
#
#   installers/linux/build-deb.sh                   # run PyInstaller, then package
#   installers/linux/build-deb.sh --bundle DIR      # package an existing onedir bundle (DIR/hall, DIR/_internal …)
#
# Options: --python PATH (the project's interpreter with PyInstaller; default .venv/bin/python, else python3),
#          --out DIR (default installers/dist), --version X.Y.Z (default: pyproject.toml).
# Intermediate files go to installers/build/ (git-ignored). Needs dpkg-deb (Debian/Ubuntu, or the dpkg package).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="$ROOT/installers/build"
OUT="$ROOT/installers/dist"
BUNDLE=""
VERSION=""
PYTHON=""
PROGRAMS=(hall hall-kiosk hall-counter hall-display)

die() { echo "build-deb: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --bundle) BUNDLE="${2:?--bundle needs a directory}"; shift 2 ;;
        --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
        --version) VERSION="${2:?--version needs a value}"; shift 2 ;;
        --python) PYTHON="${2:?--python needs a path}"; shift 2 ;;
        -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option: $1 (see --help)" ;;
    esac
done

command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"
if [ -z "$PYTHON" ]; then
    if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON="$(command -v python3)"; fi
fi
if [ -z "$VERSION" ]; then
    VERSION="$("$PYTHON" -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' \
        "$ROOT/pyproject.toml")"
fi
ARCH="$(dpkg --print-architecture)"
PKG="govhall_${VERSION}_${ARCH}"

# 1. The PyInstaller bundle.
if [ -z "$BUNDLE" ]; then
    "$PYTHON" -m PyInstaller --version >/dev/null 2>&1 \
        || die "PyInstaller is not installed for $PYTHON (pip install pyinstaller), or pass --bundle DIR"
    echo "==> PyInstaller ($("$PYTHON" -m PyInstaller --version))"
    "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath "$BUILD/pyinstaller/dist" --workpath "$BUILD/pyinstaller/work" \
        "$ROOT/installers/pyinstaller/govhall.spec"
    BUNDLE="$BUILD/pyinstaller/dist/govhall"
fi
BUNDLE="$(cd "$BUNDLE" && pwd)"
for prog in "${PROGRAMS[@]}"; do
    [ -x "$BUNDLE/$prog" ] || die "$BUNDLE/$prog missing: not a GovHall bundle"
done
[ -d "$BUNDLE/_internal/resources/fonts" ] || die "$BUNDLE/_internal/resources missing"
[ -f "$BUNDLE/_internal/common/db/migrations/script.py.mako" ] || die "Alembic migrations missing in $BUNDLE"

# 2. The package tree.
STAGE="$BUILD/deb/$PKG"
echo "==> staging $STAGE"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/lib/govhall" "$STAGE/lib/systemd/system" \
    "$STAGE/etc/pam.d" "$STAGE/usr/share/applications" "$STAGE/usr/share/icons/hicolor/scalable/apps" \
    "$STAGE/usr/share/doc/govhall"
cp -a "$BUNDLE" "$STAGE/opt/govhall"
find "$STAGE/opt/govhall" -name '__pycache__' -type d -prune -exec rm -rf {} +
chmod -R u+rwX,go+rX,go-w "$STAGE/opt/govhall"

install -m 0755 "$HERE/launcher.sh" "$STAGE/usr/lib/govhall/launcher"
for prog in "${PROGRAMS[@]}"; do
    ln -s ../lib/govhall/launcher "$STAGE/usr/bin/$prog"
done
install -m 0644 "$HERE/systemd/govhall-kiosk.service" "$HERE/systemd/govhall-display.service" \
    "$STAGE/lib/systemd/system/"
install -m 0644 "$HERE/govhall.pam" "$STAGE/etc/pam.d/govhall"
install -m 0644 "$HERE/govhall-counter.desktop" "$STAGE/usr/share/applications/govhall-counter.desktop"
install -m 0644 "$HERE/govhall.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/govhall.svg"
install -m 0644 "$HERE/README.md" "$STAGE/usr/share/doc/govhall/README.md"
cat > "$STAGE/usr/share/doc/govhall/copyright" <<'EOF'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: GovHall

Files: *
License: Apache-2.0
 On Debian systems the full text is in /usr/share/common-licenses/Apache-2.0.

Files: opt/govhall/_internal/resources/fonts/*
License: see opt/govhall/_internal/resources/fonts/*.LICENSE.txt (WenQuanYi Micro Hei: Apache-2.0 or GPLv3;
 Hanazono subsets: their own free licence)

Files: opt/govhall/_internal/*
Comment: Python, Qt for Python (PySide6, LGPLv3) and the other bundled libraries keep their own licences.
EOF

install -m 0755 "$HERE/debian/postinst" "$HERE/debian/prerm" "$HERE/debian/postrm" "$STAGE/DEBIAN/"
echo "/etc/pam.d/govhall" > "$STAGE/DEBIAN/conffiles"
INSTALLED_KB="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
GLIBC="$(getconf GNU_LIBC_VERSION | awk '{print $2}')"  # the bundle's libraries need at least the builder's glibc
cat > "$STAGE/DEBIAN/control" <<EOF
Package: govhall
Version: $VERSION
Architecture: $ARCH
Maintainer: GovHall maintainers <govhall@localhost>
Installed-Size: $INSTALLED_KB
Section: misc
Priority: optional
Depends: libc6 (>= $GLIBC), adduser, libegl1, libgl1, libglib2.0-0, libfontconfig1, libfreetype6,
 libdbus-1-3, libxkbcommon0, libxkbcommon-x11-0, libx11-xcb1, libxcb-cursor0, libxcb-icccm4, libxcb-image0,
 libxcb-keysyms1, libxcb-randr0, libxcb-render-util0, libxcb-shape0, libxcb-xfixes0, libxcb-xkb1,
 libwayland-client0, libwayland-cursor0, libwayland-egl1, libpulse0, libusb-1.0-0
Recommends: cage, speech-dispatcher, pipewire-pulse | pulseaudio, cups-client
Suggests: postgresql
Description: GovHall — queueing and case handling for government service halls (政务服务中心)
 Self-service ticket kiosk (hall-kiosk), hall display with voice calls (hall-display), the clerk's
 window workspace and rating pad (hall-counter), and the admin command line (hall: setup, doctor,
 print-test, users, calendar, audit).
 .
 The programs are a self-contained PyInstaller bundle in /opt/govhall; the kiosk and the hall display
 run full screen under the cage Wayland compositor on tty1 (govhall-kiosk.service,
 govhall-display.service). Configuration: /etc/govhall/machine.toml; data: /var/lib/govhall.
EOF

# 3. The .deb (files owned by root whoever builds it).
mkdir -p "$OUT"
echo "==> dpkg-deb $OUT/$PKG.deb"
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$OUT/$PKG.deb" >/dev/null
"$STAGE/opt/govhall/hall" --help >/dev/null || die "the packaged hall does not start"
ls -l "$OUT/$PKG.deb"
