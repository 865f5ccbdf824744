#!/bin/sh
# check_bridge.sh SCENARIO BRASSBOARD FAKE_TARGET BINARY_DIR SOURCE_DIR TOP_SOURCE_DIR
# Runs one bridge scenario: fake SerialICE boards (fake_target) on TCP or a pty, test
# firmware (BINARY_DIR/*.elf) under brassboard with routes to them, and checks the UART
# output (SOURCE_DIR/expected/), the exit status, messages, the access log, the fake
# boards' counters and how long failures take. Prints what differs on failure.
scenario=$1 bb=$2 fake=$3 bin=$4 src=$5 top=$6
tmp=$(mktemp -d) || exit 1
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT
failed=0

fail() {
    echo "FAIL: $*"
    failed=1
}

# start_target NAME [fake_target options]: a fake board; its link is then in $target_NAME.
start_target() {
    name=$1
    shift
    rm -f "$tmp/$name.info" "$tmp/$name.stats"
    "$fake" --info "$tmp/$name.info" --stats "$tmp/$name.stats" --lifetime 150 "$@" \
        2>"$tmp/$name.log" &
    pid=$!
    pids="$pids $pid"
    eval "pid_$name=$pid"
    i=0
    while [ ! -s "$tmp/$name.info" ] && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    if [ ! -s "$tmp/$name.info" ]; then
        echo "FAIL: fake target $name did not start"
        cat "$tmp/$name.log"
        exit 1
    fi
    eval "target_$name=\$(cat \"\$tmp/\$name.info\")"
}

# stop_target NAME: ends the fake board, which writes its counters.
stop_target() {
    eval "p=\$pid_$1"
    kill "$p" 2>/dev/null
    wait "$p" 2>/dev/null
}

# start_machine_b [OPTIONS]: a second brassboard running the ARM SerialICE shell on its
# UART1, a TCP server on a free port ($port); its pid in $pid_b, its UART0 in $tmp/b.out,
# its stderr in $tmp/b.err. OPTIONS go to its command line.
start_machine_b() {
    for try in 1 2 3 4 5; do
        port=$((20000 + ($$ * 7 + try * 131) % 40000))
        : >"$tmp/b.err"
        "$bb" run "$bin/serialice_shell-arm.elf" --serial "1=tcp:127.0.0.1:$port,wait" "$@" \
            >"$tmp/b.out" 2>"$tmp/b.err" </dev/null &
        pid_b=$!
        pids="$pids $pid_b"
        i=0
        while [ $i -lt 100 ] && ! grep -q "waiting for a connection" "$tmp/b.err" &&
            kill -0 $pid_b 2>/dev/null; do
            sleep 0.05
            i=$((i + 1))
        done
        grep -q "waiting for a connection" "$tmp/b.err" && return
    done
    echo "FAIL: machine B did not start"
    cat "$tmp/b.err"
    exit 1
}

stat_of() {
    sed -n "s/^$2 //p" "$tmp/$1.stats"
}

now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# run ELF [brassboard options]: stdout in $tmp/out, stderr in $tmp/err, $status, $elapsed_ms.
run() {
    elf=$1
    shift
    t0=$(now_ms)
    timeout 120 "$bb" run "$elf" --max-insns 200000000 "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    status=$?
    elapsed_ms=$(($(now_ms) - t0))
}

expect_status() {
    [ "$status" = "$1" ] || fail "exit status $status, expected $1"
}

expect_output() {
    if ! cmp -s "$1" "$tmp/out"; then
        fail "UART output differs from $1 (- expected, + got):"
        diff -u "$1" "$tmp/out" | tail -n +3 | head -n 40
    fi
}

expect_err() {
    grep -q -- "$1" "$tmp/err" || fail "no '$1' in the messages"
}

expect_faster_than() {
    [ "$elapsed_ms" -lt "$1" ] || fail "took $elapsed_ms ms, more than $1 ms"
}

expect_stat() { # NAME COUNTER OP VALUE
    v=$(stat_of "$1" "$2")
    [ -n "$v" ] && [ "$v" "$3" "$4" ] || fail "fake target $1: $2 is '$v', expected $3 $4"
}

# stop_machine_b: ends machine B (its stderr is then complete).
stop_machine_b() {
    kill $pid_b 2>/dev/null
    wait $pid_b 2>/dev/null
}

