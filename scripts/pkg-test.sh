#!/bin/bash
# Build the Debian packages from this tree, install them on this machine
# (run it on a throwaway machine or container: it installs zxd, libzx0
# and libzx-dev for real), build the demo against the installed headers
# and library with pkg-config, and run it against the installed daemon.
# Prints "packages: ok" last.
set -eu
cd "$(dirname "$0")/.."
src=$(pwd)
[ "$(id -u)" = 0 ] || { echo "pkg-test: needs root (it installs packages)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends debhelper dpkg-dev lintian \
	fakeroot g++ >/dev/null

work=$(mktemp -d /tmp/zxd-pkg.XXXXXX)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir "$work/zxd"
tar -C "$src" --exclude='./_*' --exclude=./.git -cf - . | tar -C "$work/zxd" -xf -
cd "$work/zxd"
DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1 ||
	{ tail -50 "$work/build.log"; exit 1; }
cd "$work"
ls ./*.deb
# lintian: no error (warnings are printed, not fatal).
lintian --allow-root --fail-on error ./zxd_*.changes

apt-get install -y --no-install-recommends ./zxd_*.deb ./libzx0_*.deb \
	./libzx-dev_*.deb >/dev/null
dpkg -L libzx-dev | grep -q '\.la$' && { echo "libzx-dev ships a .la" >&2; exit 1; }
getent passwd zxd >/dev/null || { echo "no zxd user after install" >&2; exit 1; }
test -f /etc/zxd.conf

# The demo, built against the installed package only.
cc -o "$work/demo" "$src/examples/demo.c" $(pkg-config --cflags --libs zx)
sock="$work/zxd.sock"
/usr/sbin/zxd --socket "$sock" 2>"$work/zxd.log" &
pid=$!
for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.05; done
export ZXD_SOCKET="$sock"
"$work/demo" /usr/bin/zxctl objects
/usr/bin/zxctl status
kill "$pid"; wait "$pid"; pid=
echo "packages: ok"
