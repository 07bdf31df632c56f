#!/usr/bin/env bash
# Build the Linux packages of Retouch Desk:
#   dist/retouchdesk/                                  PyInstaller one-folder build
#   dist/retouchdesk_<version>_amd64.deb               installs under /opt/retouchdesk
#   dist/retouchdesk-<version>-linux-x86_64.tar.gz     portable, unpack and run
# then print the size budgets and exit non-zero when one is exceeded.
#
# Usage: installer/build-linux.sh [--clean] [--venv DIR]
#   --clean      rebuild from scratch (PyInstaller cache and the build venv's stamp)
#   --venv DIR   build with this virtualenv instead of build/venv (must have '.[installer]')
# Environment: PYTHON (interpreter for the build venv, default python3), SOURCE_DATE_EPOCH.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

DEB_BUDGET_MB=80
INSTALLED_BUDGET_MB=250

CLEAN=0
VENV="$ROOT/build/venv"
while [ $# -gt 0 ]; do
  case "$1" in
    --clean) CLEAN=1 ;;
    --venv) VENV="$(cd "$2" && pwd)"; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build-linux: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '\n==> %s\n' "$*"; }
trap 'echo "build-linux: failed at line $LINENO (exit $?)" >&2' ERR
die() { echo "build-linux: $*" >&2; exit 1; }

for tool in dpkg-deb tar gzip; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install dpkg-dev)"
done
[ "$(uname -m)" = "x86_64" ] || die "only x86_64 is packaged (this is $(uname -m))"

started=$(date +%s)

# --- 1. The build environment: a venv with the app's runtime dependencies and PyInstaller only,
# so that nothing from the developer's test tools can leak into the bundle.
if [ "$VENV" = "$ROOT/build/venv" ]; then
  stamp="$VENV/.stamp-installer"
  if [ "$CLEAN" = 1 ]; then rm -f "$stamp"; fi
  if [ ! -x "$VENV/bin/python" ]; then
    step "Creating the build venv in build/venv"
    "${PYTHON:-python3}" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ setup.py -nt "$stamp" ]; then
    step "Installing runtime dependencies and PyInstaller into build/venv"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[installer]'
    touch "$stamp"
  fi
fi
PY="$VENV/bin/python"
"$PY" -c "import PyInstaller" 2>/dev/null || die "$VENV has no PyInstaller: pip install -e '.[installer]'"

VERSION="$("$PY" installer/pyi_support.py version)"
DEB="dist/retouchdesk_${VERSION}_amd64.deb"
TARBALL="dist/retouchdesk-${VERSION}-linux-x86_64.tar.gz"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
echo "Retouch Desk $VERSION (python: $("$PY" -c 'import sys; print(sys.version.split()[0])'))"

# --- 2. Desktop integration files, from resources/ (the one source the window reads too).
DESKTOP_FILE="$("$PY" installer/pyi_support.py desktop)"
METAINFO="$("$PY" installer/pyi_support.py metainfo)"
ICON_SVG="$("$PY" installer/pyi_support.py icon)"
for file in "$DESKTOP_FILE" "$METAINFO" "$ICON_SVG"; do
  [ -f "$file" ] || die "missing $file"
done
grep -q '^MimeType=.*image/jpeg' "$DESKTOP_FILE" || die "$DESKTOP_FILE lacks the image MimeType line"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$DESKTOP_FILE" || die "$DESKTOP_FILE is not a valid desktop entry"
fi
if command -v appstreamcli >/dev/null; then
  appstreamcli validate --no-net "$METAINFO" >/dev/null || die "$METAINFO is not valid AppStream"
fi
echo "desktop entry: ${DESKTOP_FILE#"$ROOT"/}   metainfo: ${METAINFO#"$ROOT"/}   icon: ${ICON_SVG#"$ROOT"/}"

