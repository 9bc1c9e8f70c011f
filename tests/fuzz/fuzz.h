/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The libFuzzer entry point every harness defines, and a check that aborts on a broken invariant.
 */
#ifndef MDC_FUZZ_H
#define MDC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Invariant violated: abort so that libFuzzer (or the replay driver) reports the input. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

#endif
