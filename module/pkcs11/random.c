/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_GenerateRandom from the card's GET CHALLENGE (CKR_RANDOM_NO_RNG when
 * the card has none) and C_SeedRandom: a card cannot be seeded
 * (CKR_RANDOM_SEED_NOT_SUPPORTED), and a card without a generator says so
 * (CKR_RANDOM_NO_RNG, which the standard allows here too and which tells
 * pkcs11-tool --test to skip its random tests instead of failing them).
 */
#include "pkcs11/p11.h"

#include "token/token.h"

CK_RV mdc_p11_generate_random(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (len > 65536)
        rv = CKR_ARGUMENTS_BAD;
    else if (len != 0)
        rv = mdc_tok_random(mdc_p11_slot_tok(slot), out, len);
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_seed_random(CK_SESSION_HANDLE h)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);
    bool has_rng = false;

    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_check_rng(mdc_p11_slot_tok(slot), &has_rng);
    mdc_p11_session_put(slot);
    if (rv != CKR_OK)
        return rv;
    return has_rng ? CKR_RANDOM_SEED_NOT_SUPPORTED : CKR_RANDOM_NO_RNG;
}