# check_b_device EXPECTED: what machine B's Lua device (filter_b_device.lua) was asked.
check_b_device() {
    grep '^b-device ' "$tmp/b.err" >"$tmp/b.log"
    if ! cmp -s "$1" "$tmp/b.log"; then
        fail "machine B's device saw other accesses than $1 (- expected, + got):"
        diff -u "$1" "$tmp/b.log" | tail -n +3 | head -n 40
    fi
}

# check_log FILE EXPECTED: the access log's lines, field by field (lowercase accesses are
# those a filter changed, as the far side saw them).
check_log() {
    log=$1
    head -n 1 "$log" | grep -q '^# brassboard route log: vtime_ns cpu pc access address value latency_ns status$' ||
        fail "the log does not start with its header line"
    bad=$(grep -v '^#' "$log" | awk '
        NF != 8 || $1 !~ /^[0-9]+$/ || $2 != "0" || $3 !~ /^0x[0-9a-f]+$/ || length($3) != 10 ||
        $3 == "0x00000000" || $4 !~ /^[RWrw][1248]$/ || $5 !~ /^0x[0-9a-f]+$/ ||
        length($5) != 10 || $6 !~ /^0x[0-9a-f]+$/ || $7 !~ /^[0-9]+$/ { print "bad line: " $0; next }
        length($6) != 2 + 2 * substr($4, 2) { print "value width: " $0; next }
        $1 + 0 < last { print "time goes back: " $0 } { last = $1 + 0 }')
    [ -z "$bad" ] || fail "malformed log lines: $bad"
    grep -v '^#' "$log" | awk '{ print $4, $5, $6, $8 }' >"$tmp/log.fields"
    if ! cmp -s "$2" "$tmp/log.fields"; then
        fail "logged accesses differ from $2 (- expected, + got):"
        diff -u "$2" "$tmp/log.fields" | tail -n +3 | head -n 40
    fi
}

exp=$src/expected
route_a() { echo "0x30000000+0x1000=serialice:$target_a$1"; }

case $scenario in
rw-arm | rw-thumb)
    start_target a --tcp 0 --once
    run "$bin/$scenario.elf" --route "$(route_a)"
    expect_status 0
    expect_output "$exp/rw.txt"
    ;;
rw-interp)
    start_target a --tcp 0 --once
    run "$bin/rw-arm.elf" --jit interp --route "$(route_a)"
    expect_status 0
    expect_output "$exp/rw.txt"
    ;;
