#!/bin/sh
# check.sh EXPECTED STATUS CONDITIONS COMMAND...
# Runs COMMAND twice. Each run must exit with STATUS and print (on stdout, the guest's
# UART) exactly EXPECTED once the "info:" lines are left out; the two runs must print
# the same, info lines included (determinism). CONDITIONS ("-" for none) is a list of
# KEY<=N or KEY>=N separated by commas; every KEY=VALUE of the info lines must meet the
# conditions on its KEY, and each KEY named must appear at least once.
expected=$1 status=$2 conditions=$3
shift 3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

fail() {
    echo "FAIL: $*"
    failed=1
}

for run in 1 2; do
    timeout 120 "$@" >"$tmp/out$run" 2>"$tmp/err$run" </dev/null
    got=$?
    if [ "$got" != "$status" ]; then
        fail "run $run: exit status $got, expected $status"
        tail -n 20 "$tmp/err$run"
    fi
    grep -v '^info:' "$tmp/out$run" >"$tmp/facts$run"
    if ! cmp -s "$expected" "$tmp/facts$run"; then
        fail "run $run: output differs from $expected (- expected, + got):"
        diff -u "$expected" "$tmp/facts$run" | tail -n +3 | head -n 40
    fi
done
if ! cmp -s "$tmp/out1" "$tmp/out2"; then
    fail "not deterministic: the two runs printed different output:"
    diff -u "$tmp/out1" "$tmp/out2" | tail -n +3 | head -n 20
fi

if [ "$conditions" != "-" ]; then
    echo "$conditions" | tr ',' '\n' >"$tmp/conditions"
    while read -r condition; do
        key=${condition%%[<>]=*}
        limit=${condition##*=}
        op=$(echo "$condition" | sed 's/^[^<>]*\([<>]=\).*/\1/')
        values=$(grep '^info:' "$tmp/out1" | tr ' ' '\n' | sed -n "s/^$key=\([0-9]*\)$/\1/p")
        if [ -z "$values" ]; then
            fail "no info value $key"
            continue
        fi
        for value in $values; do
            case $op in
            "<=") [ "$value" -le "$limit" ] || fail "$key=$value, expected <= $limit" ;;
            ">=") [ "$value" -ge "$limit" ] || fail "$key=$value, expected >= $limit" ;;
            esac
        done
    done <"$tmp/conditions"
fi

[ $failed = 0 ] || exit 1
grep '^info:' "$tmp/out1"
grep '^stats:\|^systemc route' "$tmp/err1"
echo "ok"
