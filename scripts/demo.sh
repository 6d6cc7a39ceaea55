#!/bin/bash
# Install what is needed, build, start zxd on its embedded default (sim
# backend, no config file) and run the demo against it.
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] && sh scripts/deps.sh
autoreconf -fi
mkdir -p _demo && cd _demo
[ -f Makefile ] || ../configure
make -j"$(nproc)"
dir=$(mktemp -d /tmp/zxd-demo.XXXXXX)
sock="$dir/zxd.sock"
./zxd --socket "$sock" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
while [ ! -S "$sock" ]; do sleep 0.05; kill -0 $pid; done
export ZXD_SOCKET="$sock"
if [ -x ./zxctl ]; then
	./zxd-demo ./zxctl objects
	./zxctl status
else
	./zxd-demo
fi
