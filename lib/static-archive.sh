#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The installed static archive: every layer's objects linked into one
# relocatable object whose hidden symbols are then made local, so a program
# linking libwireguard.a sees only the wg_* API.  Internal names such as
# blake2s() or curve25519() cannot clash with another library's.
# Usage: static-archive.sh OUT.a LD OBJCOPY AR LAYER.a...
set -eu
out=$1 ld=$2 objcopy=$3 ar=$4
shift 4
tmp=$out.o
"$ld" -r -o "$tmp" --whole-archive "$@" --no-whole-archive
"$objcopy" --localize-hidden "$tmp"
rm -f "$out"
"$ar" rcD "$out" "$tmp"
rm -f "$tmp"
