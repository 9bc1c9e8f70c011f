/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Loader for the golden vectors of this folder, shared by the format unit
 * tests: files ending in .hex hold hex bytes (whitespace ignored, '#' starts
 * a comment), anything else is binary. The folder is $MDCARD_VECTORS.
 */
#ifndef MDC_TEST_VECTORS_H
#define MDC_TEST_VECTORS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int vec_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Contents of vector `name` (heap, free()), or NULL with a message on stderr. */
static inline uint8_t *vec_load(const char *name, size_t *len)
{
    const char *dir = getenv("MDCARD_VECTORS");
    char path[1024];
    FILE *f;
    uint8_t *raw = NULL, *out;
    long size;
    size_t n, i, o = 0;
    int hi = -1, comment = 0;
    size_t nl = strlen(name);

    *len = 0;
    if (dir == NULL) {
        fprintf(stderr, "MDCARD_VECTORS is not set\n");
        return NULL;
    }
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
        return NULL;
    f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    raw = malloc((size_t)size + 1);
    n = raw == NULL ? 0 : fread(raw, 1, (size_t)size, f);
    fclose(f);
    if (raw == NULL || n != (size_t)size) {
        free(raw);
        return NULL;
    }
    if (nl < 4 || strcmp(name + nl - 4, ".hex") != 0) {
        *len = n;
        return raw;
    }
    out = malloc(n / 2 + 1);
    if (out == NULL) {
        free(raw);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        int c = raw[i], v;
        if (comment) {
            comment = c != '\n';
            continue;
        }
        if (c == '#') {
            comment = 1;
            continue;
        }
        v = vec_hexval(c);
        if (v < 0)
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            out[o++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    free(raw);
    *len = o;
    return out;
}

/* Parses a hex string (no separators) into out; returns the byte count or 0. */
static inline size_t vec_unhex(const char *hex, uint8_t *out, size_t out_size)
{
    size_t n = 0;

    while (hex[0] != '\0' && hex[1] != '\0' && n < out_size) {
        int a = vec_hexval(hex[0]), b = vec_hexval(hex[1]);
        if (a < 0 || b < 0)
            break;
        out[n++] = (uint8_t)(a << 4 | b);
        hex += 2;
    }
    return n;
}

#endif
