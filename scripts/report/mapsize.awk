# SPDX-License-Identifier: BSD-3-Clause
# mapsize.awk - the runtime's and the site's bytes in a linked image, from
# a GNU ld map file (-Wl,-Map). Each input section is attributed by the
# file it came from (the runtime's objects, as files or as members of
# libpagec_runtime.a; the site's object site.o) and counted by the output
# section it went into: .text, .rodata and AVR's .progmem are flash
# ("text"), .data and .sdata are initialised RAM ("data"), .bss, .sbss and
# COMMON are zeroed RAM ("bss"); RISC-V's .srodata input sections are
# constants and counted as text wherever they went. Padding (*fill*) is
# not counted.
#
# Prints "runtime TEXT DATA BSS", "site TEXT DATA BSS", and one line
# "ram SECTION SIZE" for each runtime input section that ended in
# initialised RAM (constants copied to RAM at start-up).
function kind(out) {
    if (out ~ /^\.(text|rodata|srodata|progmem)(\.|$)/) return "text"
    if (out ~ /^\.(data|sdata|tdata)(\.|$)/) return "data"
    if (out ~ /^\.(bss|sbss|tbss|noinit)(\.|$)/) return "bss"
    return ""
}
function group(file) {
    if (file ~ /libpagec_runtime\.a\([^)]*\.o\)$/) return "runtime"
    if (file ~ /(^|\/)site\.o$/) return "site"
    return ""
}
function add(sec, size, file,    g, k) {
    g = group(file)
    k = kind(out)
    # RISC-V's small constants: the generic linker script puts them with
    # .sdata, a firmware's with its flash
    if (sec ~ /^\.srodata/ && k != "") k = "text"
    if (g == "" || k == "") return
    n[g, k] += strtonum_(size)
    if (g == "runtime" && k == "data") ram[sec] += strtonum_(size)
}
function strtonum_(h,    i, c, v) {
    h = tolower(h)
    sub(/^0x/, "", h)
    v = 0
    for (i = 1; i <= length(h); i++) {
        c = index("0123456789abcdef", substr(h, i, 1)) - 1
        v = v * 16 + c
    }
    return v
}
/^Linker script and memory map/ { inmap = 1; next }
!inmap { next }
/^[^ \t]/ { out = $1; pending = ""; next }
/^ [^ ]/ {
    pending = ""
    if ($1 ~ /^\*/) next
    if (NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/) add($1, $3, $NF)
    else if (NF == 1) pending = $1
    next
}
/^ +0x/ {
    if (pending != "" && NF >= 3 && $2 ~ /^0x/) add(pending, $2, $NF)
    pending = ""
}
END {
    for (g = 1; g <= 2; g++) {
        name = g == 1 ? "runtime" : "site"
        printf "%s %d %d %d\n", name, n[name, "text"], n[name, "data"], n[name, "bss"]
    }
    for (s in ram) printf "ram %s %d\n", s, ram[s]
}
