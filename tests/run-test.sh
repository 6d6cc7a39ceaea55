#!/bin/sh
# How `make check` runs a test program: those in tests/integration/ under
# tests/with-zxd.sh (a fresh zxd on a temporary socket, its log checked
# after), the others as they are.
case $1 in
*/integration/*) exec sh "$(dirname "$0")/with-zxd.sh" "$@" ;;
*) exec "$@" ;;
esac
