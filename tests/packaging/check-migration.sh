#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# docs/migration.md's libwireguard side compiles: its C block (the one marked
# "/* libwireguard */") against the header, -Wall -Werror, and its Python
# blocks parse.
#   check-migration.sh MIGRATION_MD INCLUDE_DIR
set -eu
md=$1 inc=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
awk '/^```c$/ { on = 1; n = 0; next } /^```$/ { on = 0 } on { n++; if (n == 1) keep = ($0 == "/* libwireguard */"); if (keep) print }' \
	"$md" >"$dir/body.c"
[ -s "$dir/body.c" ] || { echo "FAIL: no /* libwireguard */ C block in $md"; exit 1; }
{
	printf '#include <arpa/inet.h>\n#include <stdio.h>\n#include <wireguard.h>\n'
	printf 'int port(const char *PEER_KEY);\nint port(const char *PEER_KEY)\n{\n'
	cat "$dir/body.c"
	printf '\treturn 0;\n}\n'
} >"$dir/m.c"
${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -I"$inc" -c -o "$dir/m.o" "$dir/m.c" || { cat -n "$dir/m.c"; exit 1; }
echo "ok: the C port compiles"
awk '/^```python$/ { on = 1; next } /^```$/ { on = 0; print "#--" } on' "$md" >"$dir/py.txt"
python3 - "$dir/py.txt" <<'PY'
import sys
blocks = open(sys.argv[1]).read().split("#--\n")
for b in blocks:
    if b.strip():
        compile(b, "migration.md", "exec")
print("ok: %d Python blocks parse" % sum(1 for b in blocks if b.strip()))
PY
