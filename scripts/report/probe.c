/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * probe.c - the sizes of the runtime's structures on a target, for
 * scripts/report.sh: each array below is as long as a structure, and
 * nm -S reads its size from the object file (no need to run anything on
 * the target). Compiled with -fno-common.
 */
#include "pagec/linklocal.h"
#include "pagec/ppp.h"
#include "pagec/stream.h"

char report_sizeof_stream[sizeof(struct pagec_stream)];
char report_sizeof_server[sizeof(struct pagec_server)];
char report_sizeof_reply[sizeof(struct pagec_reply)];
char report_sizeof_pagec_linklocal[sizeof(struct pagec_linklocal)];
char report_sizeof_pagec_ppp[sizeof(struct pagec_ppp)];
