/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading a whole (bounded) file from an open descriptor. */
#ifndef MDC_UTIL_FILE_H
#define MDC_UTIL_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads fd to its end, or until max bytes are read, into a new heap buffer
 * (*data, free() it; allocated even for an empty file when max > 0). EINTR is
 * retried. Returns 0
 * or the errno of the failing call; on failure nothing is returned. Callers
 * that must tell "exactly max" from "longer" pass their limit + 1.
 */
int mdc_util_read_fd(int fd, size_t max, uint8_t **data, size_t *len);

#endif
