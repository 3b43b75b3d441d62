# SPDX-License-Identifier: BSD-3-Clause
# avrcalls.awk - the call graph of a linked AVR image, for avr-gcc
# versions without -fcallgraph-info: the stack of each function from the
# .su files of -fstack-usage, the calls from avr-objdump -d of the image.
# call and rcall to the start of another function are calls; jmp and rjmp
# to the start of another function are tail calls (the caller's frame is
# gone by then); icall and eicall are indirect calls (their targets are
# not followed); ijmp and eijmp are a switch's jump table, inside its
# function. A function without a .su line (libgcc's routines, written in
# assembly) is given its return address (set ret: 2 bytes, 3 on parts with
# a 3-byte PC) and one byte per push: qualifier "estimated".
# Input: the .su files, then the disassembly. Output: the lines stack.awk
# reads.
FILENAME ~ /\.su$/ {
    split($0, f, "\t")
    name = f[1]
    sub(/.*:/, "", name)
    su[name] = 1
    print "node", name, f[2], f[3]
    next
}
/^[0-9a-f]+ <[^>]+>:$/ {
    fn = $2
    gsub(/[<>:]/, "", fn)
    pushes[fn] += 0
    next
}
/\tpush\t/ { pushes[fn]++; next }
/\te?icall/ { print "edge", fn, "__indirect_call"; next }
/\t(r?call|r?jmp)\t/ {
    if (!match($0, /<[^>]+>$/)) next
    t = substr($0, RSTART + 1, RLENGTH - 2)
    if (t ~ /\+0x/ || t == fn) next
    print ($0 ~ /\tr?call\t/ ? "edge" : "tail"), fn, t
}
END {
    for (g in pushes)
        if (!(g in su)) print "node", g, ret + pushes[g], "estimated"
}
