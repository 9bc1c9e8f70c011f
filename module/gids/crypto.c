/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private-key operations: MSE SET naming key and algorithm, then PERFORM
 * SECURITY OPERATION (COMPUTE DIGITAL SIGNATURE or DECIPHER), with 240-byte
 * command chaining where the data needs it (GIDS-AND-MINIDRIVER.md 2.12, 2.15).
 */
#include "gids/gids.h"

#include "util/log.h"

#include <string.h>

/* Algorithm scheme nibbles (high half of the algorithm identifier). */
#define GIDS_SIGN_RAW 0x10
#define GIDS_SIGN_PKCS1 0x50
#define GIDS_DEC_RAW 0x00
#define GIDS_DEC_PKCS1 0x40
#define GIDS_DEC_OAEP 0x80
#define GIDS_CRT_SIGN 0xB6
#define GIDS_CRT_DECIPHER 0xB8
/* GidsApplet takes a DigestInfo in one APDU only (no chaining for 5x). */
#define GIDS_PKCS1_MAX_INPUT 247

bool mdc_gids_alg_size(unsigned bits, uint8_t *nibble)
{
    switch (bits) {
    case 1024:
        *nibble = 0x06;
        return true;
    case 2048:
        *nibble = 0x07;
        return true;
    case 3072:
        *nibble = 0x08;
        return true;
    case 4096:
        *nibble = 0x09;
        return true;
    default:
        return false;
    }
}

/* MSE SET for a private-key operation with key `kid` and algorithm `alg`. */
static mdc_card_rc mse_set(struct mdc_pcsc_conn *conn, uint8_t crt, uint8_t alg, uint8_t kid)
{
    const uint8_t data[6] = {0x80, 0x01, alg, 0x84, 0x01, kid};
    struct mdc_apdu a = {0x00, 0x22, 0x41, crt, data, sizeof(data), false, 0};
    mdc_card_rc rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, NULL));

    if (rc.status != MDC_CARD_OK)
        MDC_DEBUG(MDC_CAT_GIDS, "MSE SET %02X alg %02X kid %02X: status %d SW %04X", crt, alg, kid,
                  (int)rc.status, rc.sw);
    return rc;
}

/* Checks the key and returns its reference and modulus length in bytes. */
static mdc_card_rc key_params(const struct mdc_card_key *key, uint8_t *kid, uint8_t *size,
                              size_t *k)
{
    if (key == NULL || key->index >= MDC_GIDS_CONTAINERS_MAX)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if (!mdc_gids_alg_size(key->bits, size)) {
        MDC_DEBUG(MDC_CAT_GIDS, "no GIDS algorithm for RSA-%u", key->bits);
        return (mdc_card_rc){MDC_CARD_UNSUPPORTED, 0};
    }
    *kid = (uint8_t)(MDC_GIDS_KID_FIRST + key->index);
    *k = key->bits / 8;
    return (mdc_card_rc){MDC_CARD_OK, 0};
}

/* PSO with chained data, answer into out. A result shorter than the modulus
 * (a card dropping leading zero bytes) is left-padded when `full` asks for k
 * bytes; anything longer than k is not an RSA result. */
static mdc_card_rc pso(struct mdc_pcsc_conn *conn, uint8_t p1, uint8_t p2, const uint8_t *in,
                       size_t in_len, size_t k, bool full, struct mdc_buf *out)
{
    struct mdc_apdu a = {0x00, 0x2A, p1, p2, in, in_len, true, 256};
    struct mdc_buf resp = MDC_BUF_INIT;
    mdc_card_rc rc;

    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit_chain(conn, &a, &resp));
    if (rc.status == MDC_CARD_OK) {
        if (resp.len > k || (full && resp.len == 0)) {
            MDC_WARN(MDC_CAT_GIDS, "PSO %02X%02X: %zu bytes for a %zu-byte modulus", p1, p2,
                     resp.len, k);
            rc.status = MDC_CARD_BAD_RESPONSE;
        } else if ((full && !mdc_buf_reserve(out, k)) || !mdc_buf_reserve(out, resp.len)) {
            rc.status = MDC_CARD_NOMEM;
        } else {
            size_t pad = full ? k - resp.len : 0;

            if (pad != 0)
                memset(out->data, 0, pad);
            if (resp.len != 0)
                memcpy(out->data + pad, resp.data, resp.len);
            out->len = pad + resp.len;
        }
    }
    MDC_DEBUG(MDC_CAT_GIDS, "PSO %02X%02X of %zu bytes: status %d SW %04X, %zu bytes back", p1, p2,
              in_len, (int)rc.status, rc.sw, out->len);
    mdc_buf_free(&resp); /* wipes: a decipher result is secret */
    return rc;
}

