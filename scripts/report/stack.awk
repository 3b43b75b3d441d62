# SPDX-License-Identifier: BSD-3-Clause
# stack.awk - the deepest stack of a set of entry points: each function's
# own stack (its frame, saved registers and, where the target pushes one,
# its return address) summed along the call chain that needs the most.
# Input lines: "node NAME BYTES QUALIFIER", "edge CALLER CALLEE", "tail
# CALLER CALLEE" (a tail call: the caller's frame is released first).
# Set entries to the entry points, separated by spaces.
# Prints: BYTES PATH UNKNOWN QUALIFIERS, where PATH is the chain as
# name(bytes)>name(bytes), UNKNOWN the functions reached whose stack is
# not known (counted as 0; "-" for none), QUALIFIERS "static" when every
# frame reached is of a fixed size, else QUALIFIER:FUNCTION,... for each
# other qualifier seen (separated by ";"), and "recursion" when a chain
# calls itself.
function short(f,    s) { s = f; sub(/.*:/, "", s); return s }
function depth(f,    own, i, g, d, m, nx) {
    if (f in memo) return memo[f]
    if (f in busy) { recursion = 1; return 0 }
    busy[f] = 1
    if (f in st) own = st[f]
    else { own = 0; unknown[short(f)] = 1 }
    if ((f in q) && q[f] != "static")
        quals[q[f]] = quals[q[f]] (quals[q[f]] == "" ? "" : ",") short(f)
    m = own; nx = ""
    for (i = 1; i <= ne[f]; i++) {
        g = e[f, i]
        d = depth(g) + (tail[f, i] ? 0 : own)
        if (d > m) { m = d; nx = g }
    }
    delete busy[f]
    memo[f] = m
    nextf[f] = nx
    return m
}
$1 == "node" { st[$2] = $3; q[$2] = $4; next }
$1 == "edge" || $1 == "tail" {
    ne[$2]++
    e[$2, ne[$2]] = $3
    tail[$2, ne[$2]] = $1 == "tail"
}
END {
    n = split(entries, ent, " ")
    best = -1
    for (i = 1; i <= n; i++) {
        d = depth(ent[i])
        if (d > best) { best = d; top = ent[i] }
    }
    path = ""
    for (f = top; f != ""; f = nextf[f])
        path = path (path == "" ? "" : ">") short(f) "(" ((f in st) ? st[f] : "?") ")"
    u = ""
    for (f in unknown) u = u (u == "" ? "" : ",") f
    ql = ""
    for (x in quals) ql = ql (ql == "" ? "" : ";") x ":" quals[x]
    if (recursion) ql = ql (ql == "" ? "" : ";") "recursion"
    if (ql == "") ql = "static"
    printf "%d %s %s %s\n", best, path, (u == "" ? "-" : u), ql
}
