/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * User PIN verification and logout (GIDS-AND-MINIDRIVER.md 2.7). The PIN
 * goes straight from the caller's buffer into the transport, which wipes
 * its APDU buffer and masks VERIFY in the trace; nothing here copies it.
 */
#include "gids/gids.h"

#include "util/log.h"

#include <limits.h>

#define GIDS_PIN_REF_USER 0x80
#define GIDS_LOGOUT_P2 0x82

mdc_card_rc mdc_gids_verify_pin(struct mdc_pcsc_conn *conn, const uint8_t *pin, size_t pin_len,
                                unsigned *tries_left)
{
    struct mdc_apdu a = {0x00, 0x20, 0x00, GIDS_PIN_REF_USER, pin, pin_len, false, 0};
    mdc_card_rc rc;

    if (tries_left != NULL)
        *tries_left = UINT_MAX;
    if (pin == NULL && pin_len != 0)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    /* The card judges the length (GidsApplet: 4..16, 63Cx otherwise), but a
     * short APDU cannot carry more than 255 bytes: answer as a card would. */
    if (pin_len > 255) {
        MDC_DEBUG(MDC_CAT_GIDS, "PIN of %zu bytes cannot be sent", pin_len);
        return (mdc_card_rc){MDC_CARD_SW, 0x6700};
    }
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, NULL));
    if (rc.status == MDC_CARD_SW && (rc.sw & 0xFFF0) == 0x63C0 && tries_left != NULL)
        *tries_left = rc.sw & 0x000F;
    else if (rc.status == MDC_CARD_SW && rc.sw == 0x6983 && tries_left != NULL)
        *tries_left = 0;
    MDC_DEBUG(MDC_CAT_GIDS, "VERIFY user PIN: status %d SW %04X", (int)rc.status, rc.sw);
    return rc;
}

mdc_card_rc mdc_gids_logout(struct mdc_pcsc_conn *conn)
{
    struct mdc_apdu a = {0x00, 0x20, 0x00, GIDS_LOGOUT_P2, NULL, 0, false, 0};
    mdc_card_rc rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, NULL));

    MDC_DEBUG(MDC_CAT_GIDS, "logout: status %d SW %04X", (int)rc.status, rc.sw);
    return rc;
}
