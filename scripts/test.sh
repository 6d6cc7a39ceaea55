#!/bin/bash
# Install what is needed, build under ASan+UBSan, run the whole suite,
# then make distcheck; then build with clang too (warnings are errors;
# compile only). Prints "N passed, N failed" last.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] && sh scripts/deps.sh
autoreconf -fi
rm -rf _ci && mkdir _ci && cd _ci
../configure --enable-sanitizers
make -j"$(nproc)"
rc=0
make -j"$(nproc)" check || rc=$?
pass=$(grep -h '^# PASS:' test-suite.log | awk '{s+=$3} END {print s+0}')
fail=$(grep -hE '^# (FAIL|ERROR|XPASS):' test-suite.log | awk '{s+=$3} END {print s+0}')
if [ $rc -ne 0 ]; then
	cat test-suite.log
fi
if [ $rc -eq 0 ]; then
	make -j"$(nproc)" distcheck || rc=$?
	[ $rc -eq 0 ] || fail=$((fail + 1))
fi
if [ $rc -eq 0 ] && command -v clang >/dev/null; then
	(rm -rf ../_ci_clang && mkdir ../_ci_clang && cd ../_ci_clang &&
	    CC=clang ../configure >/dev/null &&
	    make -j"$(nproc)" all && make -j"$(nproc)" check TESTS=) ||
		{ rc=1; fail=$((fail + 1)); echo "clang build failed"; }
fi
# The Debian packages: built, installed on this machine, the demo built
# against them and run against the installed daemon (needs root).
if [ $rc -eq 0 ] && [ "$(id -u)" = 0 ]; then
	bash ../scripts/pkg-test.sh || rc=$?
	[ $rc -eq 0 ] || fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
exit $rc