step "Rendering icons"
rm -rf build/icons
QT_QPA_PLATFORM=offscreen "$PY" installer/make_icons.py "$ICON_SVG" build/icons >/dev/null

# --- 3. Freeze. The module list is taken first: the tree may change while PyInstaller runs, and
# the check below must compare against what existed when the analysis started.
mkdir -p build
find retouchdesk app ui -name '*.py' -not -path '*/__pycache__/*' | sort > build/modules-at-start.txt
step "PyInstaller (one-folder)"
pyi_args=(--noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller)
[ "$CLEAN" = 1 ] && pyi_args+=(--clean)
rm -rf dist/retouchdesk
"$PY" -m PyInstaller "${pyi_args[@]}" installer/retouchdesk.spec
APPDIR=dist/retouchdesk
[ -x "$APPDIR/retouchdesk" ] || die "PyInstaller produced no $APPDIR/retouchdesk"

# What the app needs at run time but imports by name: if one of these is missing from the
# frozen archive, the packaged app breaks where the tests (run from source) cannot see it.
step "Checking the frozen archive for dynamically imported modules"
PYZ_TOC=build/pyinstaller/retouchdesk/PYZ-00.toc
[ -f "$PYZ_TOC" ] || die "missing $PYZ_TOC"
missing=()
for module in retouchdesk.entry retouchdesk_resources app.cli truststore certifi qasync \
              keyring.backends.SecretService keyring.backends.kwallet keyring.backends.libsecret \
              keyring.backends.macOS keyring.backends.Windows keyring.backends.chainer \
              watchfiles uvicorn.loops.auto uvicorn.protocols.http.auto uvicorn.protocols.http.h11_impl \
              uvicorn.lifespan.on starlette.applications multipart \
              PIL.JpegImagePlugin PIL.PngImagePlugin PIL.TiffImagePlugin PIL.WebPImagePlugin; do
  grep -q "'$module'" "$PYZ_TOC" || missing+=("$module")
done
# Parts of the app that exist in the source tree must all be frozen, whatever they are called.
while IFS= read -r source; do
  module="${source%.py}"; module="${module%/__init__}"; module="${module//\//.}"
  grep -q "'$module'" "$PYZ_TOC" || missing+=("$module")
