/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Identifiers (DESIGN.md section 4): CKA_ID = SHA-1 of the RSA modulus as
 * unsigned big-endian bytes without leading zero bytes; for certificates in
 * msroots, SHA-1 of the public key value (modulus for RSA, EC point for EC);
 * token serial number from cardid.
 */
#ifndef MDC_MDFS_IDS_H
#define MDC_MDFS_IDS_H

#include "mdfs/mdfs.h"

#define MDC_ID_LEN 20 /* SHA-1 */
#define MDC_CARDID_LEN 16
#define MDC_SERIAL_LEN 16 /* characters, CK_TOKEN_INFO.serialNumber */
#define MDC_SERIAL_SIZE (MDC_SERIAL_LEN + 1)
#define MDC_ID_MAX_INPUT 65570u /* hard cap on a modulus, key or certificate given to these */

/* From modulus bytes as the card returns them (leading zeros are skipped). */
mdc_mdfs_rv mdc_mdfs_id_from_modulus(const uint8_t *mod, size_t len, uint8_t id[MDC_ID_LEN]);

/*
 * From a DER SubjectPublicKeyInfo or a DER X.509 certificate: RSA keys hash
 * the modulus (same value as mdc_mdfs_id_from_modulus), other keys the
 * subjectPublicKey BIT STRING content (for EC: the point, as encoded).
 * The whole input must be one DER object.
 */
mdc_mdfs_rv mdc_mdfs_id_from_spki(const uint8_t *der, size_t len, uint8_t id[MDC_ID_LEN]);
mdc_mdfs_rv mdc_mdfs_id_from_cert(const uint8_t *der, size_t len, uint8_t id[MDC_ID_LEN]);

/*
 * Token serial: the last 16 of cardid's 32 hex digits, lower case
 * (00112233445566778899AABBCCDDEEFF -> "8899aabbccddeeff").
 * cardid must be exactly MDC_CARDID_LEN bytes.
 */
mdc_mdfs_rv mdc_mdfs_cardid_serial(const uint8_t *cardid, size_t len, char out[MDC_SERIAL_SIZE]);

#endif
