#!/bin/sh
# `make install` into a staging folder (DESTDIR), as nobody when run as
# root, so installing needs no privilege; then the installed files: units
# with every path and setting substituted, `systemd-analyze verify` clean
# on them, the sysusers.d and tmpfiles.d snippets applied to an empty
# root, the sample zxd.conf, the man pages.
set -u
src=${ZXD_TOP_SRCDIR:?}
build=${ZXD_TOP_BUILDDIR:?}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
skip() {
	echo "SKIP: $*"
	exit 77
}

vars=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -s --no-print-directory -C "$build" ops-vars) ||
	fail "make ops-vars"
eval "$vars"

tmp=$(mktemp -d /tmp/zxd-units.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
root=$tmp/root
mkdir "$root"

# --- install, without privilege ------------------------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chown 65534:65534 "$root"
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
	as_user=
fi
$as_user env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -C "$build" install DESTDIR="$root" \
	>"$tmp/install.log" 2>&1 || {
	cat "$tmp/install.log" >&2
	fail "make install DESTDIR=... failed"
}
echo "ok - make install into a DESTDIR${as_user:+ as nobody}"

for f in "$sbindir/zxd" "$bindir/zxctl" "$libdir/pkgconfig/zx.pc" \
	"$includedir/zircon/syscalls.h" "$includedir/zxd/zxd.h" \
	"$systemdsystemunitdir/zxd.service" "$systemdsystemunitdir/zxd.socket" \
	"$sysusersdir/zxd.conf" "$tmpfilesdir/zxd.conf" \
	"$sysconfdir/zxd.conf"; do
	[ -f "$root$f" ] || fail "$f not installed"
done
for p in $man_pages; do
	n=$(basename "$p")
	[ -f "$root$mandir/man${n##*.}/$n" ] || fail "man page $n not installed"
done
# Nothing outside the configured folders (--prefix and the unit folders).
find "$root" -type f | sed "s|^$root||" | while read -r f; do
	case $f in
	"$prefix"/* | "$systemdsystemunitdir"/* | "$sysusersdir"/* | \
	"$tmpfilesdir"/* | "$sysconfdir"/*) ;;
	*) echo "$f"; exit 1 ;;
	esac
done >"$tmp/outside" || fail "installed outside the configured folders: $(cat "$tmp/outside")"
cmp -s "$src/etc/zxd.conf" "$root$sysconfdir/zxd.conf" ||
	fail "the installed zxd.conf is not the sample"
echo "ok - binaries, headers, units, snippets, zxd.conf, man pages"

service=$root$systemdsystemunitdir/zxd.service
socket=$root$systemdsystemunitdir/zxd.socket

# --- substitution ------------------------------------------------------------
for f in "$service" "$socket" "$root$mandir/man8/zxd.8" \
	"$root$mandir/man5/zxd.conf.5"; do
	grep -n '@[A-Za-z_]*@' "$f" && fail "$f: a template name is left"
done
grep -qx "ExecStart=$sbindir/zxd --config $sysconfdir/zxd.conf" "$service" ||
	fail "zxd.service: ExecStart is not $sbindir/zxd: $(grep ExecStart "$service")"
grep -qx "SocketMode=$socket_mode" "$socket" || fail "zxd.socket: SocketMode"
grep -qx "SocketGroup=$socket_group" "$socket" || fail "zxd.socket: SocketGroup"
grep -q "$sysconfdir/zxd.conf" "$root$mandir/man8/zxd.8" ||
	fail "zxd(8) does not name $sysconfdir/zxd.conf"
echo "ok - paths and socket settings substituted"

# --- what the units promise ---------------------------------------------------
for line in ListenSequentialPacket=/run/zxd/zxd.sock; do
	grep -qx "$line" "$socket" || fail "zxd.socket lacks $line"
done
for line in Type=notify WatchdogSec=30s LimitNOFILE=524288 \
	NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes \
	PrivateTmp=yes PrivateDevices=yes RestrictAddressFamilies=AF_UNIX \
	SystemCallFilter=@system-service CapabilityBoundingSet= \
	AmbientCapabilities= User=zxd Requires=zxd.socket; do
	grep -qx "$line" "$service" || fail "zxd.service lacks $line"
done
echo "ok - socket activation, notify, watchdog and sandbox settings"

# --- systemd-analyze verify ---------------------------------------------------
# verify checks that ExecStart exists on this machine; the binary is in
# the staging folder, so verify copies whose ExecStart points there (the
# one line that differs).
if command -v systemd-analyze >/dev/null; then
	mkdir "$tmp/verify"
	sed "s|^ExecStart=$sbindir/|ExecStart=$root$sbindir/|" "$service" \
		>"$tmp/verify/zxd.service"
	cp "$socket" "$tmp/verify/zxd.socket"
	[ "$(diff "$service" "$tmp/verify/zxd.service" | grep -c '^[<>]')" = 2 ] ||
		fail "the verify copy differs in more than ExecStart"
	# Documentation= pages are looked up with man(1): in the staging
	# folder, so they must be installed under those names.
	if command -v man >/dev/null; then
		man_check="--man=yes"
	else
		man_check="--man=no"
		echo "note: man(1) not found; Documentation= not checked"
	fi
	(cd "$tmp/verify" && MANPATH=$root$mandir SYSTEMD_LOG_LEVEL=notice \
		systemd-analyze verify $man_check "$tmp/verify/zxd.socket" \
		"$tmp/verify/zxd.service") >"$tmp/verify.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$tmp/verify.log" ]; then
		cat "$tmp/verify.log" >&2
		fail "systemd-analyze verify: status $rc"
	fi
	echo "ok - systemd-analyze verify zxd.socket zxd.service"
else
	echo "note: systemd-analyze not found; units not verified"
fi

# --- sysusers.d and tmpfiles.d snippets, applied to an empty root ----------------
if command -v systemd-sysusers >/dev/null; then
	mkdir -p "$tmp/sysroot/etc"
	systemd-sysusers --root="$tmp/sysroot" \
		"$root$sysusersdir/zxd.conf" >"$tmp/sysusers.log" 2>&1 || {
		cat "$tmp/sysusers.log" >&2
		fail "systemd-sysusers"
	}
	grep -q '^zxd:x:[0-9]*:[0-9]*:' "$tmp/sysroot/etc/passwd" ||
		fail "sysusers.d/zxd.conf did not create user zxd"
	grep -q '^zxd:x:' "$tmp/sysroot/etc/group" ||
		fail "sysusers.d/zxd.conf did not create group zxd"
	echo "ok - sysusers.d/zxd.conf creates user and group zxd"
fi
if command -v systemd-tmpfiles >/dev/null; then
	systemd-tmpfiles --root="$tmp/sysroot" --create \
		"$root$tmpfilesdir/zxd.conf" >"$tmp/tmpfiles.log" 2>&1 || {
		cat "$tmp/tmpfiles.log" >&2
		fail "systemd-tmpfiles"
	}
	[ "$(stat -c %a "$tmp/sysroot/run/zxd")" = 755 ] ||
		fail "tmpfiles.d/zxd.conf: /run/zxd is not 0755"
	echo "ok - tmpfiles.d/zxd.conf creates /run/zxd"
fi

# --- uninstall leaves nothing; an operator's zxd.conf survives both ways ------------
echo "# mine" >>"$root$sysconfdir/zxd.conf"
$as_user env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -C "$build" install DESTDIR="$root" \
	>"$tmp/install2.log" 2>&1 || fail "second make install"
tail -n 1 "$root$sysconfdir/zxd.conf" | grep -qx '# mine' ||
	fail "make install replaced an edited zxd.conf"
$as_user env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -C "$build" uninstall DESTDIR="$root" \
	>"$tmp/uninstall.log" 2>&1 || fail "make uninstall"
[ -f "$root$sysconfdir/zxd.conf" ] ||
	fail "make uninstall removed an edited zxd.conf"
rm "$root$sysconfdir/zxd.conf"
left=$(find "$root" -type f)
[ -z "$left" ] || fail "make uninstall left: $left"
echo "ok - make uninstall removes all but an edited zxd.conf"
exit 0