done < build/modules-at-start.txt
[ ${#missing[@]} -eq 0 ] || die "not frozen: ${missing[*]}"
# Test tools must not ship: keyrings.alt's plaintext backends are refused by the app anyway.
! grep -q "'keyrings\.alt" "$PYZ_TOC" || die "keyrings.alt is frozen into the app (a test-only package)"
[ -f "$APPDIR/_internal/app/sandbox/samples/SOURCES.md" ] || die "sandbox samples not bundled"
# resources/ as the package retouchdesk_resources, every file of it (Python and notes aside).
while IFS= read -r file; do
  [ -f "$APPDIR/_internal/retouchdesk_resources/${file#resources/}" ] || die "not bundled: $file"
done < <(find resources -type f -not -name '*.py' -not -name '*.md' -not -path '*/__pycache__/*')
echo "ok: every retouchdesk/app/ui module, keyring backends, truststore, uvicorn, PIL plugins, resources"

# --- 4. The .deb.
step "Staging the .deb"
STAGE=build/deb/root
rm -rf build/deb
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
         "$STAGE/usr/share/icons/hicolor/scalable/apps" "$STAGE/usr/share/doc/retouchdesk"
cp -a "$APPDIR" "$STAGE/opt/retouchdesk"
ln -s /opt/retouchdesk/retouchdesk "$STAGE/usr/bin/retouchdesk"
install -m 644 "$DESKTOP_FILE" "$STAGE/usr/share/applications/retouchdesk.desktop"
install -m 644 "$ICON_SVG" "$STAGE/usr/share/icons/hicolor/scalable/apps/retouchdesk.svg"
# AppStream: what GNOME Software / KDE Discover show for the installed app.
install -D -m 644 "$METAINFO" "$STAGE/usr/share/metainfo/$(basename "$METAINFO")"
for size in 16 24 32 48 64 128 256 512; do
  dir="$STAGE/usr/share/icons/hicolor/${size}x${size}/apps"
  mkdir -p "$dir" && install -m 644 "build/icons/retouchdesk-$size.png" "$dir/retouchdesk.png"
done
cat > "$STAGE/usr/share/doc/retouchdesk/copyright" <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Retouch Desk
Files: *
License: MIT
Comment: bundles CPython (PSF), Qt 6 and PySide6 (LGPL-3.0), Pillow (MIT-CMU) and other
 Python packages under their own licenses, in /opt/retouchdesk/_internal.
EOF
# Normalise modes: PyInstaller keeps the build host's umask.
find "$STAGE" -type d -exec chmod 755 {} +
find "$STAGE" -type f -exec chmod go-w,a+r {} +

# Lowest glibc the bundle needs, from the versioned symbols of every ELF file in it.
GLIBC_MIN="$(find "$STAGE/opt" -type f \( -name '*.so*' -o -perm -u+x \) -print0 \
  | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' \
  | sort -uV | tail -1)"
INSTALLED_KB="$(du -sk --apparent-size "$STAGE" --exclude=DEBIAN | cut -f1)"

# The Qt platform plugins load these from the system: X11 (xcb and its extensions), Wayland,
# GL/EGL, fonts, GLib and D-Bus (the keyring and portal talk D-Bus).
DEPENDS="libc6 (>= ${GLIBC_MIN:-2.28}), libstdc++6, libgcc-s1, libegl1, libgl1, libfontconfig1, libfreetype6, libglib2.0-0, libdbus-1-3, libxkbcommon0, libxkbcommon-x11-0, libx11-6, libx11-xcb1, libxcb1, libxcb-cursor0, libxcb-glx0, libxcb-icccm4, libxcb-image0, libxcb-keysyms1, libxcb-randr0, libxcb-render0, libxcb-render-util0, libxcb-shape0, libxcb-shm0, libxcb-sync1, libxcb-util1, libxcb-xfixes0, libxcb-xinerama0, libxcb-xkb1, libwayland-client0, libwayland-cursor0, libwayland-egl1"
cat > "$STAGE/DEBIAN/control" <<EOF
Package: retouchdesk
Version: ${VERSION}
Architecture: amd64
Maintainer: Retouch Desk <packaging@retouchdesk.invalid>
Installed-Size: ${INSTALLED_KB}
Depends: ${DEPENDS}
Recommends: gnome-keyring | kwalletmanager, desktop-file-utils
Section: graphics
Priority: optional
Homepage: https://www.autoretouch.com
Description: desktop client for the autoretouch image-processing API
 Retouch Desk sends photos in batches to autoretouch workflows (background
 removal, colour and shadow correction, e-commerce presets), watches each image
 through upload, processing and download, compares before and after, retries
 what failed and saves results predictably, never overwriting by surprise.
 .
 It includes a local sandbox server ("retouchdesk sandbox") that speaks the
 same API offline, for trying the app without an account.
EOF
cat > "$STAGE/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = "configure" ]; then
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q /usr/share/applications || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
  fi
fi
exit 0
EOF
cat > "$STAGE/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
case "$1" in
  remove|purge)
    if command -v update-desktop-database >/dev/null 2>&1; then
      update-desktop-database -q /usr/share/applications || true
    fi
    if command -v gtk-update-icon-cache >/dev/null 2>&1; then
      gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
    fi
    ;;
esac
exit 0
EOF
chmod 755 "$STAGE/DEBIAN/postinst" "$STAGE/DEBIAN/postrm"
find "$STAGE" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} + 2>/dev/null || true

