# client/syscalls.tab -> client/syscalls-tab.h
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
}
END { exit bad }
