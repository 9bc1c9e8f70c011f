/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS card edge internals: the APDUs (SELECT, GET DATA, PIN status), the
 * pure parsers behind them, and the status-word mapping. The token layer
 * uses mdc_gids_edge (mdcard/card_edge.h), not these functions.
 */
#ifndef MDC_GIDS_H
#define MDC_GIDS_H

#include "mdcard/card_edge.h"
#include "pcsc/pcsc.h"
#include "util/tlv.h"

/* GIDS EFs and DOs used so far (GIDS-AND-MINIDRIVER.md 2.4, 3.x). */
#define MDC_GIDS_EF_APP 0x3FFF  /* application data: PIN status, public keys */
#define MDC_GIDS_EF_A000 0xA000 /* master table, keymap */
#define MDC_GIDS_EF_A012 0xA012 /* cardid */
#define MDC_GIDS_DO_MASTER 0xDF1F
#define MDC_GIDS_DO_CARDID 0xDF20
#define MDC_GIDS_DO_PIN_STATUS 0x7F71

#define MDC_GIDS_AID_MAX 16

mdc_card_rc mdc_gids_rc_from_pcsc(struct mdc_pcsc_res r);

/* SELECT the GIDS application by its 9-byte partial AID. On success the
 * full AID from the FCI (61/4F) is stored when the card sent one. */
mdc_card_rc mdc_gids_select(struct mdc_pcsc_conn *conn, uint8_t aid[MDC_GIDS_AID_MAX],
                            size_t *aid_len);

/* GET DATA of DO `tag` in EF `ef`; `value` receives the DO value only.
 * 6A88 → MDC_CARD_ABSENT; `<tag> 00` → OK with an empty value. */
mdc_card_rc mdc_gids_get_data(struct mdc_pcsc_conn *conn, uint16_t ef, uint16_t tag,
                              struct mdc_buf *value);

/* PIN status of the user PIN (GET DATA 3FFF 7F71). */
mdc_card_rc mdc_gids_pin_status(struct mdc_pcsc_conn *conn, struct mdc_pin_info *info);

/* Pure parsers (unit-tested, fuzzable). */
bool mdc_gids_parse_fci(const uint8_t *fci, size_t len, uint8_t aid[MDC_GIDS_AID_MAX],
                        size_t *aid_len);
mdc_card_rc mdc_gids_parse_do(const uint8_t *resp, size_t len, uint16_t tag, struct mdc_tlv *out);
mdc_card_rc mdc_gids_parse_pin_status(const uint8_t *resp, size_t len, struct mdc_pin_info *info);

/* The one mapping of card results to CK_RV (also mdc_gids_edge.rv). */
CK_RV mdc_gids_rv(mdc_card_rc rc, enum mdc_card_op op);

#endif
