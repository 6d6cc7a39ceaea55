#!/bin/sh
# SIGHUP re-reads zxd.conf: log_level, [policy] and [limits] change at
# once (seen here through the root-resource policy, which decides what
# `zxctl status` says the caller sees, and through debug lines that
# appear); a change that needs a restart is logged, not applied; a file
# with errors changes nothing and zxd goes on serving. Then SIGTERM
# still stops it cleanly.
set -u
build=${ZXD_TOP_BUILDDIR:?}
zxd=${ZXD_BIN:?}
zxctl=$build/zxctl

tmp=$(mktemp -d /tmp/zxd-reload.XXXXXX)
chmod 755 "$tmp"
pid=
cleanup() {
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() {
	echo "FAIL: $*" >&2
	[ -f "$tmp/zxd.log" ] && cat "$tmp/zxd.log" >&2
	exit 1
}
# Wait until the log has a line matching $1 (up to 5 s).
wait_log() {
	for _ in $(seq 100); do
		grep -q "$1" "$tmp/zxd.log" && return 0
		sleep 0.05
	done
	return 1
}

me=$(id -u)
sock=$tmp/zxd.sock
printf '[daemon]\nlog_level = info\n[policy]\nroot_uids = %s\n' "$me" \
	>"$tmp/zxd.conf"
"$zxd" --socket "$sock" --config "$tmp/zxd.conf" 2>"$tmp/zxd.log" &
pid=$!
wait_log "ready" || fail "zxd did not start"
export ZXD_SOCKET="$sock"
"$zxctl" status | grep -q "every object" ||
	fail "the policy of the file does not admit this uid"
grep -q '^<7>' "$tmp/zxd.log" && fail "debug lines at log_level info"

# Live: policy and log level. Not live: the backend.
printf '[daemon]\nlog_level = debug\nbackend = devmem\n[policy]\nroot_uids = 12345\n' \
	>"$tmp/zxd.conf"
kill -HUP "$pid"
wait_log "reloaded $tmp/zxd.conf" || fail "no reload message"
grep -q "backend changed; that takes effect when zxd restarts" \
	"$tmp/zxd.log" || fail "the backend change was not reported"
"$zxctl" status >"$tmp/status" || fail "zxctl status after the reload"
grep -q "backend sim" "$tmp/status" || fail "the backend changed live"
grep -q "every object" "$tmp/status" &&
	fail "the new policy did not take effect"
wait_log '^<7>' || fail "log_level debug did not take effect"
echo "ok - SIGHUP applies log_level and [policy], reports the backend"

# A file with errors: nothing changes, zxd goes on.
lines=$(wc -l <"$tmp/zxd.log")
printf '[daemon]\nno_such_key = 1\n[policy]\nroot_uids = %s\n' "$me" \
	>"$tmp/zxd.conf"
kill -HUP "$pid"
wait_log "has errors; the running configuration is kept" ||
	fail "a bad file was not reported"
grep -q "zxd.conf:2: unknown key 'no_such_key'" "$tmp/zxd.log" ||
	fail "the file's error was not logged with its line"
"$zxctl" status | grep -q "every object" &&
	fail "a bad file changed the policy"
echo "ok - a file with errors changes nothing"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || fail "zxd exited with $rc after reloads"
grep -Eq '^<[0-2]>|Sanitizer|runtime error' "$tmp/zxd.log" &&
	fail "sanitizer report or critical line in the log"
echo "ok - SIGTERM after reloads: exit 0"
exit 0
