#!/bin/sh
# Socket activation and readiness, as zxd.socket and zxd.service run
# zxd, without a running systemd: systemd-socket-activate binds a
# SOCK_SEQPACKET socket and starts zxd on the first connection, and
# tests/ops/notify-listen stands in for NOTIFY_SOCKET. zxd must serve on
# the inherited socket (not bind its own), report READY=1 and MAINPID
# from its own pid, ping the watchdog, and stop cleanly on SIGTERM.
set -u
build=${ZXD_TOP_BUILDDIR:?}
zxd=${ZXD_BIN:?}
zxctl=$build/zxctl
listen=$build/tests/ops/notify-listen
fail() {
	echo "FAIL: $*" >&2
	[ -f "$tmp/zxd.log" ] && sed 's/^/zxd: /' "$tmp/zxd.log" >&2
	[ -f "$tmp/notify.out" ] && sed 's/^/notify: /' "$tmp/notify.out" >&2
	exit 1
}
command -v systemd-socket-activate >/dev/null ||
	{ echo "SKIP: systemd-socket-activate not found"; exit 77; }

tmp=$(mktemp -d /tmp/zxd-activation.XXXXXX)
chmod 755 "$tmp"
pids=
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$tmp"' \
	EXIT INT TERM
sock=$tmp/zxd.sock
nsock=$tmp/notify.sock

wait_for() {	# FILE PATTERN: up to 10 s for a line matching PATTERN
	i=0
	until grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 1000 ] && return 1
		sleep 0.01
	done
	return 0
}

# The notification socket first: READY=1 and a watchdog ping within 20 s.
"$listen" "$nsock" 20 READY=1 WATCHDOG=1 MAINPID= >"$tmp/notify.out" &
listen_pid=$!
pids="$pids $listen_pid"
wait_for "$tmp/notify.out" '^ready$' || fail "notify-listen did not start"

# The environment zxd would get from systemd; sanitizer options pass
# through for the check build.
set -- -E NOTIFY_SOCKET="$nsock" -E WATCHDOG_USEC=200000
for v in ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS; do
	eval "val=\${$v-}"
	[ -n "$val" ] && set -- "$@" -E "$v=$val"
done
systemd-socket-activate --seqpacket -l "$sock" "$@" "$zxd" \
	--socket "$tmp/not-this.sock" 2>"$tmp/zxd.log" &
zxd_pid=$!
pids="$pids $zxd_pid"
wait_for "$tmp/zxd.log" "Listening on $sock" || fail "no listening socket"
[ -S "$sock" ] || fail "$sock is not a socket"

# Nothing runs before the first connection.
sleep 0.2
grep -q 'ready' "$tmp/zxd.log" && fail "zxd started before any connection"
grep -q '^READY=1' "$tmp/notify.out" && fail "READY=1 before any connection"

# The first connection starts zxd, which answers on the activated
# socket: the daemon's pid is the one systemd-socket-activate exec'ed.
"$zxctl" --socket "$sock" --json status >"$tmp/status.json" ||
	fail "zxctl status through the activated socket"
grep -q "\"pid\": $zxd_pid," "$tmp/status.json" ||
	fail "status pid is not $zxd_pid: $(cat "$tmp/status.json")"
grep -q '^<6>listening on the socket-activated socket$' "$tmp/zxd.log" ||
	fail "zxd did not take the activated socket"
[ -e "$tmp/not-this.sock" ] && fail "zxd bound --socket under activation"
echo "ok - started by the first connection, serving on the activated socket"

# READY=1, MAINPID and a watchdog ping, all sent by zxd itself.
wait "$listen_pid" || fail "no READY=1 and WATCHDOG=1 from zxd"
pids=$zxd_pid
grep -qx "SENDER_PID=$zxd_pid" "$tmp/notify.out" ||
	fail "notifications not sent by zxd (pid $zxd_pid)"
grep -qx "MAINPID=$zxd_pid" "$tmp/notify.out" || fail "MAINPID"
grep -q '^STATUS=Serving on the activated socket$' "$tmp/notify.out" ||
	fail "STATUS"
grep -qx 'READY=1' "$tmp/notify.out" || fail "READY=1"
grep -qx 'WATCHDOG=1' "$tmp/notify.out" || fail "WATCHDOG=1"
echo "ok - READY=1, MAINPID=$zxd_pid, STATUS and WATCHDOG=1 from zxd"

# More clients, then a clean stop that leaves systemd's socket alone.
"$zxctl" --socket "$sock" objects >/dev/null || fail "second client"
kill -TERM "$zxd_pid"
wait "$zxd_pid"
rc=$?
pids=
[ $rc -eq 0 ] || fail "zxd exited with status $rc on SIGTERM"
grep -E '^<[0-3]>|Sanitizer|runtime error' "$tmp/zxd.log" &&
	fail "zxd logged an error"
[ -S "$sock" ] || fail "zxd removed the socket it did not bind"
echo "ok - SIGTERM: exit status 0, the activated socket left to systemd"
exit 0
