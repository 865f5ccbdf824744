#!/bin/sh
# `brassboard boards` names versatilepb; `brassboard devices` names the Versatile PB models.
bb=$1
"$bb" boards | grep -q "^versatilepb " || { echo "FAIL: boards: $("$bb" boards)"; exit 1; }
for c in arm,pl011 arm,sp804 arm,versatile-vic arm,versatile-sic arm,pl031 arm,sp810; do
    "$bb" devices | grep -qF "\"$c\"" || { echo "FAIL: devices lacks $c"; exit 1; }
done
echo ok
