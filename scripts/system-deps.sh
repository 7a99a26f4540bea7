#!/usr/bin/env bash
# Install the Debian packages the test suite drives for real, when they are missing.
# Needs root (CI and the dev machines run as root); otherwise it says what to install.
set -euo pipefail

# path-to-check  debian-package
needed=(
  "/usr/bin/chromium chromium"
  "/usr/bin/indexer sphinxsearch"
  "/usr/lib/python3/dist-packages/xapian python3-xapian"
)
# --build: only what `pip install -r requirements.txt` compiles against (pycairo needs cairo's headers).
build_needed=(
  "/usr/include/cairo/cairo.h libcairo2-dev"
  "/usr/bin/pkg-config pkg-config"
  "/usr/bin/cc gcc"
)
[ "${1:-}" = "--build" ] && needed=("${build_needed[@]}")

missing=()
for entry in "${needed[@]}"; do
  read -r path package <<<"$entry"
  [ -e "$path" ] || missing+=("$package")
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages (install them as root): ${missing[*]}" >&2
  exit 1
fi
