#!/bin/sh
# Install the Debian 12 packages zxd needs to build, test and run.
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
	autoconf automake libtool pkg-config make gcc g++ clang libc6-dev \
	libevent-dev libprotobuf-c-dev protobuf-c-compiler \
	libsystemd-dev libcriterion-dev uthash-dev libjson-c-dev \
	mandoc systemd procps clang
