# SPDX-License-Identifier: BSD-3-Clause
# ci.awk - the call graph of GCC's -fcallgraph-info=su files (.ci, VCG
# format), as the lines stack.awk reads: "node NAME BYTES QUALIFIER" for
# each function compiled, "edge CALLER CALLEE" for each call. Names are
# the graph's titles: "file:name" for a static function, "name" for an
# external one, so that the files join at their external functions.
function quoted(s, key,    i, r) {
    i = index(s, key ": \"")
    if (!i) return ""
    r = substr(s, i + length(key) + 3)
    return substr(r, 1, index(r, "\"") - 1)
}
/^node:/ {
    t = quoted($0, "title")
    l = quoted($0, "label")
    if (match(l, /\\n[0-9]+ bytes \([^)]*\)/)) {
        b = substr(l, RSTART + 2, RLENGTH - 2)
        split(b, w, " ")
        q = b
        sub(/^[^(]*\(/, "", q)
        sub(/\)$/, "", q)
        print "node", t, w[1], q
    }
    next
}
/^edge:/ { print "edge", quoted($0, "sourcename"), quoted($0, "targetname") }
