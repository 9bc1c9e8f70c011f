/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one type for PINs and admin keys: locked in memory where the system
 * allows it, wiped with OPENSSL_cleanse when released. Never formatted.
 */
#ifndef MDC_UTIL_SECRET_H
#define MDC_UTIL_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MDC_SECRET_MAX 256

struct mdc_secret {
    uint8_t *data;
    size_t len;
    size_t cap;
    bool locked;
};

/* Allocate a secret holding a copy of `len` bytes (len may be 0).
 * Returns NULL on allocation failure or len > MDC_SECRET_MAX. */
struct mdc_secret *mdc_util_secret_new(const void *bytes, size_t len);
/* Replace the content; false if it does not fit. */
bool mdc_util_secret_set(struct mdc_secret *s, const void *bytes, size_t len);
/* Wipe, unlock and free; NULL is fine. */
void mdc_util_secret_free(struct mdc_secret *s);

#endif
