/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Secret buffer: mlock'd page-aligned storage (best effort), wiped on release. */
#include "util/secret.h"

#include "util/log.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct mdc_secret *mdc_util_secret_new(const void *bytes, size_t len)
{
    struct mdc_secret *s;
    long page = sysconf(_SC_PAGESIZE);
    size_t cap = page > 0 ? (size_t)page : 4096;
    void *mem = NULL;

    if (len > MDC_SECRET_MAX || (bytes == NULL && len != 0))
        return NULL;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    /* A page of its own, so locking it does not pin unrelated heap data. */
    if (posix_memalign(&mem, cap, cap) != 0) {
        free(s);
        return NULL;
    }
    s->data = mem;
    s->cap = cap;
    /* mlock may fail (RLIMIT_MEMLOCK); the secret is still wiped on release. */
    s->locked = mlock(s->data, s->cap) == 0;
    if (!s->locked)
        MDC_DEBUG(MDC_CAT_P11, "mlock failed; secret kept in unlocked memory");
    if (!mdc_util_secret_set(s, bytes, len)) {
        mdc_util_secret_free(s);
        return NULL;
    }
    return s;
}

bool mdc_util_secret_set(struct mdc_secret *s, const void *bytes, size_t len)
{
    if (s == NULL || len > MDC_SECRET_MAX || len > s->cap || (bytes == NULL && len != 0))
        return false;
    OPENSSL_cleanse(s->data, s->cap);
    if (len != 0)
        memcpy(s->data, bytes, len);
    s->len = len;
    return true;
}

void mdc_util_secret_free(struct mdc_secret *s)
{
    if (s == NULL)
        return;
    if (s->data != NULL) {
        OPENSSL_cleanse(s->data, s->cap);
        if (s->locked)
            munlock(s->data, s->cap);
        free(s->data);
    }
    OPENSSL_cleanse(s, sizeof(*s));
    free(s);
}
