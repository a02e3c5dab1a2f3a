#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install the Debian packages into a throwaway root and run the examples
# against the installed files alone.
#   check-debs.sh DEBDIR SOURCE_ROOT
# The root is an overlay of this system's / in a private mount namespace,
# its writes on a tmpfs that vanishes with the namespace: dpkg -i runs for
# real (maintainer scripts, ldconfig, triggers) without touching the host.
# Needs root; exits 77 (skip) without it or without .debs in DEBDIR.
set -u
debs=$(cd "$1" 2>/dev/null && pwd) src=$(cd "$2" && pwd)
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	echo "SKIP: needs root and unshare"; exit 77
fi
if ! ls "$debs"/libwireguard1_*.deb >/dev/null 2>&1; then
	echo "SKIP: no packages in $1 (tools/build-debs.sh $1 builds them)"; exit 77
fi
exec unshare --mount --propagation private sh -s "$debs" "$src" <<'OUTER'
set -eu
debs=$1 src=$2
t=$(mktemp -d)
mount -t tmpfs tmpfs "$t"
mkdir "$t/up" "$t/work" "$t/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$t/up,workdir=$t/work" "$t/root"
r=$t/root
mount -t proc proc "$r/proc"
mount --rbind /dev "$r/dev"
mount --rbind /sys "$r/sys"
mount -t tmpfs tmpfs "$r/run"
mount -t tmpfs tmpfs "$r/tmp"
# No trace of a source build may be found: not in /usr/local, not the tree.
rm -rf "$r"/usr/local/lib/*/libwireguard* "$r"/usr/local/lib/libwireguard* \
	"$r"/usr/local/include/wireguard.h "$r"/usr/local/lib/*/pkgconfig/libwireguard.pc \
	"$r"/usr/local/lib/python3*/*-packages/pywireguard* "$r/usr/local/bin/wg-engine"
mkdir "$r/tmp/debs" "$r/tmp/ex"
cp "$debs"/*.deb "$r/tmp/debs/"
cp "$src/README.md" "$src/examples/demo.c" "$src/examples/python/quickstart.py" "$r/tmp/ex/"
[ -d "$src/bindings/go" ] && cp -r "$src/bindings/go" "$r/tmp/ex/bindings-go" && cp -r "$src/examples/go" "$r/tmp/ex/go"
[ -d "$r/$src" ] && mount -t tmpfs tmpfs "$r/$src"	# hide the source tree
chroot "$r" /bin/sh -s <<'INNER'
set -u
fail=0
check() {	# check NAME COMMAND...: run it, report
	name=$1; shift
	if out=$("$@" 2>&1); then echo "ok: $name"; else echo "FAIL: $name"; echo "$out" | tail -20; fail=1; fi
}
cd /tmp/ex
export DEBIAN_FRONTEND=noninteractive
check "dpkg -i" dpkg -i /tmp/debs/libwireguard1_*.deb /tmp/debs/libwireguard-dev_*.deb \
	/tmp/debs/wg-engine_*.deb /tmp/debs/wg-monitor_*.deb /tmp/debs/python3-pywireguard_*.deb
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH); export ma
check "files in place" test -e /usr/lib/$ma/libwireguard.so.1 -a -e /usr/include/wireguard.h \
	-a -e /usr/bin/wg-engine -a -e /lib/systemd/system/wg-engine@.service \
	-a -e /usr/share/man/man8/wg-engine.8.gz -a -e /usr/share/man/man3/libwireguard.3.gz \
	-a -e /usr/share/man/man3/wg_get_device.3.gz -a -e /usr/share/doc/libwireguard1/copyright
check "pkg-config" sh -c 'test "$(pkg-config --modversion libwireguard)" = "$(dpkg-query -W -f="\${Version}" libwireguard-dev)" &&
	test "$(pkg-config --variable=license libwireguard)" = LGPL-2.1-or-later'
awk '/^```c$/ { on = 1; next } /^```$/ { if (on) exit } on' README.md >snippet.c
check "README's C snippet" sh -c 'cc -Wall -Werror -o snippet snippet.c $(pkg-config --cflags --libs libwireguard) &&
	./snippet | grep -q "^public key: [A-Za-z0-9+/]\{43\}=$" &&
	ldd ./snippet | grep -q "libwireguard.so.1 => /\(usr/\)\{0,1\}lib/$ma/libwireguard.so.1"'
check "demo, dynamic" sh -c 'cc -Wall -Werror -o demo demo.c $(pkg-config --cflags --libs libwireguard) && ./demo'
check "demo, static archive" sh -c 'cc -Wall -Werror -o demo-static demo.c $(pkg-config --cflags libwireguard) \
	-Wl,-Bstatic -lwireguard -Wl,-Bdynamic $(pkg-config --static --libs-only-l libwireguard | sed "s/-lwireguard//") -lpthread &&
	./demo-static && ! ldd ./demo-static | grep -q libwireguard'
check "python quickstart" sh -c '/usr/bin/python3 -c "import pywireguard, sys; assert pywireguard.__file__.startswith(\"/usr/lib/python3/dist-packages/\"), pywireguard.__file__" &&
	/usr/bin/python3 quickstart.py'
check "wg-engine --version" sh -c 'wg-engine --version | grep -q libwireguard'
check "wg-monitor --help" sh -c 'wg-monitor --help >/dev/null'
check "man pages" sh -c 'test "$(readlink -f /usr/share/man/man3/wg_get_device.3.gz)" = /usr/share/man/man3/libwireguard-devices.3.gz &&
	zcat /usr/share/man/man8/wg-engine.8.gz | grep -q "^.SH SYNOPSIS"'
if command -v systemd-analyze >/dev/null; then
	check "systemd-analyze verify" sh -c 'out=$(systemd-analyze verify --man=no /lib/systemd/system/wg-engine@wg0.service 2>&1) && [ -z "$out" ] || { echo "$out"; false; }'
fi
if [ -c /dev/net/tun ] && command -v wg >/dev/null; then
	check "wg-engine brings up an interface wg(8) configures" unshare --net sh -c '
		wg-engine wgdeb0 && wg set wgdeb0 listen-port 51998 &&
		test "$(wg show wgdeb0 listen-port)" = 51998 && ip link del wgdeb0'
fi
if command -v go >/dev/null && command -v swig >/dev/null && [ -d go ]; then
	# The example's go.mod points at ../../bindings/go: lay them out so.
	mkdir -p gox/examples gox/bindings && mv go gox/examples/go && mv bindings-go gox/bindings/go
	check "Go example" sh -c 'cd gox/examples/go && HOME=/tmp GOCACHE=/tmp/gocache GOFLAGS=-buildvcs=false GOPROXY=off GOTOOLCHAIN=local \
		go build -o /tmp/ex/go-example . && /tmp/ex/go-example'
fi
exit $fail
INNER
OUTER
