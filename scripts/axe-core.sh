#!/usr/bin/env bash
# Installs axe-core, the accessibility checker the browser tests inject into pages, into a cache
# folder outside the repository (npm registry, pinned version), and prints the path of
# axe.min.js. Safe to run again and from several test workers at once.
# Exit status 3: node or npm is missing.
set -euo pipefail
VERSION=4.14.1
DIR="${COLEMAN_AXE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coleman/axe-core-$VERSION}"
FILE="$DIR/node_modules/axe-core/axe.min.js"
if ! command -v npm >/dev/null 2>&1; then
  echo "axe-core.sh: npm is needed (apt-get install npm)" >&2
  exit 3
fi
if [ ! -f "$FILE" ]; then
  mkdir -p "$DIR"
  (
    flock 9
    if [ ! -f "$FILE" ]; then
      cd "$DIR"
      [ -f package.json ] || echo '{"private": true}' > package.json
      npm install --no-audit --no-fund --silent --save-exact "axe-core@$VERSION" >&2
    fi
  ) 9>"$DIR.lock"
fi
echo "$FILE"
