/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * runner.c - runs one Check suite, named on the command line, so that
 * ctest registers every suite as a test of its own.
 */
#include <stdio.h>
#include <string.h>

#include "helper.h"

static const struct {
    const char *name;
    Suite *(*make)(void);
} suites[] = {
    {"chksum", chksum_suite},
    {"eth", eth_suite},
    {"linklocal", linklocal_suite},
    {"mdns", mdns_suite},
    {"ppp", ppp_suite},
    {"isn", isn_suite},
    {"large", large_suite},
    {"live", live_suite},
    {"packet", packet_suite},
    {"runtime", runtime_suite},
    {"slip", slip_suite},
    {"stream", stream_suite},
};

int main(int argc, char **argv)
{
    size_t i;

    for (i = 0; argc == 2 && i < sizeof suites / sizeof suites[0]; i++) {
        if (strcmp(argv[1], suites[i].name) == 0) {
            SRunner *r = srunner_create(suites[i].make());
            int failed;

            srunner_run_all(r, CK_NORMAL);
            failed = srunner_ntests_failed(r);
            srunner_free(r);
            return failed ? 1 : 0;
        }
    }
    fprintf(stderr, "usage: pagec_unittests SUITE (chksum, isn, live, "
                    "packet, runtime, slip, stream)\n");
    return 2;
}
