#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Build the Debian packages from a clean copy of the source tree and check
# them with lintian (any error fails).
#   tools/build-debs.sh [OUTDIR]      (default: build-deb/)
# DEB_BUILD_OPTIONS is passed through (e.g. nocheck, parallel=2).  Needs the
# build-dependencies of debian/control (tools/install-deps.sh installs them).
set -eu
cd "$(dirname "$0")/.."
out=$(mkdir -p "${1:-build-deb}" && cd "${1:-build-deb}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/libwireguard
mkdir "$src"
# Only the project's files: git's when this is a checkout, else all but build dirs.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$src" 2>/dev/null || true
else
	tar --exclude='./build*' --exclude='./.git' -cf - . | tar -xf - -C "$src"
fi
(cd "$src" && dpkg-checkbuilddeps && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -50 "$out/build.log"; echo "FAIL: dpkg-buildpackage (log: $out/build.log)"; exit 1; }
rm -f "$out"/*.deb
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
echo "built: $(cd "$out" && ls *.deb | tr '\n' ' ')"
# lintian: errors fail; warnings are printed.
lstatus=0
lintian --fail-on error --tag-display-limit 0 "$out"/*.changes >"$out/lintian.log" 2>&1 || lstatus=$?
cat "$out/lintian.log"
[ $lstatus = 0 ] || { echo "FAIL: lintian"; exit 1; }
echo "lintian: no errors"
