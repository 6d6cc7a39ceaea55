#!/bin/sh
# The not-supported table cannot drift: client/syscalls.tab lists exactly
# the calls <zircon/syscalls.h> and <zircon/process.h> declare (cdecls.inc,
# process.inc), each once; libzx.so exports zx_NAME and _zx_NAME for every
# one of them, and no other zx_* function but zx_status_get_string; and
# the built libzx(3) lists exactly the table's unsupported calls.
set -u
src=${ZXD_TOP_SRCDIR:?}
build=${ZXD_TOP_BUILDDIR:?}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
tmp=$(mktemp -d /tmp/zxd-syscalls.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

tab=$src/client/syscalls.tab
inc=$src/include/zircon/syscalls/internal

sed -n 's/^_ZX_SYSCALL_DECL(\([a-z0-9_]*\),.*/\1/p' "$inc/cdecls.inc" \
	"$inc/process.inc" | sort >"$tmp/declared"
[ -s "$tmp/declared" ] || fail "no _ZX_SYSCALL_DECL in $inc"
dups=$(uniq -d "$tmp/declared")
[ -z "$dups" ] || fail "declared twice: $dups"

awk '!/^#/ && NF > 0 { print $1 }' "$tab" | sort >"$tmp/listed"
dups=$(uniq -d "$tmp/listed")
[ -z "$dups" ] || fail "listed twice in syscalls.tab: $dups"
awk '!/^#/ && NF > 0 && (NF != 2 ||
    ($2 != "implemented" && $2 != "unsupported")) { print FNR ": " $0 }' \
	"$tab" >"$tmp/bad"
[ -s "$tmp/bad" ] && fail "syscalls.tab lines not NAME implemented|unsupported: $(cat "$tmp/bad")"

comm -23 "$tmp/declared" "$tmp/listed" >"$tmp/unlisted"
[ -s "$tmp/unlisted" ] && fail "declared but not in syscalls.tab: $(cat "$tmp/unlisted")"
comm -13 "$tmp/declared" "$tmp/listed" >"$tmp/undeclared"
[ -s "$tmp/undeclared" ] && fail "in syscalls.tab but not declared: $(cat "$tmp/undeclared")"
echo "ok - syscalls.tab lists the $(wc -l <"$tmp/declared") declared calls, each once"

lib=$build/.libs/libzx.so
[ -f "$lib" ] || fail "$lib not built"
nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort -u \
	>"$tmp/exported"
while read -r n; do
	grep -qx "zx_$n" "$tmp/exported" || fail "libzx.so does not export zx_$n"
	grep -qx "_zx_$n" "$tmp/exported" || fail "libzx.so does not export _zx_$n"
done <"$tmp/declared"
grep -E '^_?zx_' "$tmp/exported" | sed 's/^_\{0,1\}zx_//' | sort -u |
	grep -vx status_get_string >"$tmp/exported_calls"
comm -13 "$tmp/declared" "$tmp/exported_calls" >"$tmp/extra"
[ -s "$tmp/extra" ] && fail "libzx.so exports undeclared calls: $(cat "$tmp/extra")"
echo "ok - libzx.so exports zx_ and _zx_ for every declared call, and no other"

man=$build/man/libzx.3
[ -f "$man" ] || fail "man/libzx.3 not built"
sed -n '/^\.Ss Not supported/,/^\.S[sh] /p' "$man" |
	awk '$1 == ".Fn" { sub(/^zx_/, "", $2); print $2 }' | sort >"$tmp/man"
awk '!/^#/ && $2 == "unsupported" { print $1 }' "$tab" | sort >"$tmp/unsup"
cmp -s "$tmp/man" "$tmp/unsup" ||
	fail "libzx(3)'s Not supported list differs from syscalls.tab (rebuild man/libzx.3)"
echo "ok - libzx(3) lists the $(wc -l <"$tmp/unsup") unsupported calls"
exit 0
