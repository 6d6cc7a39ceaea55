#!/bin/sh
# Configuration: every key daemon/config_keys.c knows is in the sample
# etc/zxd.conf and documented in zxd.conf(5); the sample is valid and,
# uncommented, is exactly the built-in configuration; `zxd --check-config`
# reports each error of a bad file as FILE:LINE: what, in line order,
# with exit status 1, and zxd refuses to start on such a file.
set -u
src=${ZXD_TOP_SRCDIR:?}
build=${ZXD_TOP_BUILDDIR:?}
zxd=${ZXD_BIN:?}
zxctl=$build/zxctl
sample=$src/etc/zxd.conf

tmp=$(mktemp -d /tmp/zxd-config.XXXXXX)
chmod 755 "$tmp"
pids=
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# --- every key: in the sample and in the man page ----------------------
keys=$(sed -n 's/.*{ SECTION_[A-Z]*, "\([a-z_]*\)".*/\1/p' \
	"$src/daemon/config_keys.c")
sections=$(sed -n 's/.*\[SECTION_[A-Z]*\] = "\([a-z]*\)".*/\1/p' \
	"$src/daemon/config.c")
[ -n "$keys" ] && [ -n "$sections" ] ||
	fail "cannot read the tables of daemon/config.c, config_keys.c"
for k in $keys; do
	grep -Eq "^#[[:space:]]*$k =" "$sample" ||
		fail "etc/zxd.conf does not show key '$k'"
	grep -q "^\.It Cm $k No = " "$src/man/zxd.conf.5.in" ||
		fail "zxd.conf(5) does not document key '$k'"
done
for s in $sections; do
	grep -Eq "^#?[[:space:]]*\[$s( [a-z0-9]+)?\]" "$sample" ||
		fail "etc/zxd.conf does not show section [$s]"
	grep -q "^\.Ss \[$s" "$src/man/zxd.conf.5.in" ||
		fail "zxd.conf(5) does not document section [$s]"
done
echo "ok - every key and section is in etc/zxd.conf and zxd.conf(5)"

# --- the sample is valid ------------------------------------------------
out=$("$zxd" --check-config "$sample" 2>&1) || fail "sample: $out"
[ "$out" = "$sample: OK" ] || fail "sample: unexpected output: $out"

# Uncommented (the keys and the built-in [region]s; not the [pci]
# example, which is indented), it must be valid too...
sed -e 's/^#\([a-z_]* =\)/\1/' -e 's/^#\(\[region \)/\1/' "$sample" \
	>"$tmp/uncommented.conf"
grep -q '^root_uids = 0$' "$tmp/uncommented.conf" ||
	fail "uncommenting the sample did not work"
out=$("$zxd" --check-config "$tmp/uncommented.conf" 2>&1) ||
	fail "uncommented sample: $out"
echo "ok - etc/zxd.conf is valid, commented and uncommented"

# ... and a zxd started with it must be the one started without a file.
start() {	# NAME [zxd options]
	name=$1
	shift
	"$zxd" --socket "$tmp/$name.sock" "$@" 2>"$tmp/$name.log" &
	pids="$pids $!"
	eval "${name}_pid=$!"
	i=0
	while [ ! -S "$tmp/$name.sock" ]; do
		i=$((i + 1))
		[ $i -gt 500 ] && { cat "$tmp/$name.log" >&2; fail "$name: no socket"; }
		sleep 0.01
	done
}
stop() {	# NAME
	eval "p=\$${1}_pid"
	kill -TERM "$p"
	wait "$p" || fail "$1: zxd exited with status $?"
	grep -E '^<[0-3]>|Sanitizer|runtime error' "$tmp/$1.log" &&
		fail "$1: zxd logged an error"
	[ -e "$tmp/$1.sock" ] && fail "$1: socket not removed"
	return 0
}
start builtin
start sample --config "$tmp/uncommented.conf"
for cmd in phys objects; do
	"$zxctl" -s "$tmp/builtin.sock" --json $cmd >"$tmp/builtin.$cmd" ||
		fail "zxctl $cmd (built-in)"
	"$zxctl" -s "$tmp/sample.sock" --json $cmd >"$tmp/sample.$cmd" ||
		fail "zxctl $cmd (sample)"
	cmp -s "$tmp/builtin.$cmd" "$tmp/sample.$cmd" ||
		fail "zxctl $cmd differs: $(diff "$tmp/builtin.$cmd" "$tmp/sample.$cmd")"
