/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one place where GIDS results become CK_RV (house style 6). Status words
 * come from GIDS-AND-MINIDRIVER.md 2.17. Unknown ones are logged with SW1SW2
 * and reported as CKR_DEVICE_ERROR; CKR_GENERAL_ERROR only for our own bugs.
 */
#include "gids/gids.h"

#include "util/log.h"

static CK_RV map_sw(uint16_t sw, enum mdc_card_op op)
{
    if ((sw & 0xFFF0) == 0x63C0)
        return (sw & 0x000F) == 0 ? CKR_PIN_LOCKED : CKR_PIN_INCORRECT;
    switch (sw) {
    case 0x9000:
        return CKR_OK;
    case 0x6983:
        return CKR_PIN_LOCKED;
    case 0x6982:
        /* The SO "PIN" is the admin key: a failed authentication is 6982. */
        return op == MDC_CARD_OP_ADMIN ? CKR_PIN_INCORRECT : CKR_USER_NOT_LOGGED_IN;
    case 0x6700:
        if (op == MDC_CARD_OP_PIN)
            return CKR_PIN_LEN_RANGE;
        return op == MDC_CARD_OP_DECRYPT ? CKR_ENCRYPTED_DATA_LEN_RANGE : CKR_DATA_LEN_RANGE;
    case 0x6A80:
        /* Decipher: padding check failed on the card. */
        return op == MDC_CARD_OP_CRYPTO || op == MDC_CARD_OP_DECRYPT ? CKR_ENCRYPTED_DATA_INVALID
                                                                     : CKR_DATA_INVALID;
    case 0x6A84:
        return CKR_DEVICE_MEMORY;
    case 0x6A81:
        return CKR_FUNCTION_NOT_SUPPORTED;
    case 0x6985:
    case 0x6986:
        if (op == MDC_CARD_OP_WRITE) {
            /* A write the card refused by state: EF not activated, a key EF
             * in the wrong life cycle, deleting what may not be deleted. */
            MDC_WARN(MDC_CAT_GIDS, "write refused by the card: SW1SW2=%02X%02X", sw >> 8,
                     sw & 0xff);
            return CKR_DEVICE_ERROR;
        }
        if (op == MDC_CARD_OP_ADMIN) {
            if (sw == 0x6986) {
                /* GENERAL AUTHENTICATE / RESET RETRY COUNTER before the
                 * application is activated: a blank card has no admin key
                 * or PIN yet. Listed for C_Login and C_InitPIN alike. */
                MDC_INFO(MDC_CAT_GIDS, "card still in initialization mode (6986)");
                return CKR_USER_PIN_NOT_INITIALIZED;
            }
            MDC_WARN(MDC_CAT_GIDS, "admin authentication out of order: SW1SW2=6985");
            return CKR_DEVICE_ERROR;
        }
        return CKR_FUNCTION_REJECTED;
    /* Structure or state not what we expect: missing file/DO, INS/CLA
     * unknown (another applet selected), bad P1P2, chaining broken. */
    case 0x6A82:
    case 0x6A88:
    case 0x6D00:
    case 0x6E00:
    case 0x6A86:
    case 0x6984:
    case 0x6981:
    case 0x6882:
    case 0x6884:
    case 0x6900:
    case 0x6285:
    case 0x6F00:
        MDC_DEBUG(MDC_CAT_GIDS, "card answered %02X%02X", sw >> 8, sw & 0xff);
        return CKR_DEVICE_ERROR;
    default:
        MDC_WARN(MDC_CAT_GIDS, "unexpected status word SW1SW2=%02X%02X", sw >> 8, sw & 0xff);
        return CKR_DEVICE_ERROR;
    }
}

CK_RV mdc_gids_rv(mdc_card_rc rc, enum mdc_card_op op)
{
    switch (rc.status) {
    case MDC_CARD_OK:
    case MDC_CARD_RESELECTED: /* a successful begin(); the caller handles lost auth */
        return CKR_OK;
    case MDC_CARD_SW:
        return map_sw(rc.sw, op);
    case MDC_CARD_ABSENT:
        MDC_DEBUG(MDC_CAT_GIDS, "required data object absent (SW %04X)", rc.sw);
        return CKR_DEVICE_ERROR;
    case MDC_CARD_NOT_THIS_EDGE:
        return CKR_TOKEN_NOT_RECOGNIZED;
    case MDC_CARD_NO_CARD:
        return CKR_TOKEN_NOT_PRESENT;
    case MDC_CARD_REMOVED:
        return CKR_DEVICE_REMOVED;
    case MDC_CARD_RESET:
    case MDC_CARD_BUSY:
    case MDC_CARD_COMM:
    case MDC_CARD_BAD_RESPONSE:
        return CKR_DEVICE_ERROR;
    case MDC_CARD_NOMEM:
        return CKR_HOST_MEMORY;
    case MDC_CARD_UNSUPPORTED:
        return CKR_FUNCTION_NOT_SUPPORTED;
    case MDC_CARD_ARGS:
        return CKR_GENERAL_ERROR;
    case MDC_CARD_EXISTS: /* the token layer checks names before creating */
        MDC_WARN(MDC_CAT_GIDS, "file exists already");
        return CKR_GENERAL_ERROR;
    }
    return CKR_GENERAL_ERROR;
}