step "Building $DEB"
rm -f dist/retouchdesk_*_amd64.deb
dpkg-deb --build --root-owner-group -Zxz "$STAGE" "$DEB" >/dev/null
dpkg-deb --info "$DEB" >/dev/null || die "dpkg-deb cannot read back $DEB"

# Which system libraries does the bundle load that no Depends entry names? Informational:
# the answer depends on the build host, so it warns instead of failing.
if command -v dpkg >/dev/null; then
  declared=" zlib1g "
  for pkg in $(echo "$DEPENDS" | sed 's/([^)]*)//g; s/,/ /g'); do
    # A declared package's own dependencies come along with it.
    declared+="$pkg $( { dpkg-query -W -f='${Depends}' "$pkg" 2>/dev/null || true; } \
      | sed 's/([^)]*)//g; s/[,|]/ /g; s/:any//g') "
  done
  undeclared=$(find "$STAGE/opt" -type f -name '*.so*' -print0 | xargs -0 ldd 2>/dev/null \
    | awk '/=> \// {print $1, $3}' | sort -u \
    | while read -r soname path; do
        [ -n "$(find "$STAGE/opt" -name "$soname" -print -quit)" ] || readlink -f "$path"
      done | sort -u \
    | xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | sort -u \
    | while read -r pkg; do
        case " $declared " in *" $pkg "*) ;; *) echo "$pkg" ;; esac
      done | tr '\n' ' ' || true)
  [ -z "$undeclared" ] || echo "note: bundled code also links system packages not in Depends: $undeclared"
fi

# --- 5. The portable tarball: the same folder, plus the desktop entry and icon to copy by hand.
step "Building $TARBALL"
rm -f dist/retouchdesk-*-linux-x86_64.tar.gz
TAR_STAGE="build/tar/retouchdesk-${VERSION}"
rm -rf build/tar && mkdir -p "$TAR_STAGE"
cp -a "$APPDIR"/. "$TAR_STAGE/"
install -m 644 "$DESKTOP_FILE" "$TAR_STAGE/retouchdesk.desktop"
install -m 644 "$ICON_SVG" "$TAR_STAGE/retouchdesk.svg"
cat > "$TAR_STAGE/README.txt" <<EOF
Retouch Desk ${VERSION} for Linux x86_64 (portable)

Run ./retouchdesk to open the window, ./retouchdesk --help for the command line.
Needs the usual desktop libraries (on Debian/Ubuntu: libegl1 libgl1 libxkbcommon-x11-0
libxcb-cursor0 libfontconfig1 libdbus-1-3); the .deb installs them for you.
To add it to your menu: edit Exec= in retouchdesk.desktop to this folder's path, then copy it to
~/.local/share/applications/ and retouchdesk.svg to ~/.local/share/icons/hicolor/scalable/apps/.
EOF
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C build/tar -cf - "retouchdesk-${VERSION}" | gzip -n -6 > "$TARBALL"

# --- 6. Budgets.
deb_bytes=$(stat -c %s "$DEB")
tar_bytes=$(stat -c %s "$TARBALL")
installed_bytes=$((INSTALLED_KB * 1024))
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
elapsed=$(( $(date +%s) - started ))
step "Budgets"
status=0
check() {  # name bytes budget_mb
  local verdict=ok
  if [ "$2" -gt $(( $3 * 1048576 )) ]; then verdict="OVER BUDGET"; status=1; fi
  printf '%-22s %8s MB  (budget %3s MB)  %s\n' "$1" "$(mb "$2")" "$3" "$verdict"
}
check ".deb" "$deb_bytes" "$DEB_BUDGET_MB"
check "installed size" "$installed_bytes" "$INSTALLED_BUDGET_MB"
printf '%-22s %8s MB\n' "tarball" "$(mb "$tar_bytes")"
echo "glibc needed: >= ${GLIBC_MIN:-?}   build took ${elapsed}s"
echo "artifacts: $DEB  $TARBALL  $APPDIR/"
exit $status
