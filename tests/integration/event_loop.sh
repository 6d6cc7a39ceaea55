#!/bin/sh
# The example event loop (examples/event_loop.c): a server and a client,
# two processes with port-driven loops over a channel and timers, against
# a fresh zxd. It checks its own results and says "ok".
set -u
out=$(sh "${ZXD_TOP_SRCDIR:?}/tests/with-zxd.sh" \
	"${ZXD_TOP_BUILDDIR:?}/zxd-event-loop" 20) || {
	echo "$out"
	exit 1
}
echo "$out"
echo "$out" | grep -q '^client: sent 20, got 20 replies in order$' || exit 1
echo "$out" | grep -q '^ok$'
