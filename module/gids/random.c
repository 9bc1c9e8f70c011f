/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Random bytes from the card's generator: GET CHALLENGE in chunks. Cards
 * without one (GidsApplet: 6D00) are reported as unsupported.
 */
#include "gids/gids.h"

#include "util/log.h"

#include <openssl/crypto.h>
#include <string.h>

#define GIDS_CHALLENGE_CHUNK 128

mdc_card_rc mdc_gids_get_random(struct mdc_pcsc_conn *conn, uint8_t *out, size_t len)
{
    struct mdc_buf resp = MDC_BUF_INIT;
    mdc_card_rc rc = {MDC_CARD_OK, 0};
    size_t done = 0;

    if (out == NULL && len != 0)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    while (done < len) {
        size_t want = len - done < GIDS_CHALLENGE_CHUNK ? len - done : GIDS_CHALLENGE_CHUNK;
        struct mdc_apdu a = {0x00, 0x84, 0x00, 0x00, NULL, 0, true, (uint16_t)want};

        mdc_buf_clear(&resp);
        rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, &resp));
        if (rc.status == MDC_CARD_SW && (rc.sw == 0x6D00 || rc.sw == 0x6E00 || rc.sw == 0x6A81)) {
            MDC_DEBUG(MDC_CAT_GIDS, "GET CHALLENGE not supported (SW %04X)", rc.sw);
            rc.status = MDC_CARD_UNSUPPORTED;
        }
        if (rc.status != MDC_CARD_OK)
            break;
        /* Fewer bytes than asked is allowed (ask again), more or none is not. */
        if (resp.len == 0 || resp.len > want) {
            MDC_DEBUG(MDC_CAT_GIDS, "GET CHALLENGE of %zu answered with %zu bytes", want, resp.len);
            rc.status = MDC_CARD_BAD_RESPONSE;
            break;
        }
        memcpy(out + done, resp.data, resp.len);
        done += resp.len;
    }
    mdc_buf_free(&resp);
    if (rc.status != MDC_CARD_OK && len != 0)
        OPENSSL_cleanse(out, len); /* never hand out a half-filled buffer */
    return rc;
}
