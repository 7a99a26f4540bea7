#!/usr/bin/env bash
# Installs s3rver, the S3-compatible server the storage tests start on loopback, into a cache
# folder outside the repository (npm registry, pinned version), and prints the path of its
# start script. Safe to run again and from several test workers at once.
# Exit status 3: node or npm is missing (the S3 tests are then skipped and say so).
set -euo pipefail
VERSION=3.7.1
DIR="${COLEMAN_S3RVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/coleman/s3rver-$VERSION}"
BIN="$DIR/node_modules/s3rver/bin/s3rver.js"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "s3rver.sh: node and npm are needed (apt-get install nodejs npm)" >&2
  exit 3
fi
if [ ! -f "$BIN" ]; then
  mkdir -p "$DIR"
  (
    flock 9
    if [ ! -f "$BIN" ]; then
      cd "$DIR"
      [ -f package.json ] || echo '{"private": true}' > package.json
      npm install --no-audit --no-fund --silent --save-exact "s3rver@$VERSION" >&2
    fi
  ) 9>"$DIR.lock"
fi
echo "$BIN"
