#!/usr/bin/env bash
# CI entry for the packaged installer: system tools, build, smoke test. One line for .ci/run:
#   bash installer/ci.sh
# Takes about 2-3 minutes on 2 cores with a warm pip cache (build ~1.5 min, smoke test ~40 s).
set -euo pipefail
cd "$(dirname "$0")/.."

need=(dpkg-dev fakeroot desktop-file-utils appstream xvfb xauth xdotool x11-utils openssl python3
      libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
      libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1)
missing=()
for pkg in "${need[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash installer/build-linux.sh
bash installer/smoke-test.sh
