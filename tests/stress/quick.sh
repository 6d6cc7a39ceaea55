#!/bin/sh
# make check's short, bounded run of every stress program (--quick: the
# figures are printed, timing is not judged).
set -u
build=${ZXD_TOP_BUILDDIR:?}
rc=0
for p in kill load hostile death; do
	echo "== $p --quick"
	"$build/tests/stress/$p" --quick
	r=$?
	[ $r -eq 77 ] && continue
	[ $r -ne 0 ] && rc=1
done
exit $rc
