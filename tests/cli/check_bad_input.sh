#!/bin/sh
# Bad input must give exit status 2 and a message on stderr that names the input.
# usage: check_bad_input.sh BRASSBOARD WORKDIR DEMO_ELF
bb=$1 work=$2 demo=$3
fail=0
expect_bad() { # description, text the message must contain, command...
    what=$1 needle=$2
    shift 2
    msg=$("$@" 2>&1 >/dev/null)
    status=$?
    if [ "$status" != 2 ]; then
        echo "FAIL $what: exit status $status, expected 2 (message: $msg)"
        fail=1
    elif ! printf '%s' "$msg" | grep -qF -- "$needle"; then
        echo "FAIL $what: message does not name '$needle': $msg"
        fail=1
    else
        echo "ok   $what: $msg"
    fi
}
expect_bad "missing file" "$work/nope.elf" "$bb" run --board versatilepb "$work/nope.elf"
expect_bad "unknown board" "no-such-board" "$bb" run --board no-such-board "$demo"
expect_bad "non-ARM ELF" "/bin/sh" "$bb" run --board versatilepb /bin/sh
head -c 200 "$demo" > "$work/truncated.elf"
expect_bad "truncated ELF" "$work/truncated.elf" "$bb" run --board versatilepb "$work/truncated.elf"
printf '/dts-v1/;\n/ { this is not a device tree\n' > "$work/broken.dts"
expect_bad "broken DTS" "$work/broken.dts" "$bb" run --board "$work/broken.dts" "$demo"
expect_bad "missing DTS" "$work/none.dts" "$bb" run --board "$work/none.dts" "$demo"
if [ -f "$work/outside_ram.elf" ]; then
    expect_bad "segment outside RAM" "$work/outside_ram.elf" "$bb" run --board versatilepb "$work/outside_ram.elf"
fi
expect_bad "unknown option" "--frobnicate" "$bb" run --frobnicate 1 "$demo"
expect_bad "bad --jit" "turbo" "$bb" run --jit turbo "$demo"
expect_bad "bad --log" "bogus" "$bb" run --log bogus "$demo"
expect_bad "bad serial backend" "tcp:99999" "$bb" run --serial 0=tcp:99999 "$demo"
exit $fail
