#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# pagec-secret: its formats read back by other tools (objcopy for Intel
# HEX, Python for the record checksums, the C compiler for the header,
# od for the bytes), its errors and exit codes.
# usage: secret.sh PAGEC_SECRET
set -u
tool=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=tests/tally.sh
. "$(dirname -- "$0")/tally.sh" || exit 1
run() {
    "$tool" "$@" >"$work/out" 2>"$work/err"
    rc=$?
}
hexof() { od -An -v -tx1 "$1" | tr -d ' \n'; }

# Checks an Intel HEX file: every record's checksum, the data records'
# bytes at their addresses, the end record last; prints ADDRESS HEXBYTES
# of the data.
ihex_check() {
    python3 - "$1" <<'PY'
import sys
data = {}
end = False
for line in open(sys.argv[1]).read().splitlines():
    assert not end, "a record after the end record"
    assert line.startswith(":"), line
    rec = bytes.fromhex(line[1:])
    assert len(rec) == rec[0] + 5, "record length"
    assert sum(rec) % 256 == 0, "checksum of " + line
    addr = rec[1] << 8 | rec[2]
    if rec[3] == 0:
        for i, b in enumerate(rec[4:-1]):
            data[addr + i] = b
    elif rec[3] == 1:
        end = True
    else:
        raise AssertionError("record type %d" % rec[3])
assert end, "no end record"
lo = min(data)
assert sorted(data) == list(range(lo, lo + len(data)))
print("%d %s" % (lo, bytes(data[a] for a in sorted(data)).hex()))
PY
}

# drawn: 16 hex digits, a new value each time
run; a=$(cat "$work/out")
check "default: 16 hex digits" sh -c "echo '$a' | grep -Eqx '[0-9a-f]{16}'"
run; b=$(cat "$work/out")
check "two draws differ" [ "$a" != "$b" ]
run -f bin -o "$work/key.bin"
check "bin: exit 0" [ "$rc" = 0 ]
check "bin: 8 bytes" [ "$(wc -c <"$work/key.bin")" = 8 ]
check "bin: readable by its owner only" [ "$(stat -c %a "$work/key.bin")" = 600 ]
check "no temporary file left" [ "$(find "$work" -name 'key*' | wc -l)" = 1 ]
key=$(hexof "$work/key.bin")

# the same key in every format, through --from
run --from "$work/key.bin"
check "hex --from: the same bytes" [ "$(cat "$work/out")" = "$key" ]
run -f ihex --from "$work/key.bin" -o "$work/key.hex"
check "ihex: exit 0" [ "$rc" = 0 ]
check "ihex: records and checksums well-formed, the key at address 0" \
    [ "$(ihex_check "$work/key.hex")" = "0 $key" ]
objcopy -I ihex -O binary "$work/key.hex" "$work/back.bin"
check "ihex: objcopy reads back the same 8 bytes" cmp -s "$work/key.bin" "$work/back.bin"
run -f ihex --address 0x3f8 --from "$work/key.bin" -o "$work/at.hex"
check "ihex --address 0x3f8: the key at 1016" [ "$(ihex_check "$work/at.hex")" = "1016 $key" ]
# the check itself: a record whose checksum is one off is refused
line=$(head -n 1 "$work/key.hex")
cs=${line#"${line%??}"}
{ printf '%s%02X\n' "${line%??}" $(((0x$cs + 1) % 256)); tail -n 1 "$work/key.hex"; } >"$work/bad.hex"
if ihex_check "$work/bad.hex" >/dev/null 2>&1; then
    bad "the ihex check refuses a wrong checksum"
else
    ok "the ihex check refuses a wrong checksum"
fi
check "objcopy refuses it too" sh -c "! objcopy -I ihex -O binary '$work/bad.hex' '$work/bad.bin' 2>/dev/null"
run -f c --name DEVICE_KEY --from "$work/key.bin" -o "$work/key.h"
check "c: exit 0" [ "$rc" = 0 ]
printf '#include <stdio.h>\n#include "key.h"\nstatic const unsigned char k[] = {DEVICE_KEY};\nint main(void) { unsigned i; if (sizeof k != 8) return 1; for (i = 0; i < 8; i++) printf("%%02x", k[i]); return 0; }\n' >"$work/k.c"
cc -std=c99 -Wall -Wextra -Werror -o "$work/k" "$work/k.c"
check "c: the header compiles, the same 8 bytes" [ "$("$work/k")" = "$key" ]
run -f bin --from "$work/key.bin" -o "$work/copy.bin"
check "bin --from: the same file" cmp -s "$work/key.bin" "$work/copy.bin"

# errors
head -c 7 /dev/zero >"$work/short.bin"
run --from "$work/short.bin"
check "--from 7 bytes: exit 1" [ "$rc" = 1 ]
check "--from 7 bytes: message" grep -qx "pagec-secret: $work/short.bin: not 8 bytes long" "$work/err"
head -c 9 /dev/zero >"$work/long.bin"
run --from "$work/long.bin"; check "--from 9 bytes: exit 1" [ "$rc" = 1 ]
printf '\377\377\377\377\377\377\377\377' >"$work/ff.bin"
run --from "$work/ff.bin"; check "--from all 0xff: exit 1" [ "$rc" = 1 ]
check "--from all 0xff: said why" grep -q "erased EEPROM" "$work/err"
run --from "$work/nonexistent"; check "--from a missing file: exit 1" [ "$rc" = 1 ]
run -f hexx; check "unknown format: exit 2" [ "$rc" = 2 ]
run --address 0xfff9 -f ihex; check "--address past 0xfff8: exit 2" [ "$rc" = 2 ]
run --name 9x -f c; check "--name 9x: exit 2" [ "$rc" = 2 ]
run -f bin -o "$work/no/such/dir/k.bin"; check "unwritable output: exit 1" [ "$rc" = 1 ]
run extra; check "an argument: exit 2" [ "$rc" = 2 ]

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
