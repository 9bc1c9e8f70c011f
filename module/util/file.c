/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one loop that reads a bounded file: the configuration file, the disk
 * cache's record and the certificates the tool loads all go through it.
 */
#include "util/file.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

int mdc_util_read_fd(int fd, size_t max, uint8_t **data, size_t *len)
{
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;

    *data = NULL;
    *len = 0;
    while (n < max) {
        ssize_t r;

        if (n == cap) {
            size_t want = cap == 0 ? 4096 : cap * 2;
            uint8_t *b;

            if (want > max || want < cap)
                want = max;
            b = realloc(buf, want);
            if (b == NULL) {
                free(buf);
                return ENOMEM;
            }
            buf = b;
            cap = want;
        }
        r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int err = errno;

            free(buf);
            return err;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *data = buf;
    *len = n;
    return 0;
}
