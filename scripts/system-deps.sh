#!/usr/bin/env bash
# Install the Debian packages the test suite drives for real, when they are missing.
# Needs root (CI and the dev machines run as root); otherwise it says what to install.
set -euo pipefail

# Usage: system-deps.sh [PYTHON]   what the tests drive (browser, search engines, servers)
#        system-deps.sh --build    only what `pip install -r requirements.txt` compiles against
# PYTHON (e.g. .venv/bin/python) is the project's Python: Debian's mod_wsgi embeds Debian's
# python3, which must be the same minor version (3.11 on Debian 12) for the Apache test;
# otherwise mod_wsgi is built from PyPI (with apache2-dev) for that Python.
BUILD_ONLY=""
VENV_PYTHON=""
if [ "${1:-}" = "--build" ]; then BUILD_ONLY=1; else VENV_PYTHON=${1:-}; fi

check_mod_wsgi() {
  [ -n "$VENV_PYTHON" ] && [ -e /usr/lib/apache2/modules/mod_wsgi.so ] || return 0
  local ours debian
  ours=$("$VENV_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  debian=$(ldd /usr/lib/apache2/modules/mod_wsgi.so | grep -o 'libpython[0-9.]*[0-9]' | head -n 1 | sed 's/libpython//')
  [ "$ours" = "$debian" ] && return 0
  echo "Debian's mod_wsgi embeds Python $debian, the project uses $ours: building mod_wsgi from PyPI"
  if [ "$(id -u)" = "0" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends apache2-dev >/dev/null
    "$VENV_PYTHON" -m pip install --quiet mod_wsgi==6.1.1
  else
    echo "Install apache2-dev as root, then: $VENV_PYTHON -m pip install mod_wsgi==6.1.1" >&2
    return 1
  fi
}

# command-to-check  debian-package
needed=(
  "/usr/bin/chromium chromium"
  "/usr/bin/indexer sphinxsearch"
  "/usr/lib/python3/dist-packages/xapian python3-xapian"
  # Deployment tests: fab deploy over a real sshd, Apache + mod_wsgi, nginx in front of gunicorn.
  "/usr/sbin/sshd openssh-server"
  "/usr/sbin/apache2 apache2"
  "/usr/lib/apache2/modules/mod_wsgi.so libapache2-mod-wsgi-py3"
  "/usr/sbin/nginx nginx"
  "/usr/bin/openssl openssl"
)
# pycairo (ReportLab's PNG charts) builds against cairo's headers.
build_needed=(
  "/usr/include/cairo/cairo.h libcairo2-dev"
  "/usr/bin/pkg-config pkg-config"
  "/usr/bin/cc gcc"
)
if [ -n "$BUILD_ONLY" ]; then needed=("${build_needed[@]}"); fi

missing=()
for entry in "${needed[@]}"; do
  read -r path package <<<"$entry"
  [ -e "$path" ] || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
  check_mod_wsgi
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Install only: never start the services (the tests start their own on loopback ports).
  policy=/usr/sbin/policy-rc.d
  created_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ -n "$created_policy" ]; then rm -f "$policy"; fi
else
  echo "Missing Debian packages (install them as root): ${missing[*]}" >&2
  exit 1
fi

check_mod_wsgi
