#!/bin/sh
# zxctl as an operator uses it: no command means status; rights by
# name (--numeric for hex); -o picks and orders table columns (an unknown
# one is a usage error naming the columns); --no-legend drops the head
# row; tables fit $COLUMNS; --watch repeats (--count stops it); top;
# `zxctl bti` of an unnamed BTI has no stray space; the bash completion
# parses and completes commands and options.
set -u
src=${ZXD_TOP_SRCDIR:?}
build=${ZXD_TOP_BUILDDIR:?}
zxd=${ZXD_BIN:?}
zxctl=$build/zxctl
holder=$build/tests/ops/holder

tmp=$(mktemp -d /tmp/zxd-zxctlfmt.XXXXXX)
chmod 755 "$tmp"
pid=
hpid=
cleanup() {
	[ -n "$hpid" ] && kill "$hpid" 2>/dev/null
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

sock=$tmp/zxd.sock
"$zxd" --socket "$sock" 2>"$tmp/zxd.log" &
pid=$!
for _ in $(seq 200); do [ -S "$sock" ] && break; sleep 0.02; done
export ZXD_SOCKET="$sock"

# A holder of objects (and, as root, of an unnamed BTI) for the tables.
mkfifo "$tmp/in"
if [ "$(id -u)" = 0 ]; then b=-B; else b=; fi
"$holder" -n 2 -p $b <"$tmp/in" >"$tmp/holder.out" &
hpid=$!
exec 3>"$tmp/in"
for _ in $(seq 200); do grep -q ready "$tmp/holder.out" && break; sleep 0.02; done
grep -q ready "$tmp/holder.out" || fail "holder did not start"

"$zxctl" >"$tmp/out" || fail "zxctl without a command"
head -1 "$tmp/out" | grep -q '^zxd [0-9]' || fail "no command is not status"
echo "ok - no command means status"

"$zxctl" handles >"$tmp/out" || fail "zxctl handles"
grep -q 'duplicate,transfer,signal,wait,inspect' "$tmp/out" ||
	fail "rights not by name: $(cat "$tmp/out")"
"$zxctl" --numeric handles >"$tmp/out" || fail "zxctl --numeric handles"
grep -q ' 0x[0-9a-f]*$' "$tmp/out" || fail "--numeric: no hex rights"
grep -q 'duplicate' "$tmp/out" && fail "--numeric: names still there"
echo "ok - rights by name, --numeric in hex"

"$zxctl" -o type,koid objects >"$tmp/out" || fail "zxctl -o"
[ "$(head -1 "$tmp/out" | tr -s ' ')" = "TYPE KOID" ] ||
	fail "-o type,koid: head $(head -1 "$tmp/out")"
awk 'NR > 1 && NF != 2 { bad = 1 } END { exit bad }' "$tmp/out" ||
	fail "-o type,koid: other columns printed"
"$zxctl" --no-legend -o KOID objects >"$tmp/out" || fail "--no-legend"
grep -q KOID "$tmp/out" && fail "--no-legend printed the head"
grep -Eqv '^ *[0-9]+$' "$tmp/out" && fail "--no-legend -o KOID: not koids only"
"$zxctl" -o koid,nosuch objects >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "an unknown column is not a usage error"
grep -q "no column 'nosuch'.*KOID, TYPE" "$tmp/err" ||
	fail "an unknown column is not explained: $(cat "$tmp/err")"
echo "ok - -o picks and orders columns, --no-legend, unknown columns"

COLUMNS=44 "$zxctl" objects >"$tmp/out" || fail "COLUMNS=44"
awk 'length($0) > 44 { bad = 1 } END { exit bad }' "$tmp/out" ||
	fail "lines wider than COLUMNS=44: $(cat "$tmp/out")"
grep -q '~' "$tmp/out" || fail "nothing was cut to fit 44 columns"
echo "ok - tables fit the width"

"$zxctl" --watch 0.05 --count 3 status >"$tmp/out" || fail "--watch"
[ "$(grep -c '^zxd [0-9]' "$tmp/out")" = 3 ] ||
	fail "--watch --count 3 did not show 3 views"
"$zxctl" top --count 1 >"$tmp/out" || fail "top"
grep -q '^zxd [0-9]' "$tmp/out" && grep -q 'KOID.*TYPE' "$tmp/out" ||
	fail "top shows no status or no objects"
"$zxctl" --watch 0 status 2>/dev/null
[ $? -eq 2 ] || fail "--watch 0 is not a usage error"
echo "ok - --watch, --count, top"

if [ -n "$b" ]; then
	"$zxctl" bti >"$tmp/out" || fail "zxctl bti"
	grep -Eq '^BTI [0-9]+: ' "$tmp/out" ||
		fail "unnamed BTI: $(head -1 "$tmp/out")"
	echo "ok - an unnamed BTI has no stray space"
fi

# The bash completion: syntax, then commands and options.
bash -n "$src/etc/zxctl.bash-completion" || fail "completion syntax"
out=$(bash -c '
	. "$1"
	COMP_WORDS=(zxctl ob); COMP_CWORD=1; _zxctl; echo "${COMPREPLY[*]}"
	COMP_WORDS=(zxctl --no); COMP_CWORD=1; _zxctl; echo "${COMPREPLY[*]}"
	COMP_WORDS=(zxctl -o koid,ty); COMP_CWORD=2; _zxctl; echo "${COMPREPLY[*]}"
' sh "$src/etc/zxctl.bash-completion") || fail "completion did not run"
[ "$out" = "objects
--no-legend
koid,type" ] || fail "completion: $out"
echo "ok - bash completion"

exec 3>&-
wait "$hpid"
hpid=
kill -TERM "$pid"
wait "$pid" || fail "zxd did not stop cleanly"
pid=
exit 0
