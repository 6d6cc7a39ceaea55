#!/bin/sh
# Every manual page under man/ is mandoc-lint clean at level warning.
top=${ZXD_TOP_SRCDIR:-.}
command -v mandoc >/dev/null 2>&1 || exit 77
rc=0
for page in "$top"/man/*.[0-9]; do
	[ -e "$page" ] || continue
	mandoc -T lint -W warning "$page" || rc=1
done
exit $rc
