#!/bin/sh
# tests/integration/cxx.cc (lib/zx against a real zxd) built with clang++
# as C++17 and as C++20, -Wall -Wextra -pedantic -Werror, and run under
# tests/with-zxd.sh; make builds and runs the g++ variants
# (tests/integration/cxx.zxd, cxx20.zxd). Then runs examples/demo-cxx.cc.
set -u
src=${ZXD_TOP_SRCDIR:?}
build=${ZXD_TOP_BUILDDIR:?}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
vars=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -s --no-print-directory -C "$build" ops-vars) ||
	fail "make ops-vars"
eval "$vars"
lib=$build/.libs/libzx.so
[ -f "$lib" ] || fail "$lib not built"
tmp=$(mktemp -d /tmp/zxd-cxx.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
[ -n "$clangxx" ] || echo "note: clang++ not found; only g++ builds were tested"
# A sanitizer build's libzx needs GCC's ASan runtime first in the process;
# the clang++ binaries are not instrumented themselves.
asan_preload=
if [ -n "$san_cflags" ]; then
	asan_preload=$($cc -print-file-name=libasan.so)
	[ -f "$asan_preload" ] || fail "no libasan.so for $cc"
fi
for std in ${clangxx:+c++17 c++20}; do
	$clangxx -std=$std -Wall -Wextra -pedantic -Werror \
		-I"$src/include" -I"$src" -I"$build" -include config-build.h \
		-D_GNU_SOURCE $criterion_cflags \
		"$src/tests/integration/cxx.cc" -o "$tmp/cxx-$std" \
		-L"$build/.libs" -Wl,-rpath,"$build/.libs" -lzx \
		$criterion_libs -lpthread ||
		fail "clang++ -std=$std could not build tests/integration/cxx.cc"
	env -u CRITERION_OUTPUTS "$SHELL" "$src/tests/with-zxd.sh" \
		env ${asan_preload:+LD_PRELOAD=$asan_preload} "$tmp/cxx-$std" \
		-j1 >"$tmp/log" 2>&1 ||
		{ cat "$tmp/log" >&2; fail "clang++ -std=$std: the tests failed"; }
	# criterion's summary: every test ran and passed.
	summary=$(grep 'Synthesis:' "$tmp/log")
	echo "$summary" | grep -q 'Failing: 0 | Crashing: 0' ||
		{ cat "$tmp/log" >&2; fail "clang++ -std=$std: $summary"; }
	echo "ok - clang++ -std=$std: $summary"
done

# examples/demo-cxx.cc, as make built it (g++).
demo=$build/zxd-demo-cxx
[ -x "$demo" ] || fail "$demo not built"
"$SHELL" "$src/tests/with-zxd.sh" "$demo" >"$tmp/demo" 2>&1 ||
	{ cat "$tmp/demo" >&2; fail "zxd-demo-cxx failed"; }
grep -q 'received vmo koid [0-9]*: "written through a mapping"' "$tmp/demo" ||
	{ cat "$tmp/demo" >&2; fail "zxd-demo-cxx did not pass the VMO"; }
echo "ok - zxd-demo-cxx: $(tail -1 "$tmp/demo")"
exit 0
