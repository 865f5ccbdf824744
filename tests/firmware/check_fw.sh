#!/bin/sh
# check_fw.sh BRASSBOARD ELF EXPECTED STATUS MAX_INSNS [OPTIONS...]
#   (board: $BOARD, a built-in board or a .dts, default versatilepb)
# Runs one test firmware under brassboard three times: the native JIT, the IR interpreter
# (--jit interp) and the native JIT again. Every run must print exactly the EXPECTED file
# on the console (stdout: UART0, or the board's console UART) and exit with STATUS, and all
# three must retire the same number of instructions (the insns= of --stats). Further
# OPTIONS go to every run. Prints a diff or the differing figures on failure.
bb=$1 elf=$2 expected=$3 status=$4 max_insns=$5
shift 5
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
    echo "FAIL: $*"
    failed=1
    this_failed=1
}

# run NAME JIT [OPTIONS...]: output in $tmp/NAME.out, stderr in NAME.err, exit status in
# NAME.status.
run() {
    name=$1 jit=$2
    shift 2
    timeout 300 "$bb" run --board "${BOARD:-versatilepb}" "$elf" --jit "$jit" --stats \
        --max-insns "$max_insns" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
    echo $? >"$tmp/$name.status"
}

insns_of() {
    sed -n 's/^stats: insns=\([0-9]*\).*/\1/p' "$tmp/$1.err" | tail -n 1
}

check() {
    name=$1
    this_failed=0
    got=$(cat "$tmp/$name.status")
    case $got in
    124) fail "$name: timed out after 300 s" ;;
    139) fail "$name: brassboard crashed (SIGSEGV)" ;;
    3) fail "$name: stopped by --max-insns $max_insns (exit status 3)" ;;
    4) fail "$name: the guest waits for an interrupt that cannot come (exit status 4)" ;;
    "$status") ;;
    *) fail "$name: exit status $got, expected $status" ;;
    esac
    if ! cmp -s "$expected" "$tmp/$name.out"; then
        fail "$name: console output differs from $expected (- expected, + got):"
        diff -u "$expected" "$tmp/$name.out" | tail -n +3 | head -n 60
    fi
    if [ -z "$(insns_of "$name")" ]; then
        fail "$name: no 'stats: insns=' line on stderr"
    fi
    if [ $this_failed = 1 ]; then
        echo "--- $name stderr (last 20 lines):"
        tail -n 20 "$tmp/$name.err"
    fi
}

run native native "$@"
run interp interp "$@"
run native2 native "$@"
for name in native interp native2; do check $name; done

native=$(insns_of native) interp=$(insns_of interp) native2=$(insns_of native2)
if [ "$native" != "$interp" ]; then
    fail "retired instructions differ: native $native, interp $interp"
fi
if [ "$native" != "$native2" ]; then
    fail "not deterministic: native runs retired $native and $native2 instructions"
fi
if ! cmp -s "$tmp/native.out" "$tmp/native2.out"; then
    fail "not deterministic: the two native runs printed different output"
fi

[ $failed = 0 ] || exit 1
echo "ok: insns=$native"