done
for n in builtin sample; do
	grep -q '"backend": "sim"' "$tmp/builtin.phys" || fail "$n: backend"
	[ "$(stat -c %a "$tmp/$n.sock")" = 666 ] ||
		fail "$n: socket mode $(stat -c %a "$tmp/$n.sock"), want 666"
done
# The policy: root admitted, nobody not, in both.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	for n in builtin sample; do
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$zxctl" -s "$tmp/$n.sock" --json objects \
			>"$tmp/$n.nobody" || fail "$n: zxctl as nobody"
		grep -q '"all_visible": false' "$tmp/$n.nobody" ||
			fail "$n: nobody is admitted"
		grep -q '"all_visible": true' "$tmp/$n.objects" ||
			fail "$n: root is not admitted"
	done
fi
stop builtin
stop sample
echo "ok - the uncommented sample is the built-in configuration"

# --- errors: FILE:LINE: what, each, in order -----------------------------
(cd "$src/tests/ops" && "$zxd" --check-config bad.conf) \
	>"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
[ $rc -eq 1 ] || fail "bad.conf: exit status $rc, want 1"
[ -s "$tmp/bad.out" ] && fail "bad.conf: output on stdout"
diff -u "$src/tests/ops/bad.expected" "$tmp/bad.err" >&2 ||
	fail "bad.conf: not the expected errors"
echo "ok - check-config reports every error of bad.conf"

out=$("$zxd" --check-config "$tmp/missing.conf" 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "missing file: exit status $rc, want 1"
[ "$out" = "$tmp/missing.conf: No such file or directory" ] ||
	fail "missing file: $out"
echo "ok - check-config on a missing file"

# zxd itself refuses a bad file, with the same errors, before listening.
"$zxd" --socket "$tmp/bad.sock" --config "$src/tests/ops/bad.conf" \
	2>"$tmp/bad.log"
rc=$?
[ $rc -eq 1 ] || fail "zxd --config bad.conf: exit status $rc, want 1"
[ -e "$tmp/bad.sock" ] && fail "zxd --config bad.conf: it listened"
grep -q "bad.conf:27: expected '\[section\]' or 'key = value'" \
	"$tmp/bad.log" || fail "zxd --config bad.conf: errors not shown"
grep -q '^<3>.*configuration not loaded' "$tmp/bad.log" ||
	fail "zxd --config bad.conf: no error logged"
echo "ok - zxd refuses to start on a bad file"
# Command line mistakes say how to get help, with status 2.
"$zxd" --no-such-option >/dev/null 2>"$tmp/opt.log"
rc=$?
[ $rc -eq 2 ] || fail "zxd --no-such-option: exit status $rc, want 2"
grep -qx "Try 'zxd --help' for more information." "$tmp/opt.log" ||
	fail "zxd --no-such-option: no pointer to --help"
"$zxd" extra-argument >/dev/null 2>"$tmp/opt.log"
[ $? -eq 2 ] && grep -q "Try 'zxd --help'" "$tmp/opt.log" ||
	fail "zxd extra-argument: no pointer to --help"
echo "ok - command line mistakes point at --help"

# On a terminal, log lines carry no <N> prefix (a pipe or the journal
# still gets it, as above). script(1) gives zxd a terminal.
if command -v script >/dev/null; then
	script -qec "'$zxd' --socket '$tmp/tty.sock' --config '$src/tests/ops/bad.conf'" \
		/dev/null >"$tmp/tty.log" 2>&1 </dev/null
	grep -q 'zxd: .*configuration not loaded' "$tmp/tty.log" ||
		fail "on a terminal: no plain error line"
	grep -q '^<[0-7]>' "$tmp/tty.log" &&
		fail "on a terminal: <N> prefixes"
	echo "ok - no <N> prefixes on a terminal"
fi
# A socket zxd cannot bind: it says what it tried and what to do.
"$zxd" --socket "$tmp/no/such/dir/zxd.sock" 2>"$tmp/bind.log"
rc=$?
[ $rc -eq 1 ] || fail "zxd on a missing folder: exit status $rc, want 1"
grep -q "cannot listen on $tmp/no/such/dir/zxd.sock: No such file" \
	"$tmp/bind.log" || fail "bind failure: what was tried is not said"
grep -q "systemd-tmpfiles --create zxd.conf.*--socket" "$tmp/bind.log" ||
	fail "bind failure: no advice"
echo "ok - a bind failure says what it tried and what to do"
exit 0
