/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Certificates from a file for `mdcard load`: PEM (one or many CERTIFICATE
 * blocks, a chain or a bundle) or DER (one certificate or several
 * concatenated). Each result is one DER X.509 certificate that parses.
 * Also the one-line descriptions of a certificate the tool prints.
 */
#ifndef MDC_TOOL_BUNDLE_H
#define MDC_TOOL_BUNDLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOOL_BUNDLE_MAX_CERTS 64
#define TOOL_BUNDLE_MAX_FILE ((size_t)1 << 20)

struct tool_cert {
    uint8_t *der;
    size_t len;
};

struct tool_certs {
    struct tool_cert *v;
    size_t n;
};

enum tool_bundle_rv {
    TOOL_BUNDLE_OK = 0,
    TOOL_BUNDLE_EMPTY,    /* no certificate in the input */
    TOOL_BUNDLE_NOT_CERT, /* a PEM block of another kind (a key, a request...) */
    TOOL_BUNDLE_BAD,      /* malformed PEM, DER or certificate */
    TOOL_BUNDLE_TOO_MANY, /* above TOOL_BUNDLE_MAX_CERTS or TOOL_BUNDLE_MAX_FILE */
    TOOL_BUNDLE_NOMEM,
};

/* Appends the certificates of data to out (which may hold some already).
 * On failure out keeps what it had and `why` says what was wrong. */
enum tool_bundle_rv tool_bundle_split(const uint8_t *data, size_t len, struct tool_certs *out,
                                      char *why, size_t why_size);
void tool_certs_clear(struct tool_certs *c);

/* Readable facts of a DER certificate; false when it does not parse. */
struct tool_cert_desc {
    char subject[512]; /* RFC 2253 order, UTF-8 */
    char issuer[512];
    char not_before[32]; /* "2026-11-26 08:00:00 UTC" */
    char not_after[32];
    bool ca;          /* basicConstraints cA, or self-issued version 1 */
    bool self_issued; /* subject == issuer */
    unsigned key_bits;
};
bool tool_cert_describe(const uint8_t *der, size_t len, struct tool_cert_desc *d);

#endif
