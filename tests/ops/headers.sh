#!/bin/sh
# The installed headers as a Fuchsia programmer uses them: each one
# compiles on its own, first in its translation unit, as C11 and as C++17
# and C++20, with -Wall -Wextra -pedantic -Werror; and all of them
# together compile with every compiler the build found (gcc, g++, and
# clang, clang++ when present) in each of those modes.
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
[ -n "$public_headers" ] || fail "no headers in the build"

tmp=$(mktemp -d /tmp/zxd-headers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
flags="-Wall -Wextra -pedantic -Werror -fsyntax-only -I$src/include"

# name of an installed header, as code includes it
incname() {
	echo "$1" | sed 's|^include/||'
}

n=0
bad=0
compile() {	# compiler, language, standard, file
	if ! $1 -x "$2" "-std=$3" $flags "$4" >"$tmp/out" 2>&1; then
		echo "$1 -x $2 -std=$3: $(head -c 300 "$4" | tr '\n' ' ')" >&2
		head -20 "$tmp/out" >&2
		bad=$((bad + 1))
	fi
	n=$((n + 1))
}

# Each header alone, as C11 (gcc) and as C++17 and C++20 (g++).
for h in $public_headers; do
	case $h in
	*.inc) continue ;;
	esac
	i=$(incname "$h")
	# (a declaration after it: ISO C forbids an empty unit)
	printf '#include <%s>\ntypedef int zxd_nonempty;\n' "$i" >"$tmp/one.c"
	case $i in
	lib/*) ;;
	*) compile "$cc" c c11 "$tmp/one.c" ;;
	esac
	compile "$cxx" c++ c++17 "$tmp/one.c"
	compile "$cxx" c++ c++20 "$tmp/one.c"
done
[ $bad -eq 0 ] || fail "$bad of $n single-header compiles failed"
echo "ok - each of the headers compiles alone ($n compiles)"

# All of them together, with every compiler found.
: >"$tmp/all.c"
: >"$tmp/all.cc"
for h in $public_headers; do
	case $h in
	*.inc) continue ;;
	esac
	i=$(incname "$h")
	case $i in
	lib/*) ;;
	*) printf '#include <%s>\n' "$i" >>"$tmp/all.c" ;;
	esac
	printf '#include <%s>\n' "$i" >>"$tmp/all.cc"
done
n=0
for c in "$cc" $clang; do
	[ -n "$c" ] && compile "$c" c c11 "$tmp/all.c"
done
for c in "$cxx" $clangxx; do
	[ -n "$c" ] || continue
	compile "$c" c++ c++17 "$tmp/all.cc"
	compile "$c" c++ c++20 "$tmp/all.cc"
done
[ $bad -eq 0 ] || fail "$bad of $n all-header compiles failed"
echo "ok - all headers together compile with $cc $clang $cxx $clangxx ($n compiles)"
[ -n "$clang$clangxx" ] || echo "note: clang/clang++ not found; checked with GCC only"
exit 0
