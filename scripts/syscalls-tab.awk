# client/syscalls.tab -> client/syscalls-tab.h: per call NAME,
# ZXD_SYSCALL_NAME (IMPLEMENTED or UNSUPPORTED, for client/syscalls.c) and
# ZXD_IMPLEMENTED_NAME (1 or 0, for tests that follow the table with #if).
/^#/ || NF == 0 { next }
NF != 2 || ($2 != "implemented" && $2 != "unsupported") {
	printf "%s:%d: want NAME <tab> implemented|unsupported\n", FILENAME, FNR > "/dev/stderr"
	bad = 1
	next
}
$1 in seen {
	printf "%s:%d: %s listed twice\n", FILENAME, FNR, $1 > "/dev/stderr"
	bad = 1
}
{
	seen[$1] = 1
	printf "#define ZXD_SYSCALL_%s %s\n", $1, toupper($2)
	printf "#define ZXD_IMPLEMENTED_%s %d\n", $1, $2 == "implemented"
}
END { exit bad }
