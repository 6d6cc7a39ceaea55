#!/bin/sh
# Run one test program against a fresh zxd on a temporary socket; the
# daemon must then stop cleanly (exit 0) on SIGTERM.
set -u
dir=$(mktemp -d /tmp/zxd-check.XXXXXX)
chmod 755 "$dir"
sock="$dir/zxd.sock"
log="$dir/zxd.log"
"${ZXD_BIN:?}" --socket "$sock" 2>"$log" &
pid=$!
trap 'kill -9 $pid 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
i=0
while [ ! -S "$sock" ]; do
	i=$((i + 1))
	if [ $i -gt 500 ] || ! kill -0 $pid 2>/dev/null; then
		echo "Bail out! zxd did not start"; cat "$log" >&2; exit 1
	fi
	sleep 0.01
done
ZXD_SOCKET=$sock "$@"
rc=$?
kill -TERM $pid
wait $pid
zrc=$?
if [ $zrc -ne 0 ]; then
	echo "zxd exited with status $zrc" >&2
	cat "$log" >&2
	[ $rc -eq 0 ] && rc=1
fi
grep -E '^<[0-3]>|ERROR: (Address|Leak)Sanitizer|runtime error' "$log" >&2 && rc=1
exit $rc
