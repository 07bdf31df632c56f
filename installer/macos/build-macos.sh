#!/usr/bin/env bash
# Build the macOS app of Retouch Desk (run on macOS, arm64 or x86_64):
#   dist/Retouch Desk.app                          PyInstaller --windowed bundle, signed
#   dist/RetouchDesk-<version>-macos-<arch>.dmg    compressed disk image with an Applications link
#
# Usage: installer/macos/build-macos.sh [--clean] [--venv DIR]
# Environment:
#   RETOUCHDESK_CODESIGN_IDENTITY  "Developer ID Application: ..." to sign for distribution
#                                  (hardened runtime + timestamp); unset: ad-hoc signature,
#                                  enough to run on this Mac and on Apple silicon at all
#   RETOUCHDESK_NOTARY_PROFILE     a `xcrun notarytool store-credentials` profile: notarize and
#                                  staple the .dmg (only with a Developer ID identity)
#   PYTHON                         interpreter for the build venv (default python3)
#
# The bundle's Info.plist (from installer/retouchdesk.spec) declares JPEG, PNG, TIFF and WebP as
# documents it can view, so Finder lists it under "Open With"; the window receives them as
# file-open events. The CLI is the same executable:
#   "/Applications/Retouch Desk.app/Contents/MacOS/retouchdesk" --help
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"
[ "$(uname -s)" = Darwin ] || { echo "build-macos: run this on macOS" >&2; exit 2; }

CLEAN=0
VENV="$ROOT/build/venv"
while [ $# -gt 0 ]; do
  case "$1" in
    --clean) CLEAN=1 ;;
    --venv) VENV="$(cd "$2" && pwd)"; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "build-macos: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
step() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

if [ "$VENV" = "$ROOT/build/venv" ]; then
  stamp="$VENV/.stamp-installer"
  [ "$CLEAN" = 1 ] && rm -f "$stamp"
  [ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ setup.py -nt "$stamp" ]; then
    step "Installing runtime dependencies and PyInstaller into build/venv"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e '.[installer]'
    touch "$stamp"
  fi
fi
PY="$VENV/bin/python"
VERSION="$("$PY" installer/pyi_support.py version)"
ARCH="$(uname -m)"
APP="dist/Retouch Desk.app"
DMG="dist/RetouchDesk-${VERSION}-macos-${ARCH}.dmg"
IDENTITY="${RETOUCHDESK_CODESIGN_IDENTITY:-}"
echo "Retouch Desk $VERSION for macOS $ARCH"

step "Rendering icons"
ICON_SVG="$("$PY" installer/pyi_support.py icon)"
rm -rf build/icons
QT_QPA_PLATFORM=offscreen "$PY" installer/make_icons.py "$ICON_SVG" build/icons >/dev/null

step "PyInstaller (.app bundle)"
pyi_args=(--noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller)
[ "$CLEAN" = 1 ] && pyi_args+=(--clean)
rm -rf "$APP" dist/retouchdesk
# The spec signs each binary with RETOUCHDESK_CODESIGN_IDENTITY when it is set.
RETOUCHDESK_CODESIGN_IDENTITY="$IDENTITY" "$PY" -m PyInstaller "${pyi_args[@]}" installer/retouchdesk.spec
[ -x "$APP/Contents/MacOS/retouchdesk" ] || { echo "build-macos: no $APP" >&2; exit 1; }

step "Checking Info.plist"
plist="$APP/Contents/Info.plist"
plutil -lint "$plist"
for uti in public.jpeg public.png public.tiff org.webmproject.webp; do
  plutil -extract CFBundleDocumentTypes xml1 -o - "$plist" | grep -q "$uti" \
    || { echo "build-macos: Info.plist does not declare $uti" >&2; exit 1; }
done
[ "$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$plist")" = "$VERSION" ] \
  || { echo "build-macos: Info.plist version is not $VERSION" >&2; exit 1; }

step "Signing"
if [ -n "$IDENTITY" ]; then
  codesign --force --deep --options runtime --timestamp --sign "$IDENTITY" "$APP"
else
  # Ad-hoc: Apple silicon refuses unsigned code; this is not a distribution signature.
  codesign --force --deep --sign - "$APP"
fi
codesign --verify --deep --strict --verbose=2 "$APP"

step "Smoke check"
"$APP/Contents/MacOS/retouchdesk" --version | grep -qx "retouchdesk $VERSION"
echo "ok: $("$APP/Contents/MacOS/retouchdesk" --version)"

step "Building $DMG"
rm -f "$DMG"
DMG_STAGE="build/dmg"
rm -rf "$DMG_STAGE" && mkdir -p "$DMG_STAGE"
cp -R "$APP" "$DMG_STAGE/"
ln -s /Applications "$DMG_STAGE/Applications"
hdiutil create -volname "Retouch Desk $VERSION" -srcfolder "$DMG_STAGE" -fs HFS+ \
  -format UDZO -imagekey zlib-level=9 -ov "$DMG" >/dev/null
if [ -n "$IDENTITY" ]; then
  codesign --force --timestamp --sign "$IDENTITY" "$DMG"
  if [ -n "${RETOUCHDESK_NOTARY_PROFILE:-}" ]; then
    step "Notarizing"
    xcrun notarytool submit "$DMG" --keychain-profile "$RETOUCHDESK_NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
  fi
fi
hdiutil verify "$DMG" >/dev/null

app_kb=$(du -sk "$APP" | cut -f1)
dmg_bytes=$(stat -f %z "$DMG")
step "Sizes"
awk -v a="$app_kb" -v d="$dmg_bytes" 'BEGIN { printf ".app %.1f MB, .dmg %.1f MB\n", a / 1024, d / 1048576 }'
echo "build took $(( $(date +%s) - started ))s; artifacts: $APP  $DMG"
