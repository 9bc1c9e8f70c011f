/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_GenerateKeyPair(CKM_RSA_PKCS_KEY_PAIR_GEN): template checks here, the
 * new container and on-card generation in the token layer. A CKA_ID or
 * CKA_LABEL given is replaced by the token's values (DESIGN.md section 4).
 */
#include "pkcs11/p11.h"
#include "pkcs11/wtmpl.h"

#include "token/token.h"
#include "util/log.h"

CK_RV mdc_p11_generate_key_pair(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pt,
                                CK_ULONG pn, CK_ATTRIBUTE_PTR st, CK_ULONG sn,
                                CK_OBJECT_HANDLE_PTR pub, CK_OBJECT_HANDLE_PTR priv)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    struct mdc_p11_keygen_tmpl kt;
    CK_RV rv;

    if (m->mechanism != CKM_RSA_PKCS_KEY_PAIR_GEN)
        return CKR_MECHANISM_INVALID;
    if (m->pParameter != NULL || m->ulParameterLen != 0)
        return CKR_MECHANISM_PARAM_INVALID;
    rv = mdc_p11_session_get(h, &s, &slot);
    if (rv != CKR_OK)
        return rv;
    if (!(s->flags & CKF_RW_SESSION)) {
        rv = CKR_SESSION_READ_ONLY;
        goto out;
    }
    rv = mdc_p11_tmpl_keygen(pt, pn, st, sn, &kt);
    if (rv != CKR_OK)
        goto out;
    if (kt.id_given || kt.label_given)
        MDC_INFO(MDC_CAT_P11, "CKA_ID/CKA_LABEL given to C_GenerateKeyPair are replaced by the "
                              "token's (ID = SHA-1 of the modulus, label = container name)");
    if (kt.bits < 1024 || kt.bits > 4096) {
        MDC_ERROR(MDC_CAT_P11, "RSA key size %lu outside 1024..4096", (unsigned long)kt.bits);
        rv = CKR_KEY_SIZE_RANGE;
        goto out;
    }
    rv = mdc_tok_generate_key_pair(mdc_p11_slot_tok(slot), kt.bits, kt.key_exchange, pub, priv);
out:
    mdc_p11_session_put(slot);
    return rv;
}
