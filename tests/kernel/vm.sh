#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run a command inside a throw-away VM booted from Debian's linux-image-amd64
# kernel (which has the WireGuard module), under qemu's TCG, and exit with the
# command's status.
#
#   vm.sh --cache DIR [--copy FILE]... [--timeout SECONDS] [--mem MIB] -- COMMAND [ARGS]
#
# --cache   where the kernel package, its extracted modules and the
#           uncompressed vmlinux are kept between runs (created if missing).
# --copy    a program or script to put in the guest's /usr/local/bin, with the
#           shared libraries it needs (found with ldd).
# COMMAND runs as root in the guest's initial network namespace, with ip
# (iproute2), wg (wireguard-tools), busybox and dash, the modules of
# DESIGN.md section 5 loaded, and cwd a tmpfs.  Its output and its exit
# status come back over the serial console.  Exit 77 (skip) only when qemu
# or the kernel cannot be had at all.
set -eu

cache= timeout=300 copies= mem=512
while [ $# -gt 0 ]; do
	case $1 in
	--cache) cache=$2; shift 2 ;;
	--copy) copies="$copies $2"; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--) shift; break ;;
	*) echo "vm.sh: unknown option $1" >&2; exit 2 ;;
	esac
done
[ -n "$cache" ] && [ $# -gt 0 ] || { echo "usage: vm.sh --cache DIR [--copy FILE]... -- COMMAND" >&2; exit 2; }
# Sanitizer builds run several times slower: meson's --timeout-multiplier reaches us here.
timeout=$((timeout * ${VM_TIMEOUT_MULTIPLIER:-1}))

skip() { echo "SKIP: $*"; exit 77; }
for tool in qemu-system-x86_64 busybox dash ip wg cpio depmod modprobe flock xz; do
	command -v $tool >/dev/null 2>&1 || skip "$tool is missing (run tools/install-deps.sh)"
done
busybox_bin=$(command -v busybox)
# The guest has no loader before init runs: busybox must be static.
if ldd "$busybox_bin" >/dev/null 2>&1; then skip "busybox is not static (install busybox-static)"; fi

mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# --- the kernel, once per cache (tests run in parallel: take a lock) ---------
prepare_kernel() {
	# A cache made before tun was on the list below is made again.
	[ -s "$cache/vmlinux" ] && [ -s "$cache/modules.list" ] && grep -q '^tun.ko' "$cache/modules.list" && return 0
	cd "$cache"
	deb=$(ls linux-image-6.*-amd64_*.deb 2>/dev/null | head -n 1 || true)
	# tools/install-deps.sh leaves the package in a shared place.
	[ -n "$deb" ] || deb=$(ls /var/cache/libwireguard/linux-image-6.*-amd64_*.deb 2>/dev/null | head -n 1 || true)
	if [ -z "$deb" ]; then
		pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/ *Depends: \(linux-image-6\..*-amd64\)$/\1/p' | head -n 1)
		[ -n "$pkg" ] || return 1
		apt-get download -o APT::Sandbox::User=root "$pkg" >/dev/null 2>&1 ||
			apt-get download "$pkg" >/dev/null 2>&1 || return 1
		deb=$(ls linux-image-6.*-amd64_*.deb 2>/dev/null | head -n 1 || true)
		[ -n "$deb" ] || return 1
	fi
	rm -rf root && mkdir root
	dpkg-deb -x "$deb" root
	kver=$(ls root/lib/modules | head -n 1)
	depmod -b root "$kver"
	# The bzImage wraps an xz-compressed vmlinux; booting that ELF through
	# qemu's PVH entry skips the decompressor (~3 s under TCG).
	python3 - "root/boot/vmlinuz-$kver" vmlinux.xz <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
at = data.find(b'\xfd7zXZ\x00')
if at < 0:
    sys.exit("no xz payload in " + sys.argv[1])
open(sys.argv[2], 'wb').write(data[at:])
PY
	xz -dc vmlinux.xz > vmlinux.tmp 2>/dev/null || true	# trailing bytes after the stream
	rm -f vmlinux.xz
	[ -s vmlinux.tmp ] || return 1
	mv vmlinux.tmp vmlinux
	# Keep only the modules the guest loads (the package unpacks to ~400 MB).
	rm -rf modules && mkdir modules
	modprobe -d root -S "$kver" -a --show-depends wireguard veth dummy tun | sed -n 's/^insmod //p' |
		while read -r path args; do
			cp "$path" modules/ && echo "$(basename "$path") $args"
		done > modules.list.tmp
	[ -s modules.list.tmp ] || return 1
	rm -rf root
	rm -f linux-image-*.deb
	mv modules.list.tmp modules.list
}
(
	flock 9
	prepare_kernel
) 9>"$cache/.lock" || skip "cannot download or unpack the linux-image-amd64 kernel into $cache"

# --- the initramfs -------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/wg-vm.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/usr/local/bin" \
	"$root/usr/local/lib" "$root/lib64" "$root/proc" "$root/sys" "$root/dev" "$root/run" \
	"$root/tmp" "$root/etc" "$root/var" "$root/lib/modules"
ln -s ../run "$root/var/run"
cp "$busybox_bin" "$root/bin/busybox"

copy_with_libs() {	# FILE DESTDIR
	cp "$1" "$2/"
	ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
		case $lib in
		*/ld-linux*) cp -L "$lib" "$root/lib64/" ;;
		# System libraries where the loader looks by default (init runs
		# before any LD_LIBRARY_PATH); the build's own ones beside ours.
		/lib/*|/usr/lib/*) mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib" ;;
		*) cp -L "$lib" "$root/usr/local/lib/" ;;
		esac
	done
}
copy_with_libs "$(command -v dash)" "$root/bin"
ln -s dash "$root/bin/sh"
# iproute2's ip, not busybox's applet (which lacks netns and wireguard links).
copy_with_libs "$(command -v ip)" "$root/usr/local/bin"
copy_with_libs "$(command -v wg)" "$root/usr/local/bin"
for f in $copies; do
	copy_with_libs "$f" "$root/usr/local/bin"
done

modules=
while read -r ko args; do
	cp "$cache/modules/$ko" "$root/lib/modules/"
	modules="$modules
insmod /lib/modules/$ko $args"
done < "$cache/modules.list"

{
	echo '#!/bin/sh'
	echo 'export PATH=/usr/local/bin:/bin:/sbin:/usr/bin:/usr/sbin LD_LIBRARY_PATH=/usr/local/lib HOME=/tmp WG_COLOR_MODE=never'
	# The sanitizers' settings, when the caller has them.
	for v in ASAN_OPTIONS UBSAN_OPTIONS; do
		eval "val=\${$v:-}"
		[ -z "$val" ] || printf "export %s='%s'\n" "$v" "$val"
	done
	echo '/bin/busybox --install -s'
	echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev'
	echo 'mount -t tmpfs tmp /tmp; mount -t tmpfs run /run'
	# devtmpfs has none of these.
	echo 'ln -s /proc/self/fd /dev/fd; ln -s fd/0 /dev/stdin; ln -s fd/1 /dev/stdout; ln -s fd/2 /dev/stderr'
	echo "$modules" | grep '^insmod' | sed 's/$/ || echo "@@@ insmod failed"/'
	echo 'ip link set lo up'
	echo 'cd /tmp'
	echo 'echo "@@@ START"'
	printf '%s' '('
	for a in "$@"; do printf " '%s'" "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"; done
	echo ') </dev/null 2>&1'
	echo 'echo "@@@ EXIT $?"'
	echo 'reboot -f'
} > "$root/init"
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$work/initrd"

# --- boot --------------------------------------------------------------------
status=0
timeout -k 5 "$timeout" qemu-system-x86_64 -nodefaults -display none -machine accel=tcg -cpu max \
	-smp 1 -m "$mem" -serial stdio -no-reboot \
	-kernel "$cache/vmlinux" -initrd "$work/initrd" \
	-append "console=ttyS0 quiet panic=-1 oops=panic no_timer_check rdinit=/init" </dev/null > "$work/console" 2>&1 ||
	status=$?
tr -d '\r' < "$work/console" | sed -n '/^@@@ START$/,$p' | grep -v '^@@@ START$' || true
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
	echo "vm.sh: the VM did not finish within $timeout s" >&2
	tr -d '\r' < "$work/console" | tail -n 20 >&2
	exit 1
fi
rc=$(tr -d '\r' < "$work/console" | sed -n 's/^@@@ EXIT \([0-9]*\)$/\1/p' | tail -n 1)
if [ -z "$rc" ]; then
	echo "vm.sh: the guest reported no exit status (qemu exited with $status); console:" >&2
	tr -d '\r' < "$work/console" | tail -n 40 >&2
	exit 1
fi
if grep -q '@@@ insmod failed' "$work/console"; then
	echo "vm.sh: a kernel module failed to load" >&2
	exit 1
fi
exit "$rc"
