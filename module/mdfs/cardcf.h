/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cardcf (A010/DF22): the cache freshness file. Parse its first six bytes,
 * produce the value to write for an operation, and tell which counters differ
 * between two values. Bytes after the first six belong to other applications
 * and, like the version byte, are always preserved.
 */
#ifndef MDC_MDFS_CARDCF_H
#define MDC_MDFS_CARDCF_H

#include "mdfs/mdfs.h"

#define MDC_CARDCF_MIN_LEN 6
/* Hard cap: a DO longer than this is not a cardcf (6 + 4 bytes per cardapps entry). */
#define MDC_CARDCF_MAX_LEN 4096

/* Counter selection bits (also the bits returned by the diff functions). */
#define MDC_CARDCF_PINS 0x01u       /* bPinsFreshness, byte 1 */
#define MDC_CARDCF_CONTAINERS 0x02u /* wContainersFreshness, LE16 at 2 */
#define MDC_CARDCF_FILES 0x04u      /* wFilesFreshness, LE16 at 4 */
#define MDC_CARDCF_OTHER 0x08u      /* version byte, trailing bytes or length (raw diff only) */
#define MDC_CARDCF_ALL (MDC_CARDCF_PINS | MDC_CARDCF_CONTAINERS | MDC_CARDCF_FILES)

typedef struct {
    uint8_t version;
    uint8_t pins;
    uint16_t containers;
    uint16_t files;
} mdc_cardcf;

/* Any version, any length from 6 to MDC_CARDCF_MAX_LEN. */
mdc_mdfs_rv mdc_mdfs_cardcf_parse(const uint8_t *buf, size_t len, mdc_cardcf *out);

/*
 * Writes into out (len bytes; may be the same buffer as in) the value to store
 * for an operation that changes the counters in `which` (MDC_CARDCF_* bits):
 * each selected counter +1 with 8/16-bit wrap-around, everything else copied.
 */
mdc_mdfs_rv mdc_mdfs_cardcf_bump(const uint8_t *in, size_t len, unsigned which, uint8_t *out);

/* MDC_CARDCF_* bits of the counters that differ between a and b. */
unsigned mdc_mdfs_cardcf_diff(const mdc_cardcf *a, const mdc_cardcf *b);

/*
 * Same over raw values; adds MDC_CARDCF_OTHER when the version byte, the
 * trailing bytes or the lengths differ. Unparsable input (shorter than six
 * bytes) on either side yields every bit: nothing cached can be trusted.
 */
unsigned mdc_mdfs_cardcf_diff_raw(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

#endif
