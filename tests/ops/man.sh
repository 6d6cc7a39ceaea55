#!/bin/sh
# Man pages: every page the build installs passes `mandoc -T lint
# -W warning` with no message; every page in man/ is installed; every
# zx_* and zxd_* function the built libzx.so exports has a page of its
# own name in section 2 or 3 whose NAME section names it, unless libzx(3)
# lists it under "Not supported" (the stubs of client/syscalls.tab need
# no page each). A missing page is listed by name: add man/FUNCTION.3
# (zxd_*, or a library function such as zx_status_get_string), and add it
# to dist_man_MANS in Makefile.am.
set -u
src=${ZXD_TOP_SRCDIR:?}
build=${ZXD_TOP_BUILDDIR:?}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
command -v mandoc >/dev/null || fail "mandoc is not installed (Debian: mandoc)"

vars=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -s --no-print-directory -C "$build" ops-vars) ||
	fail "make ops-vars"
eval "$vars"
[ -n "$man_pages" ] || fail "no man pages in the build"

tmp=$(mktemp -d /tmp/zxd-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

# --- lint -----------------------------------------------------------------
bad=0
n=0
for p in $man_pages; do
	f=$build/$p
	[ -f "$f" ] || f=$src/$p
	[ -f "$f" ] || fail "$p: not built and not in the sources"
	mandoc -T lint -W warning "$f" >"$tmp/lint" 2>&1
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$tmp/lint" ]; then
		echo "mandoc -T lint -W warning $p (status $rc):" >&2
		cat "$tmp/lint" >&2
		bad=$((bad + 1))
	fi
	n=$((n + 1))
done
[ $bad -eq 0 ] || fail "$bad of $n man pages have mandoc warnings"
echo "ok - $n man pages pass mandoc -T lint -W warning"

# --- every page in man/ is installed ------------------------------------------
for f in "$src"/man/*.[1-8] "$src"/man/*.[1-8].in; do
	[ -e "$f" ] || continue
	p=man/$(basename "$f" .in)
	case " $man_pages " in
	*" $p "*) ;;
	*) fail "$p is not in dist_man_MANS or nodist_man_MANS" ;;
	esac
done
echo "ok - every page in man/ is installed"

# --- every exported function has a page -----------------------------------------
lib=$build/.libs/libzx.so
[ -f "$lib" ] || fail "$lib not built"
nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' |
	grep -E '^zxd?_' | sort -u >"$tmp/exported"
[ -s "$tmp/exported" ] || fail "libzx.so exports no zx_* function"
# The calls libzx(3) lists as not supported.
libzx3=$build/man/libzx.3
[ -f "$libzx3" ] || fail "man/libzx.3 not built"
sed -n '/^\.Ss Not supported/,/^\.S[sh] /p' "$libzx3" |
	awk '$1 == ".Fn" { print $2 }' | sort -u >"$tmp/unsupported"
[ -s "$tmp/unsupported" ] || echo "note: libzx(3) lists no unsupported call"
missing=
nopage=0
while read -r fn; do
	if grep -qx "$fn" "$tmp/unsupported"; then
		nopage=$((nopage + 1))
		continue
	fi
	page=
	for s in 2 3; do
		case " $man_pages " in
		*" man/$fn.$s "*) page=man/$fn.$s ;;
		esac
	done
	if [ -z "$page" ]; then
		missing="$missing $fn"
		continue
	fi
	f=$build/$page
	[ -f "$f" ] || f=$src/$page
	# The page's NAME section must name the function.
	sed -n '/^\.Sh NAME/,/^\.Sh /p' "$f" | grep -q "^\.Nm $fn\( ,\)\{0,1\}$" ||
		fail "$page does not name $fn in its NAME section"
done <"$tmp/exported"
if [ -n "$missing" ]; then
	echo "Exported by libzx.so without a man page:" >&2
	for fn in $missing; do
		case $fn in
		zxd_*) echo "  $fn: add man/$fn.3" >&2 ;;
		*) echo "  $fn: add man/$fn.3" >&2 ;;
		esac
	done
	fail "$(echo $missing | wc -w) exported function(s) without a page"
fi
echo "ok - all $(wc -l <"$tmp/exported") exported functions have a page" \
	"or are listed as not supported in libzx(3) ($nopage)"

# Pages ahead of the library are fine (documented before they land), but
# say so.
for p in $man_pages; do
	fn=$(basename "$p")
	fn=${fn%.[23]}
	case $p in
	man/zx_*.[23] | man/zxd_*.[23])
		grep -qx "$fn" "$tmp/exported" ||
			echo "note: $p documents $fn, which libzx.so does not export yet"
		;;
	esac
done
exit 0