rw-pty)
    start_target a --pty
    case $target_a in pty:/dev/*) ;; *) fail "the fake target's pty link is '$target_a'" ;; esac
    run "$bin/rw-arm.elf" --route "$(route_a)"
    expect_status 0
    expect_output "$exp/rw.txt"
    ;;
log)
    # --route-log FILE: every access, in order, with virtual time, CPU, PC, latency.
    start_target a --tcp 0 --once
    run "$bin/rw-arm.elf" --route "$(route_a)" --route-log "$tmp/access.log"
    expect_status 0
    expect_output "$exp/rw.txt"
    check_log "$tmp/access.log" "$exp/rw.log"
    n=$(grep -vc '^#' "$tmp/access.log")
    grep -q "^# route 0x30000000+0x1000=serialice:$target_a: reads 19, cached reads 0, writes 11, failed 0$" \
        "$tmp/access.log" || fail "no summary line for 19 reads and 11 writes ($n accesses logged)"
    # ?log without --route-log: the same lines on stderr.
    stop_target a
    start_target a --tcp 0 --once
    run "$bin/rw-arm.elf" --route "$(route_a '?log')"
    expect_status 0
    grep -v '^#' "$tmp/err" | grep '^[0-9]' >"$tmp/stderr.log"
    { echo '# brassboard route log: vtime_ns cpu pc access address value latency_ns status'; cat "$tmp/stderr.log"; } >"$tmp/access2.log"
    check_log "$tmp/access2.log" "$exp/rw.log"
    ;;
multi)
    start_target a --tcp 0 --once
    start_target b --tcp 0 --once --base 0x101f2000
    run "$bin/multi-arm.elf" --route "$(route_a)" \
        --route "0x101f2000+0x1000=serialice:$target_b" \
        --route "0x40000000+0x1000=serialice:$target_a"
    expect_status 0
    expect_output "$exp/multi.txt"
    ;;
cache)
    start_target a --tcp 0 --once
    run "$bin/cache-arm.elf" --route "$(route_a '?cache=0x30000104+4&log')"
    expect_status 0
    expect_output "$exp/cache.txt"
    cached=$(grep -c ' R4 0x30000104 0x51ce0001 0 cached$' "$tmp/err")
    [ "$cached" = 10 ] || fail "$cached cached reads logged, expected 10"
    stop_target a
    expect_stat a id_reads = 2
    ;;
posted)
    start_target a --tcp 0 --once
    run "$bin/posted-arm.elf" --route "$(route_a '?post-writes&log')"
    expect_status 0
    expect_output "$exp/posted.txt"
    posted=$(grep -c ' W4 0x300000[0-9a-f][0-9a-f] 0x[0-9a-f]* [0-9]* posted$' "$tmp/err")
    [ "$posted" = 65 ] || fail "$posted posted writes logged, expected 65"
    stop_target a
    expect_stat a writes = 65
    # Over a modelled 115200-baud line with a 16-byte receive FIFO: the client's window
    # keeps the shell's FIFO from overrunning.
    start_target p --pty --baud 115200
    run "$bin/posted-arm.elf" --route "$(route_a | sed "s|$target_a|$target_p|")?post-writes"
    expect_status 0
    expect_output "$exp/posted.txt"
    stop_target p
    expect_stat p overruns = 0
    expect_stat p writes = 65
    ;;
fail-default | fail-abort)
    # The board answers the handshake and three reads, then nothing.
    start_target a --tcp 0 --once --silent-after 4
    if [ $scenario = fail-default ]; then
        run "$bin/link_fail-arm.elf" --route "$(route_a '?default=0xdeadbeef&timeout=200&log')"
        expect_output "$exp/link_default.txt"
        expect_err "reads give the default 0xdeadbeef and writes are dropped"
        grep -q ' R4 0x30000010 0xdeadbeef [0-9]* default$' "$tmp/err" || fail "no 'default' read in the log"
        grep -q ' W4 0x30000020 0x12345678 [0-9]* dropped$' "$tmp/err" || fail "no 'dropped' write in the log"
    else
        run "$bin/link_fail-arm.elf" --route "$(route_a '?timeout=200&log')"
        expect_output "$exp/link_abort.txt"
        expect_err "each access is a bus error for the guest"
        grep -q ' R4 0x30000010 0x00000000 [0-9]* error$' "$tmp/err" || fail "no 'error' read in the log"
    fi
    expect_status 0
    expect_err "the board does not answer: no SerialICE prompt within 200 ms"
    expect_faster_than 10000
    ;;
disconnect)
    # The board's connection closes after the handshake and three reads (a board unplugged,
    # ser2net restarted): the guest gets the default at once, no waiting for timeouts.
    start_target a --tcp 0 --hangup-after 4
    run "$bin/link_fail-arm.elf" --route "$(route_a '?default=0xdeadbeef')"
    expect_status 0
    expect_output "$exp/link_default.txt"
    expect_err "the link broke (Connection reset by peer)"
    expect_err "reads give the default 0xdeadbeef and writes are dropped"
    expect_faster_than 5000
    ;;
timer-irq)
    # Machine A's SP804 timer 0 is routed to machine B (the shell, as in machine-b): B's
    # timer counts, and the route's irq= option polls B's TIMER0MIS (0x101e2014) to drive
    # A's VIC line 4. A's handler takes 5 interrupts, acknowledging each through the route.
    start_machine_b
    t0=$(now_ms)
    run "$bin/timer_routed-arm.elf" \
        --route "0x101e2000+0x1000=serialice:tcp:127.0.0.1:$port?window=64&irq=4@0x101e2014&irq-mask=1&irq-poll=10us&log"
    expect_status 0
    expect_output "$exp/timer_routed.txt"
    kill $pid_b 2>/dev/null
    wait $pid_b 2>/dev/null
    raised=$(grep -c ' P4 0x101e2014 0x00000001 [0-9]* irq-high$' "$tmp/err")
    [ "$raised" = 5 ] || fail "the line went high $raised times in the log, expected 5"
    grep -q "irq polls [1-9][0-9]*, raised 5$" "$tmp/err" || fail "no summary with 5 raised"
    acks=$(grep -c ' W4 0x101e200c 0x00000001 [0-9]* ok$' "$tmp/err")
    [ "$acks" = 6 ] || fail "$acks writes to TIMER0INTCLR logged, expected 6"
    [ "$elapsed_ms" -lt 20000 ] || fail "took $elapsed_ms ms"
    ;;
machine-b)
    # Machine B runs the ARM SerialICE shell (firmware/serialice_shell.c) on its UART1, a TCP
    # server; machine A's UART0 range is routed to it, so what A prints comes out of B's
    # UART0 and the PL011 A identifies is B's.
    start_machine_b
    run "$bin/hello_routed-arm.elf" --route "0x101f1000+0x1000=serialice:tcp:127.0.0.1:$port?log"
    expect_status 7
    [ -s "$tmp/out" ] && fail "machine A printed on its own UART0"
    kill $pid_b 2>/dev/null
    wait $pid_b 2>/dev/null
    if ! cmp -s "$exp/hello_routed.txt" "$tmp/b.out"; then
        fail "machine B's UART0 differs from $exp/hello_routed.txt (- expected, + got):"
        diff -u "$exp/hello_routed.txt" "$tmp/b.out" | tail -n +3 | head -n 20
    fi
    chars=$(wc -c <"$exp/hello_routed.txt")
    written=$(grep -c ' W4 0x101f1000 0x000000[0-9a-f][0-9a-f] [0-9]* ok$' "$tmp/err")
    [ "$written" = "$chars" ] || fail "$written writes to UART0 DR logged, expected $chars"
    ;;
garbled)
    # Every 5th command's reply (or echo) garbled, every 7th loses a byte.
    start_target a --tcp 0 --once --garble 5 --drop 7
    run "$bin/garbled-arm.elf" --route "$(route_a '?timeout=300')"
    expect_status 0
    expect_output "$exp/garbled.txt"
    expect_err "echo of '\*wm300000[0-9a-f]*\.l=[0-9a-f]*' garbled: expected '.', got '.'; resynchronised, retrying"
    grep -q "garbled replies [1-9][0-9]*, failed commands 0," "$tmp/err" ||
        fail "no summary of garbled replies, or commands failed"
    stop_target a
    expect_stat a garbled -gt 10
    expect_stat a dropped -gt 10
    ;;
silent-start)
    # A board that never answers: a clear error, exit status 2, in bounded time.
    start_target a --tcp 0 --mute
    run "$bin/rw-arm.elf" --route "$(route_a '?timeout=300')"
    expect_status 2
    expect_err "route '0x30000000+0x1000=serialice:$target_a?timeout=300': serialice '$target_a': the board does not answer"
    expect_faster_than 5000
    run "$bin/rw-arm.elf" --route "$(route_a)"
    expect_status 2
    expect_err "no SerialICE prompt within 1000 ms (is the SerialICE shell running?)"
    expect_faster_than 10000
    # The pty of a board without the shell: the same, with the baud rate hint.
    start_target p --pty --mute
    run "$bin/rw-arm.elf" --route "0x30000000+0x1000=serialice:$target_p?timeout=300"
    expect_status 2
    expect_err "is the SerialICE shell running, at this baud rate?"
    ;;
dts)
    start_target a --tcp 0 --once
    start_target b --tcp 0 --once --base 0x101f2000
    sed -e "s|@VERSATILEPB@|$top/boards/versatilepb.dts|" -e "s|@TARGET_A@|$target_a|g" \
        -e "s|@TARGET_B@|$target_b|g" "$src/routed_board.dts.in" >"$tmp/board.dts"
    run "$bin/multi-arm.elf" --board "$tmp/board.dts"
    expect_status 0
    expect_output "$exp/multi.txt"
    grep -q ' W4 0x30000000 0xaaaa0001 [0-9]* ok$' "$tmp/err" || fail "the DTS route's ?log did not log"
    # A routed node whose board does not answer: the board is refused, naming the node.
    start_target m --tcp 0 --mute
    sed -e "s|@VERSATILEPB@|$top/boards/versatilepb.dts|" -e "s|@TARGET_A@|$target_m|g" \
        -e "s|@TARGET_B@|$target_m?timeout=200|g" "$src/routed_board.dts.in" >"$tmp/board2.dts"
    run "$bin/multi-arm.elf" --board "$tmp/board2.dts"
    expect_status 2
    expect_err "board node 'serial@101f2000': brassboard,route: route '0x101f2000+0x1000=serialice:$target_m?timeout=200': serialice '$target_m': the board does not answer"
    expect_faster_than 5000
    ;;
filter | filter-script | filter-dts)
    # Machine A's 0x30000000 is routed to machine B (the shell, and a Lua device at
    # 0x30000000 that logs what it is asked: filter_b_device.lua) through the Lua filter
    # filter.lua, given by the route's filter= option, by A's --script (which also adds the
    # route), or in A's board DTS (filter= relative to the board file). The filter answers
    # some accesses from its model (B never sees them), alters a written and a read value,
    # moves and widens accesses, and sends some to A's own UART0.
    start_machine_b --script "$src/filter_b_device.lua"
    route="0x30000000+0x1000=serialice:tcp:127.0.0.1:$port?window=64"
    case $scenario in
    filter)
        run "$bin/filter_routed-arm.elf" --route "$route&filter=$src/filter.lua" \
            --route-log "$tmp/access.log"
        ;;
    filter-script)
        export FILTER_ROUTE="$route"
        run "$bin/filter_routed-arm.elf" --script "$src/filter_script.lua" \
            --route-log "$tmp/access.log"
        ;;
    filter-dts)
        cp "$src/filter.lua" "$tmp/filter.lua"
        sed -e "s|@VERSATILEPB@|$top/boards/versatilepb.dts|" -e "s|@PORT@|$port|" \
            "$src/filter_board.dts.in" >"$tmp/board.dts"
        run "$bin/filter_routed-arm.elf" --board "$tmp/board.dts" --route-log "$tmp/access.log"
        ;;
    esac
    expect_status 0
    expect_output "$exp/filter.txt"
    check_log "$tmp/access.log" "$exp/filter.log"
    grep -q "reads 6, cached reads 0, writes 3, failed 0, to model or bus 19, filter errors 0$" \
        "$tmp/access.log" || fail "no summary line with 6 reads, 3 writes and 19 for the filter"
    stop_machine_b
    check_b_device "$exp/filter_b.txt"
    ;;
filter-error)
    # filter_error.lua fails on some accesses: each gets the route's default (default=V, or a
    # bus error: a data abort) and a message naming the script and the line; B never sees
    # them; the accesses the filter lets through work.
    for variant in default abort; do
        start_machine_b --script "$src/filter_b_device.lua"
        options="window=64&filter=$src/filter_error.lua"
        outcome="a bus error for the guest"
        if [ $variant = default ]; then
            options="$options&default=0xdeadbeef"
            outcome="the read gets the default 0xdeadbeef"
        fi
        run "$bin/filter_error-arm.elf" --route "0x30000000+0x1000=serialice:tcp:127.0.0.1:$port?$options"
        expect_status 0
        expect_output "$exp/filter_error_$variant.txt"
        expect_err "filter error at the read of 0x30000010: [^ ]*filter_error.lua:9: attempt to index a nil value (local 'model'); $outcome$"
        expect_err "filter error at the read of 0x30000014: [^ ]*filter_error.lua:6: pre returned \"sideways\" (expected nothing, \"hw\", \"model\" or \"bus\"); $outcome$"
        expect_err "filter error at the read of 0x30000018: [^ ]*filter_error.lua:13: no model for 0x18; $outcome$"
        expect_err "filter error at the read of 0x3000001c: [^ ]*filter_error.lua:19: post left a.value as a string, not an integer; $outcome$"
        [ $variant = default ] && outcome="the write is dropped"
        expect_err "filter error at the write of 0x30000020: [^ ]*filter_error.lua:15: attempt to index a number value (field 'value'); $outcome$"
        expect_err "route '0x30000000+0x1000=serialice:tcp:127.0.0.1:$port?$options': 5 filter errors$"
        stop_machine_b
        check_b_device "$exp/filter_error_b.txt"
    done
    # A filter that cannot be loaded stops the run before the guest starts (exit status 2),
    # naming the script and the line, before any board is contacted.
    printf 'local f = {\n  pre = function(a) end\nreturn f\n' >"$tmp/broken.lua"
    run "$bin/filter_error-arm.elf" --route "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?filter=$tmp/broken.lua"
    expect_status 2
    expect_err "route '0x30000000+0x1000=serialice:tcp:127.0.0.1:1?filter=$tmp/broken.lua': filter=$tmp/broken.lua: [^ ]*broken.lua:3: '}' expected (to close '{' at line 1) near 'return'"
    [ -s "$tmp/out" ] && fail "the guest ran with a broken filter"
    run "$bin/filter_error-arm.elf" --route "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?filter=$tmp/none.lua"
    expect_status 2
    expect_err "filter=$tmp/none.lua: cannot open $tmp/none.lua"
    printf 'return {pre = 42}\n' >"$tmp/notfn.lua"
    run "$bin/filter_error-arm.elf" --route "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?filter=$tmp/notfn.lua"
    expect_status 2
    expect_err "filter=$tmp/notfn.lua: $tmp/notfn.lua: the filter's pre is a number, not a function"
    ;;
bad-specs)
    # Bad specs: exit status 2 and a message naming the spec, before anything runs.
    check_bad() { # SPEC MESSAGE
        run "$bin/rw-arm.elf" --route "$1"
        expect_status 2
        expect_err "route '$1': $2"
        [ -s "$tmp/out" ] && fail "the guest ran with the bad route '$1'"
    }
    check_bad "0x30000000=serialice:tcp:127.0.0.1:1" "expected BASE+SIZE=SCHEME:TARGET"
    check_bad "0x30000000+0=serialice:tcp:127.0.0.1:1" "expected BASE+SIZE=SCHEME:TARGET"
    check_bad "0x30000000+0x1000" "expected BASE+SIZE=SCHEME:TARGET"
    check_bad "0x30000000+0x1000=nosuch:x" "unknown scheme 'nosuch' (known: serialice"
    check_bad "0x0+0x1000=serialice:tcp:127.0.0.1:1" "overlaps RAM 'ram"
    check_bad "0x101f1800+0x1000=serialice:tcp:127.0.0.1:1" "overlaps device 'serial@101f1000'"
    check_bad "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?cache=0x50000000+4" "cache=0x50000000+4 lies outside the route"
    check_bad "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?default=x" "default=x is not a number"
    check_bad "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?baud=fast" "serialice option 'baud=fast' not understood"
    check_bad "0x30000000+0x1000=serialice:tcp:127.0.0.1:1" "serialice: 'tcp:127.0.0.1:1': cannot connect"
    check_bad "0x30000000+0x1000=serialice:/dev/no-such-tty" "serialice: '/dev/no-such-tty': No such file or directory"
    check_bad "0x100000000+0x1000=serialice:tcp:127.0.0.1:1" "serialice addresses are 32 bits wide"
    check_bad "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?irq=4" "serialice option 'irq=4' not understood"
    check_bad "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?irq=4@0x30001000" "irq=4@0x30001000: the status register must be an aligned 32-bit word inside the route"
    check_bad "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?irq=4@0x30000002" "irq=4@0x30000002: the status register must be"
    check_bad "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?irq=4@0x30000000&irq-poll=10" "irq-poll=10: expected a period such as 10us"
    check_bad "0x30000000+0x1000=serialice:ftdi:0403:6001?baud=115200" "serialice: 'ftdi:0403:6001': cannot open the FTDI adapter 0403:6001: "
    check_bad "0x30000000+0x1000=serialice:ftdi:0x0403:0x6015:NOSUCHSERIAL" "serialice: 'ftdi:0x0403:0x6015:NOSUCHSERIAL': cannot open the FTDI adapter 0403:6015 with serial NOSUCHSERIAL: "
    check_bad "0x30000000+0x1000=serialice:ftdi:0403" "serialice: 'ftdi:0403': expected ftdi:VID:PID\\[:SERIAL|:#INDEX\\]"
    check_bad "0x30000000+0x1000=serialice:ftdi:0403:6001?latency=0" "serialice option 'latency=0' not understood"
    check_bad "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?irq-mask=1" "irq-mask= and irq-poll= need irq=INPUT@ADDRESS"
    check_bad "0x30000000+0x1000=serialice:tcp:127.0.0.1:1?pace=fast" "serialice option 'pace=fast' not understood"
    run "$bin/rw-arm.elf" --route-log /no/such/dir/log
    expect_status 2
    expect_err "route-log '/no/such/dir/log': No such file or directory"
    ;;
*)
    echo "unknown scenario $scenario"
    exit 2
    ;;
esac

if [ $failed != 0 ]; then
    echo "--- brassboard stderr (last 30 lines):"
    tail -n 30 "$tmp/err"
    exit 1
fi
echo "ok: $scenario"
