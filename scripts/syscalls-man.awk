# client/syscalls.tab man/libzx.3.in -> man/libzx.3: the line
# @UNSUPPORTED_CALLS@ becomes one .Fn line per unsupported call.
FNR == NR {
	if ($0 !~ /^#/ && NF == 2 && $2 == "unsupported")
		names[n++] = $1
	next
}
$0 == "@UNSUPPORTED_CALLS@" {
	for (i = 0; i < n; i++)
		printf ".Fn zx_%s%s\n", names[i], i < n - 1 ? " ," : " ."
	next
}
{ print }
