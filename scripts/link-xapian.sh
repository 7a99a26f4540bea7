#!/usr/bin/env bash
# Make Debian's Xapian bindings (python3-xapian) importable from the virtualenv.
# They are built for Debian's Python 3.11; the virtualenv's Python 3.11 shares that ABI, so a
# symlink of the one package (not the whole dist-packages folder) is enough.
# Usage: scripts/link-xapian.sh .venv/bin/python
set -euo pipefail
python="${1:-.venv/bin/python}"
source_dir=/usr/lib/python3/dist-packages/xapian

[ -x "$python" ] || { echo "No virtualenv Python at $python: skipping the Xapian link."; exit 0; }
"$python" -c "import xapian" 2>/dev/null && exit 0
[ -d "$source_dir" ] || { echo "python3-xapian is not installed: Xapian search stays off." >&2; exit 0; }

version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')
if ! ls "$source_dir"/_xapian.cpython-"$version"-*.so >/dev/null 2>&1; then
  echo "python3-xapian is built for another Python than $python (cp$version): Xapian search stays off." >&2
  exit 0
fi
site=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
ln -sfn "$source_dir" "$site/xapian"
"$python" -c "import xapian; print('Xapian', xapian.version_string(), 'linked into', '$site')"
