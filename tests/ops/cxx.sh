#!/bin/sh
# tests/integration/cxx.cc (lib/zx against a real zxd) built with clang++
# as C++17 and as C++20, -Wall -Wextra -pedantic -Werror, and run under
# tests/with-zxd.sh; make builds and runs the g++ variants
# (tests/integration/cxx.zxd, cxx20.zxd). Skipped (77) without clang++.
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
if [ -z "$clangxx" ]; then
	echo "SKIP: clang++ not found"
	exit 77
fi
lib=$build/.libs/libzx.so
[ -f "$lib" ] || fail "$lib not built"
tmp=$(mktemp -d /tmp/zxd-cxx.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
for std in c++17 c++20; do
	$clangxx -std=$std -Wall -Wextra -pedantic -Werror \
		-I"$src/include" -I"$src" -I"$build" -include config-build.h \
		-D_GNU_SOURCE $criterion_cflags \
		"$src/tests/integration/cxx.cc" -o "$tmp/cxx-$std" \
		-L"$build/.libs" -Wl,-rpath,"$build/.libs" -lzx \
		$criterion_libs -lpthread ||
		fail "clang++ -std=$std could not build tests/integration/cxx.cc"
	env -u CRITERION_OUTPUTS "$SHELL" "$src/tests/with-zxd.sh" "$tmp/cxx-$std" \
		-j1 >"$tmp/log" 2>&1 ||
		{ cat "$tmp/log" >&2; fail "clang++ -std=$std: the tests failed"; }
	# criterion's summary: every test ran and passed.
	summary=$(grep 'Synthesis:' "$tmp/log")
	echo "$summary" | grep -q 'Failing: 0 | Crashing: 0' ||
		{ cat "$tmp/log" >&2; fail "clang++ -std=$std: $summary"; }
	echo "ok - clang++ -std=$std: $summary"
done
exit 0
