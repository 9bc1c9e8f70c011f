/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DER SubjectPublicKeyInfo of an RSA public key, written by hand. OpenSSL's
 * EVP_PKEY_fromdata cannot be used for this inside host programs that load
 * an engine registered for RSA (openssl with libp11's pkcs11 engine): every
 * RSA EVP_PKEY_CTX is then the engine's legacy one and fromdata fails.
 */
#include "token/objects.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of a DER length field for len. */
static size_t len_size(size_t len)
{
    size_t n = 1;

    if (len < 0x80)
        return 1;
    for (size_t v = len; v != 0; v >>= 8)
        n++;
    return n;
}

static uint8_t *put_hdr(uint8_t *p, uint8_t tag, size_t len)
{
    size_t n = len_size(len);

    *p++ = tag;
    if (n == 1) {
        *p++ = (uint8_t)len;
        return p;
    }
    *p++ = (uint8_t)(0x80 | (n - 1));
    for (size_t i = n - 1; i > 0; i--)
        *p++ = (uint8_t)(len >> (8 * (i - 1)));
    return p;
}

/* INTEGER content length of an unsigned big-endian value (leading zeros dropped). */
static size_t int_len(const uint8_t **v, size_t *len)
{
    while (*len > 1 && (*v)[0] == 0) {
        (*v)++;
        (*len)--;
    }
    return *len + ((*v)[0] & 0x80 ? 1 : 0);
}

static uint8_t *put_int(uint8_t *p, const uint8_t *v, size_t len, size_t content)
{
    p = put_hdr(p, 0x02, content);
    if (content > len)
        *p++ = 0;
    memcpy(p, v, len);
    return p + len;
}

bool mdc_tok_rsa_spki(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
                      uint8_t **out, size_t *out_len)
{
    static const uint8_t alg[] = {0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7,
                                  0x0D, 0x01, 0x01, 0x01, 0x05, 0x00};
    size_t ni, ei, rsa, bits, spki, total;
    uint8_t *buf, *p;

    *out = NULL;
    *out_len = 0;
    if (n == NULL || e == NULL || n_len == 0 || e_len == 0 || n_len > 8192 || e_len > 8192)
        return false;
    ni = int_len(&n, &n_len);
    ei = int_len(&e, &e_len);
    rsa = 1 + len_size(ni) + ni + 1 + len_size(ei) + ei;      /* RSAPublicKey content */
    bits = 1 + 1 + len_size(rsa) + rsa;                         /* BIT STRING content */
    spki = sizeof(alg) + 1 + len_size(bits) + bits;             /* SPKI content */
    total = 1 + len_size(spki) + spki;
    buf = malloc(total);
    if (buf == NULL)
        return false;
    p = put_hdr(buf, 0x30, spki);
    memcpy(p, alg, sizeof(alg));
    p += sizeof(alg);
    p = put_hdr(p, 0x03, bits);
    *p++ = 0; /* no unused bits */
    p = put_hdr(p, 0x30, rsa);
    p = put_int(p, n, n_len, ni);
    p = put_int(p, e, e_len, ei);
    if ((size_t)(p - buf) != total) {
        free(buf);
        return false;
    }
    *out = buf;
    *out_len = total;
    return true;
}