mdc_card_rc mdc_gids_sign(struct mdc_pcsc_conn *conn, const struct mdc_card_key *key,
                          enum mdc_sign_mode mode, const uint8_t *in, size_t in_len,
                          struct mdc_buf *out)
{
    uint8_t kid = 0, size = 0, scheme;
    size_t k = 0;
    mdc_card_rc rc;

    if (out == NULL || in == NULL || in_len == 0)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    mdc_buf_clear(out);
    rc = key_params(key, &kid, &size, &k);
    if (rc.status != MDC_CARD_OK)
        return rc;
    if (mode == MDC_SIGN_PKCS1) {
        if (in_len > GIDS_PKCS1_MAX_INPUT) {
            MDC_DEBUG(MDC_CAT_GIDS, "DigestInfo of %zu bytes does not fit one APDU; use raw",
                      in_len);
            return (mdc_card_rc){MDC_CARD_UNSUPPORTED, 0};
        }
        scheme = GIDS_SIGN_PKCS1;
    } else if (mode == MDC_SIGN_RAW) {
        if (in_len != k) {
            MDC_DEBUG(MDC_CAT_GIDS, "raw signature input of %zu bytes for a %zu-byte modulus",
                      in_len, k);
            return (mdc_card_rc){MDC_CARD_ARGS, 0};
        }
        scheme = GIDS_SIGN_RAW;
    } else {
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    }
    rc = mse_set(conn, GIDS_CRT_SIGN, (uint8_t)(scheme | size), kid);
    if (rc.status == MDC_CARD_OK)
        rc = pso(conn, 0x9E, 0x9A, in, in_len, k, true, out);
    return rc;
}

mdc_card_rc mdc_gids_decrypt(struct mdc_pcsc_conn *conn, const struct mdc_card_key *key,
                             enum mdc_decrypt_mode mode, const uint8_t *in, size_t in_len,
                             struct mdc_buf *out)
{
    uint8_t kid = 0, size = 0, scheme;
    size_t k = 0;
    mdc_card_rc rc;

    if (out == NULL || in == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    mdc_buf_clear(out);
    rc = key_params(key, &kid, &size, &k);
    if (rc.status != MDC_CARD_OK)
        return rc;
    switch (mode) {
    case MDC_DECRYPT_RAW:
        scheme = GIDS_DEC_RAW;
        break;
    case MDC_DECRYPT_PKCS1:
        scheme = GIDS_DEC_PKCS1;
        break;
    case MDC_DECRYPT_OAEP_SHA1:
        scheme = GIDS_DEC_OAEP;
        break;
    default:
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    }
    /* Exactly k bytes and no padding-indicator byte (TPM cards reject it). */
    if (in_len != k) {
        MDC_DEBUG(MDC_CAT_GIDS, "cryptogram of %zu bytes for a %zu-byte modulus", in_len, k);
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    }
    rc = mse_set(conn, GIDS_CRT_DECIPHER, (uint8_t)(scheme | size), kid);
    if (rc.status == MDC_CARD_OK)
        rc = pso(conn, 0x80, 0x86, in, in_len, k, mode == MDC_DECRYPT_RAW, out);
    return rc;
}
