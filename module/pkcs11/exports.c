/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The exported PKCS#11 entry points, the 2.40 function list, and the
 * interfaces of C_GetInterfaceList/C_GetInterface ("PKCS 11" 3.0 by default,
 * 2.40 on request). Each C_* is a thin shim: check initialization and
 * arguments, call one function of the front end, log the CK_RV.
 */
#include "pkcs11/p11.h"

#include "util/log.h"

#include <stddef.h>
#include <string.h>

#define MDC_EXPORT __attribute__((visibility("default")))
#define NOT_SUPPORTED                                                                              \
    {                                                                                              \
        return mdc_p11_not_supported(__func__);                                                    \
    }
#define WRITE_NOT_SUPPORTED                                                                        \
    {                                                                                              \
        REQUIRE_INIT();                                                                            \
        return mdc_p11_done(__func__, mdc_p11_write_not_supported(h));                             \
    }
#define REQUIRE_INIT()                                                                             \
    do {                                                                                           \
        if (!mdc_p11_is_initialized())                                                             \
            return mdc_p11_done(__func__, CKR_CRYPTOKI_NOT_INITIALIZED);                           \
    } while (0)
#define REQUIRE_ARG(cond)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return mdc_p11_done(__func__, CKR_ARGUMENTS_BAD);                                      \
    } while (0)

static CK_FUNCTION_LIST function_list_2_40;
static CK_FUNCTION_LIST_3_0 function_list_3_0;

/* ---- general purpose ---- */

MDC_EXPORT CK_RV C_Initialize(CK_VOID_PTR pInitArgs)
{
    return mdc_p11_done(__func__, mdc_p11_initialize(pInitArgs));
}

MDC_EXPORT CK_RV C_Finalize(CK_VOID_PTR pReserved)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pReserved == NULL);
    return mdc_p11_done(__func__, mdc_p11_finalize());
}

MDC_EXPORT CK_RV C_GetInfo(CK_INFO_PTR pInfo)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pInfo != NULL);
    return mdc_p11_done(__func__, mdc_p11_get_info(pInfo, 2, 40));
}

/* C_GetInfo as reached through the 3.0 interface. */
static CK_RV get_info_3_0(CK_INFO_PTR pInfo)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pInfo != NULL);
    return mdc_p11_done("C_GetInfo", mdc_p11_get_info(pInfo, 3, 0));
}

MDC_EXPORT CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR ppFunctionList)
{
    REQUIRE_ARG(ppFunctionList != NULL);
    *ppFunctionList = &function_list_2_40;
    return mdc_p11_done(__func__, CKR_OK);
}

/* ---- interfaces (PKCS#11 3.0) ---- */

static CK_CHAR interface_name[] = "PKCS 11";
static CK_INTERFACE interfaces[] = {
    {interface_name, &function_list_3_0, 0}, /* default */
    {interface_name, &function_list_2_40, 0},
};
#define N_INTERFACES (sizeof(interfaces) / sizeof(interfaces[0]))

MDC_EXPORT CK_RV C_GetInterfaceList(CK_INTERFACE_PTR pInterfacesList, CK_ULONG_PTR pulCount)
{
    CK_RV rv = CKR_OK;

    REQUIRE_ARG(pulCount != NULL);
    if (pInterfacesList != NULL) {
        if (*pulCount < N_INTERFACES)
            rv = CKR_BUFFER_TOO_SMALL;
        else
            memcpy(pInterfacesList, interfaces, sizeof(interfaces));
    }
    *pulCount = N_INTERFACES;
    return mdc_p11_done(__func__, rv);
}

/* No interface matching name, version and flags: the 3.0 specification
 * names no dedicated code for this, so CKR_ARGUMENTS_BAD (as other modules). */
MDC_EXPORT CK_RV C_GetInterface(CK_UTF8CHAR_PTR pInterfaceName, CK_VERSION_PTR pVersion,
                                CK_INTERFACE_PTR_PTR ppInterface, CK_FLAGS flags)
{
    REQUIRE_ARG(ppInterface != NULL);
    *ppInterface = NULL;
    if (pInterfaceName != NULL &&
        strcmp((const char *)pInterfaceName, (const char *)interface_name) != 0) {
        MDC_DEBUG(MDC_CAT_P11, "unknown interface name '%.64s'", (const char *)pInterfaceName);
        return mdc_p11_done(__func__, CKR_ARGUMENTS_BAD);
    }
    for (size_t i = 0; i < N_INTERFACES; i++) {
        const CK_VERSION *v = interfaces[i].pFunctionList; /* every list starts with its version */

        if (pVersion != NULL && (pVersion->major != v->major || pVersion->minor != v->minor))
            continue;
        /* Requested flags must all be offered; we offer none (not fork-safe). */
        if ((flags & interfaces[i].flags) != flags)
            continue;
        *ppInterface = &interfaces[i];
        return mdc_p11_done(__func__, CKR_OK);
    }
    MDC_DEBUG(MDC_CAT_P11, "no interface for version %d.%d, flags 0x%lx",
              pVersion ? pVersion->major : -1, pVersion ? pVersion->minor : -1,
              (unsigned long)flags);
    return mdc_p11_done(__func__, CKR_ARGUMENTS_BAD);
}

/* ---- slots and tokens ---- */

MDC_EXPORT CK_RV C_GetSlotList(CK_BBOOL tokenPresent, CK_SLOT_ID_PTR pSlotList,
                               CK_ULONG_PTR pulCount)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pulCount != NULL);
    return mdc_p11_done(__func__, mdc_p11_slot_list(tokenPresent, pSlotList, pulCount));
}

MDC_EXPORT CK_RV C_GetSlotInfo(CK_SLOT_ID slotID, CK_SLOT_INFO_PTR pInfo)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pInfo != NULL);
    return mdc_p11_done(__func__, mdc_p11_slot_info(slotID, pInfo));
}

MDC_EXPORT CK_RV C_GetTokenInfo(CK_SLOT_ID slotID, CK_TOKEN_INFO_PTR pInfo)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pInfo != NULL);
    return mdc_p11_done(__func__, mdc_p11_token_info(slotID, pInfo));
}

MDC_EXPORT CK_RV C_GetMechanismList(CK_SLOT_ID slotID, CK_MECHANISM_TYPE_PTR pMechanismList,
                                    CK_ULONG_PTR pulCount)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pulCount != NULL);
    return mdc_p11_done(__func__, mdc_p11_mechanism_list(slotID, pMechanismList, pulCount));
}

MDC_EXPORT CK_RV C_GetMechanismInfo(CK_SLOT_ID slotID, CK_MECHANISM_TYPE type,
                                    CK_MECHANISM_INFO_PTR pInfo)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pInfo != NULL);
    return mdc_p11_done(__func__, mdc_p11_mechanism_info(slotID, type, pInfo));
}

MDC_EXPORT CK_RV C_WaitForSlotEvent(CK_FLAGS flags, CK_SLOT_ID_PTR pSlot, CK_VOID_PTR pReserved)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pSlot != NULL && pReserved == NULL);
    return mdc_p11_done(__func__, mdc_p11_wait_for_slot_event(flags, pSlot));
}

/* ---- sessions ---- */

MDC_EXPORT CK_RV C_OpenSession(CK_SLOT_ID slotID, CK_FLAGS flags, CK_VOID_PTR pApplication,
                               CK_NOTIFY Notify, CK_SESSION_HANDLE_PTR phSession)
{
    (void)pApplication; /* no callbacks are made */
    (void)Notify;
    REQUIRE_INIT();
    REQUIRE_ARG(phSession != NULL);
    return mdc_p11_done(__func__, mdc_p11_open_session(slotID, flags, phSession));
}

MDC_EXPORT CK_RV C_CloseSession(CK_SESSION_HANDLE hSession)
{
    REQUIRE_INIT();
    return mdc_p11_done(__func__, mdc_p11_close_session(hSession));
}

MDC_EXPORT CK_RV C_CloseAllSessions(CK_SLOT_ID slotID)
{
    REQUIRE_INIT();
    return mdc_p11_done(__func__, mdc_p11_close_all_sessions(slotID));
}

MDC_EXPORT CK_RV C_GetSessionInfo(CK_SESSION_HANDLE hSession, CK_SESSION_INFO_PTR pInfo)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pInfo != NULL);
    return mdc_p11_done(__func__, mdc_p11_session_info(hSession, pInfo));
}

MDC_EXPORT CK_RV C_Login(CK_SESSION_HANDLE hSession, CK_USER_TYPE userType, CK_UTF8CHAR_PTR pPin,
                         CK_ULONG ulPinLen)
{
    REQUIRE_INIT();
    return mdc_p11_done(__func__, mdc_p11_login(hSession, userType, pPin, ulPinLen));
}

MDC_EXPORT CK_RV C_Logout(CK_SESSION_HANDLE hSession)
{
    REQUIRE_INIT();
    return mdc_p11_done(__func__, mdc_p11_logout(hSession));
}

/* ---- the write side ---- */

MDC_EXPORT CK_RV C_InitToken(CK_SLOT_ID slotID, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen,
                             CK_UTF8CHAR_PTR pLabel)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pPin != NULL || ulPinLen == 0);
    return mdc_p11_done(__func__, mdc_p11_init_token(slotID, pPin, ulPinLen, pLabel));
}

MDC_EXPORT CK_RV C_InitPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pPin, CK_ULONG ulPinLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pPin != NULL);
    return mdc_p11_done(__func__, mdc_p11_init_pin(hSession, pPin, ulPinLen));
}

MDC_EXPORT CK_RV C_SetPIN(CK_SESSION_HANDLE hSession, CK_UTF8CHAR_PTR pOldPin, CK_ULONG ulOldLen,
                          CK_UTF8CHAR_PTR pNewPin, CK_ULONG ulNewLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pOldPin != NULL && pNewPin != NULL);
    return mdc_p11_done(__func__, mdc_p11_set_pin(hSession, pOldPin, ulOldLen, pNewPin, ulNewLen));
}

MDC_EXPORT CK_RV C_CreateObject(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate,
                                CK_ULONG ulCount, CK_OBJECT_HANDLE_PTR phObject)
{
    REQUIRE_INIT();
    REQUIRE_ARG((pTemplate != NULL || ulCount == 0) && phObject != NULL);
    return mdc_p11_done(__func__, mdc_p11_create_object(hSession, pTemplate, ulCount, phObject));
}

MDC_EXPORT CK_RV C_DestroyObject(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject)
{
    REQUIRE_INIT();
    return mdc_p11_done(__func__, mdc_p11_destroy_object(hSession, hObject));
}

MDC_EXPORT CK_RV C_SetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                                     CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pTemplate != NULL || ulCount == 0);
    return mdc_p11_done(__func__, mdc_p11_set_attributes(hSession, hObject, pTemplate, ulCount));
}

MDC_EXPORT CK_RV C_GenerateKeyPair(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
                                   CK_ATTRIBUTE_PTR pPublicKeyTemplate,
                                   CK_ULONG ulPublicKeyAttributeCount,
                                   CK_ATTRIBUTE_PTR pPrivateKeyTemplate,
                                   CK_ULONG ulPrivateKeyAttributeCount,
                                   CK_OBJECT_HANDLE_PTR phPublicKey,
                                   CK_OBJECT_HANDLE_PTR phPrivateKey)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pMechanism != NULL && phPublicKey != NULL && phPrivateKey != NULL);
    REQUIRE_ARG(pPublicKeyTemplate != NULL || ulPublicKeyAttributeCount == 0);
    REQUIRE_ARG(pPrivateKeyTemplate != NULL || ulPrivateKeyAttributeCount == 0);
    return mdc_p11_done(__func__,
                        mdc_p11_generate_key_pair(hSession, pMechanism, pPublicKeyTemplate,
                                                  ulPublicKeyAttributeCount, pPrivateKeyTemplate,
                                                  ulPrivateKeyAttributeCount, phPublicKey,
                                                  phPrivateKey));
}

/* ---- objects ---- */

MDC_EXPORT CK_RV C_FindObjectsInit(CK_SESSION_HANDLE hSession, CK_ATTRIBUTE_PTR pTemplate,
                                   CK_ULONG ulCount)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pTemplate != NULL || ulCount == 0);
    return mdc_p11_done(__func__, mdc_p11_find_init(hSession, pTemplate, ulCount));
}

MDC_EXPORT CK_RV C_FindObjects(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE_PTR phObject,
                               CK_ULONG ulMaxObjectCount, CK_ULONG_PTR pulObjectCount)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pulObjectCount != NULL && (phObject != NULL || ulMaxObjectCount == 0));
    return mdc_p11_done(__func__,
                        mdc_p11_find(hSession, phObject, ulMaxObjectCount, pulObjectCount));
}

MDC_EXPORT CK_RV C_FindObjectsFinal(CK_SESSION_HANDLE hSession)
{
    REQUIRE_INIT();
    return mdc_p11_done(__func__, mdc_p11_find_final(hSession));
}

MDC_EXPORT CK_RV C_GetAttributeValue(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                                     CK_ATTRIBUTE_PTR pTemplate, CK_ULONG ulCount)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pTemplate != NULL || ulCount == 0);
    return mdc_p11_done(__func__, mdc_p11_get_attributes(hSession, hObject, pTemplate, ulCount));
}

MDC_EXPORT CK_RV C_GetObjectSize(CK_SESSION_HANDLE hSession, CK_OBJECT_HANDLE hObject,
                                 CK_ULONG_PTR pulSize)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pulSize != NULL);
    return mdc_p11_done(__func__, mdc_p11_object_size(hSession, hObject, pulSize));
}

/* ---- signatures ---- */

MDC_EXPORT CK_RV C_SignInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
                            CK_OBJECT_HANDLE hKey)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pMechanism != NULL);
    return mdc_p11_done(__func__, mdc_p11_sign_init(hSession, pMechanism, hKey));
}

MDC_EXPORT CK_RV C_Sign(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                        CK_BYTE_PTR pSignature, CK_ULONG_PTR pulSignatureLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG((pData != NULL || ulDataLen == 0) && pulSignatureLen != NULL);
    return mdc_p11_done(__func__,
                        mdc_p11_sign(hSession, pData, ulDataLen, pSignature, pulSignatureLen));
}

MDC_EXPORT CK_RV C_SignUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pPart != NULL || ulPartLen == 0);
    return mdc_p11_done(__func__, mdc_p11_sign_update(hSession, pPart, ulPartLen));
}

MDC_EXPORT CK_RV C_SignFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature,
                             CK_ULONG_PTR pulSignatureLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pulSignatureLen != NULL);
    return mdc_p11_done(__func__, mdc_p11_sign_final(hSession, pSignature, pulSignatureLen));
}

MDC_EXPORT CK_RV C_VerifyInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
                              CK_OBJECT_HANDLE hKey)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pMechanism != NULL);
    return mdc_p11_done(__func__, mdc_p11_verify_init(hSession, pMechanism, hKey));
}

MDC_EXPORT CK_RV C_Verify(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                          CK_BYTE_PTR pSignature, CK_ULONG ulSignatureLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG((pData != NULL || ulDataLen == 0) && pSignature != NULL);
    return mdc_p11_done(__func__,
                        mdc_p11_verify(hSession, pData, ulDataLen, pSignature, ulSignatureLen));
}

MDC_EXPORT CK_RV C_VerifyUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pPart != NULL || ulPartLen == 0);
    return mdc_p11_done(__func__, mdc_p11_verify_update(hSession, pPart, ulPartLen));
}

MDC_EXPORT CK_RV C_VerifyFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSignature,
                               CK_ULONG ulSignatureLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pSignature != NULL);
    return mdc_p11_done(__func__, mdc_p11_verify_final(hSession, pSignature, ulSignatureLen));
}

/* ---- encryption and decryption ---- */

MDC_EXPORT CK_RV C_EncryptInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
                               CK_OBJECT_HANDLE hKey)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pMechanism != NULL);
    return mdc_p11_done(__func__, mdc_p11_encrypt_init(hSession, pMechanism, hKey));
}

MDC_EXPORT CK_RV C_Encrypt(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                           CK_BYTE_PTR pEncryptedData, CK_ULONG_PTR pulEncryptedDataLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG((pData != NULL || ulDataLen == 0) && pulEncryptedDataLen != NULL);
    return mdc_p11_done(
        __func__, mdc_p11_encrypt(hSession, pData, ulDataLen, pEncryptedData, pulEncryptedDataLen));
}

MDC_EXPORT CK_RV C_DecryptInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism,
                               CK_OBJECT_HANDLE hKey)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pMechanism != NULL);
    return mdc_p11_done(__func__, mdc_p11_decrypt_init(hSession, pMechanism, hKey));
}

MDC_EXPORT CK_RV C_Decrypt(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pEncryptedData,
                           CK_ULONG ulEncryptedDataLen, CK_BYTE_PTR pData, CK_ULONG_PTR pulDataLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG((pEncryptedData != NULL || ulEncryptedDataLen == 0) && pulDataLen != NULL);
    return mdc_p11_done(
        __func__, mdc_p11_decrypt(hSession, pEncryptedData, ulEncryptedDataLen, pData, pulDataLen));
}

/* ---- digests and random numbers ---- */

MDC_EXPORT CK_RV C_DigestInit(CK_SESSION_HANDLE hSession, CK_MECHANISM_PTR pMechanism)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pMechanism != NULL);
    return mdc_p11_done(__func__, mdc_p11_digest_init_op(hSession, pMechanism));
}

MDC_EXPORT CK_RV C_Digest(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pData, CK_ULONG ulDataLen,
                          CK_BYTE_PTR pDigest, CK_ULONG_PTR pulDigestLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG((pData != NULL || ulDataLen == 0) && pulDigestLen != NULL);
    return mdc_p11_done(__func__,
                        mdc_p11_digest_op(hSession, pData, ulDataLen, pDigest, pulDigestLen));
}

MDC_EXPORT CK_RV C_DigestUpdate(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pPart, CK_ULONG ulPartLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pPart != NULL || ulPartLen == 0);
    return mdc_p11_done(__func__, mdc_p11_digest_update_op(hSession, pPart, ulPartLen));
}

MDC_EXPORT CK_RV C_DigestFinal(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pDigest,
                               CK_ULONG_PTR pulDigestLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pulDigestLen != NULL);
    return mdc_p11_done(__func__, mdc_p11_digest_final_op(hSession, pDigest, pulDigestLen));
}

MDC_EXPORT CK_RV C_SeedRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR pSeed, CK_ULONG ulSeedLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG(pSeed != NULL || ulSeedLen == 0);
    return mdc_p11_done(__func__, mdc_p11_seed_random(hSession));
}

MDC_EXPORT CK_RV C_GenerateRandom(CK_SESSION_HANDLE hSession, CK_BYTE_PTR RandomData,
                                  CK_ULONG ulRandomLen)
{
    REQUIRE_INIT();
    REQUIRE_ARG(RandomData != NULL || ulRandomLen == 0);
    return mdc_p11_done(__func__, mdc_p11_generate_random(hSession, RandomData, ulRandomLen));
}

/* ---- not supported yet (2.40) ---- */

/* A table of one-line stubs reads better than clang-format's layout of it. */
/* clang-format off */
MDC_EXPORT CK_RV C_GetOperationState(CK_SESSION_HANDLE h, CK_BYTE_PTR s, CK_ULONG_PTR n) NOT_SUPPORTED
MDC_EXPORT CK_RV C_SetOperationState(CK_SESSION_HANDLE h, CK_BYTE_PTR s, CK_ULONG n,
                                     CK_OBJECT_HANDLE e, CK_OBJECT_HANDLE a) NOT_SUPPORTED
MDC_EXPORT CK_RV C_CopyObject(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                              CK_OBJECT_HANDLE_PTR no) WRITE_NOT_SUPPORTED
MDC_EXPORT CK_RV C_EncryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG n, CK_BYTE_PTR e,
                                 CK_ULONG_PTR en) NOT_SUPPORTED
MDC_EXPORT CK_RV C_EncryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR e, CK_ULONG_PTR en) NOT_SUPPORTED
MDC_EXPORT CK_RV C_DecryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR e, CK_ULONG en, CK_BYTE_PTR d,
                                 CK_ULONG_PTR n) NOT_SUPPORTED
MDC_EXPORT CK_RV C_DecryptFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG_PTR n) NOT_SUPPORTED
MDC_EXPORT CK_RV C_DigestKey(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE k) NOT_SUPPORTED
MDC_EXPORT CK_RV C_SignRecoverInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) NOT_SUPPORTED
MDC_EXPORT CK_RV C_SignRecover(CK_SESSION_HANDLE h, CK_BYTE_PTR d, CK_ULONG n, CK_BYTE_PTR s,
                               CK_ULONG_PTR sn) NOT_SUPPORTED
MDC_EXPORT CK_RV C_VerifyRecoverInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) NOT_SUPPORTED
MDC_EXPORT CK_RV C_VerifyRecover(CK_SESSION_HANDLE h, CK_BYTE_PTR s, CK_ULONG sn, CK_BYTE_PTR d,
                                 CK_ULONG_PTR n) NOT_SUPPORTED
MDC_EXPORT CK_RV C_DigestEncryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR p, CK_ULONG n, CK_BYTE_PTR e,
                                       CK_ULONG_PTR en) NOT_SUPPORTED
MDC_EXPORT CK_RV C_DecryptDigestUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR e, CK_ULONG en, CK_BYTE_PTR p,
                                       CK_ULONG_PTR n) NOT_SUPPORTED
MDC_EXPORT CK_RV C_SignEncryptUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR p, CK_ULONG n, CK_BYTE_PTR e,
                                     CK_ULONG_PTR en) NOT_SUPPORTED
MDC_EXPORT CK_RV C_DecryptVerifyUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR e, CK_ULONG en, CK_BYTE_PTR p,
                                       CK_ULONG_PTR n) NOT_SUPPORTED
MDC_EXPORT CK_RV C_GenerateKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                               CK_OBJECT_HANDLE_PTR k) NOT_SUPPORTED
MDC_EXPORT CK_RV C_WrapKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE w,
                           CK_OBJECT_HANDLE k, CK_BYTE_PTR o, CK_ULONG_PTR on) NOT_SUPPORTED
MDC_EXPORT CK_RV C_UnwrapKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE u,
                             CK_BYTE_PTR w, CK_ULONG wn, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                             CK_OBJECT_HANDLE_PTR k) NOT_SUPPORTED
MDC_EXPORT CK_RV C_DeriveKey(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE b,
                             CK_ATTRIBUTE_PTR t, CK_ULONG n, CK_OBJECT_HANDLE_PTR k) NOT_SUPPORTED
MDC_EXPORT CK_RV C_GetFunctionStatus(CK_SESSION_HANDLE h) NOT_SUPPORTED
MDC_EXPORT CK_RV C_CancelFunction(CK_SESSION_HANDLE h) NOT_SUPPORTED
/* ---- not supported yet (3.0) ---- */

MDC_EXPORT CK_RV C_LoginUser(CK_SESSION_HANDLE h, CK_USER_TYPE u, CK_UTF8CHAR_PTR p, CK_ULONG n,
                             CK_UTF8CHAR_PTR un, CK_ULONG unn) NOT_SUPPORTED
MDC_EXPORT CK_RV C_SessionCancel(CK_SESSION_HANDLE h, CK_FLAGS f) NOT_SUPPORTED
MDC_EXPORT CK_RV C_MessageEncryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) NOT_SUPPORTED
MDC_EXPORT CK_RV C_EncryptMessage(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn, CK_BYTE_PTR a,
                                  CK_ULONG an, CK_BYTE_PTR t, CK_ULONG tn, CK_BYTE_PTR c,
                                  CK_ULONG_PTR cn) NOT_SUPPORTED
MDC_EXPORT CK_RV C_EncryptMessageBegin(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn, CK_BYTE_PTR a,
                                       CK_ULONG an) NOT_SUPPORTED
MDC_EXPORT CK_RV C_EncryptMessageNext(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn, CK_BYTE_PTR t,
                                      CK_ULONG tn, CK_BYTE_PTR c, CK_ULONG_PTR cn,
                                      CK_FLAGS f) NOT_SUPPORTED
MDC_EXPORT CK_RV C_MessageEncryptFinal(CK_SESSION_HANDLE h) NOT_SUPPORTED
MDC_EXPORT CK_RV C_MessageDecryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) NOT_SUPPORTED
MDC_EXPORT CK_RV C_DecryptMessage(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn, CK_BYTE_PTR a,
                                  CK_ULONG an, CK_BYTE_PTR c, CK_ULONG cn, CK_BYTE_PTR t,
                                  CK_ULONG_PTR tn) NOT_SUPPORTED
MDC_EXPORT CK_RV C_DecryptMessageBegin(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn, CK_BYTE_PTR a,
                                       CK_ULONG an) NOT_SUPPORTED
MDC_EXPORT CK_RV C_DecryptMessageNext(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn, CK_BYTE_PTR c,
                                      CK_ULONG cn, CK_BYTE_PTR t, CK_ULONG_PTR tn,
                                      CK_FLAGS f) NOT_SUPPORTED
MDC_EXPORT CK_RV C_MessageDecryptFinal(CK_SESSION_HANDLE h) NOT_SUPPORTED
MDC_EXPORT CK_RV C_MessageSignInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) NOT_SUPPORTED
MDC_EXPORT CK_RV C_SignMessage(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn, CK_BYTE_PTR d,
                               CK_ULONG dn, CK_BYTE_PTR s, CK_ULONG_PTR sn) NOT_SUPPORTED
MDC_EXPORT CK_RV C_SignMessageBegin(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn) NOT_SUPPORTED
MDC_EXPORT CK_RV C_SignMessageNext(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn, CK_BYTE_PTR d,
                                   CK_ULONG dn, CK_BYTE_PTR s, CK_ULONG_PTR sn) NOT_SUPPORTED
MDC_EXPORT CK_RV C_MessageSignFinal(CK_SESSION_HANDLE h) NOT_SUPPORTED
MDC_EXPORT CK_RV C_MessageVerifyInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE k) NOT_SUPPORTED
MDC_EXPORT CK_RV C_VerifyMessage(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn, CK_BYTE_PTR d,
                                 CK_ULONG dn, CK_BYTE_PTR s, CK_ULONG sn) NOT_SUPPORTED
MDC_EXPORT CK_RV C_VerifyMessageBegin(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn) NOT_SUPPORTED
MDC_EXPORT CK_RV C_VerifyMessageNext(CK_SESSION_HANDLE h, CK_VOID_PTR p, CK_ULONG pn, CK_BYTE_PTR d,
                                     CK_ULONG dn, CK_BYTE_PTR s, CK_ULONG sn) NOT_SUPPORTED
MDC_EXPORT CK_RV C_MessageVerifyFinal(CK_SESSION_HANDLE h) NOT_SUPPORTED
/* clang-format on */

/* ---- function lists ---- */

/* The members shared by both lists, in the order of CK_FUNCTION_LIST. */
#define LIST_2_40_MEMBERS(get_info)                                                                \
    .C_Initialize = C_Initialize, .C_Finalize = C_Finalize, .C_GetInfo = get_info,                 \
    .C_GetFunctionList = C_GetFunctionList, .C_GetSlotList = C_GetSlotList,                        \
    .C_GetSlotInfo = C_GetSlotInfo, .C_GetTokenInfo = C_GetTokenInfo,                              \
    .C_GetMechanismList = C_GetMechanismList, .C_GetMechanismInfo = C_GetMechanismInfo,            \
    .C_InitToken = C_InitToken, .C_InitPIN = C_InitPIN, .C_SetPIN = C_SetPIN,                      \
    .C_OpenSession = C_OpenSession, .C_CloseSession = C_CloseSession,                              \
    .C_CloseAllSessions = C_CloseAllSessions, .C_GetSessionInfo = C_GetSessionInfo,                \
    .C_GetOperationState = C_GetOperationState, .C_SetOperationState = C_SetOperationState,        \
    .C_Login = C_Login, .C_Logout = C_Logout, .C_CreateObject = C_CreateObject,                    \
    .C_CopyObject = C_CopyObject, .C_DestroyObject = C_DestroyObject,                              \
    .C_GetObjectSize = C_GetObjectSize, .C_GetAttributeValue = C_GetAttributeValue,                \
    .C_SetAttributeValue = C_SetAttributeValue, .C_FindObjectsInit = C_FindObjectsInit,            \
    .C_FindObjects = C_FindObjects, .C_FindObjectsFinal = C_FindObjectsFinal,                      \
    .C_EncryptInit = C_EncryptInit, .C_Encrypt = C_Encrypt, .C_EncryptUpdate = C_EncryptUpdate,    \
    .C_EncryptFinal = C_EncryptFinal, .C_DecryptInit = C_DecryptInit, .C_Decrypt = C_Decrypt,      \
    .C_DecryptUpdate = C_DecryptUpdate, .C_DecryptFinal = C_DecryptFinal,                          \
    .C_DigestInit = C_DigestInit, .C_Digest = C_Digest, .C_DigestUpdate = C_DigestUpdate,          \
    .C_DigestKey = C_DigestKey, .C_DigestFinal = C_DigestFinal, .C_SignInit = C_SignInit,          \
    .C_Sign = C_Sign, .C_SignUpdate = C_SignUpdate, .C_SignFinal = C_SignFinal,                    \
    .C_SignRecoverInit = C_SignRecoverInit, .C_SignRecover = C_SignRecover,                        \
    .C_VerifyInit = C_VerifyInit, .C_Verify = C_Verify, .C_VerifyUpdate = C_VerifyUpdate,          \
    .C_VerifyFinal = C_VerifyFinal, .C_VerifyRecoverInit = C_VerifyRecoverInit,                    \
    .C_VerifyRecover = C_VerifyRecover, .C_DigestEncryptUpdate = C_DigestEncryptUpdate,            \
    .C_DecryptDigestUpdate = C_DecryptDigestUpdate, .C_SignEncryptUpdate = C_SignEncryptUpdate,    \
    .C_DecryptVerifyUpdate = C_DecryptVerifyUpdate, .C_GenerateKey = C_GenerateKey,                \
    .C_GenerateKeyPair = C_GenerateKeyPair, .C_WrapKey = C_WrapKey, .C_UnwrapKey = C_UnwrapKey,    \
    .C_DeriveKey = C_DeriveKey, .C_SeedRandom = C_SeedRandom,                                      \
    .C_GenerateRandom = C_GenerateRandom, .C_GetFunctionStatus = C_GetFunctionStatus,              \
    .C_CancelFunction = C_CancelFunction, .C_WaitForSlotEvent = C_WaitForSlotEvent

    static CK_FUNCTION_LIST function_list_2_40 = {
        .version = {2, 40},
        LIST_2_40_MEMBERS(C_GetInfo),
};

static CK_FUNCTION_LIST_3_0 function_list_3_0 = {
    .version = {3, 0},
    LIST_2_40_MEMBERS(get_info_3_0),
    .C_GetInterfaceList = C_GetInterfaceList,
    .C_GetInterface = C_GetInterface,
    .C_LoginUser = C_LoginUser,
    .C_SessionCancel = C_SessionCancel,
    .C_MessageEncryptInit = C_MessageEncryptInit,
    .C_EncryptMessage = C_EncryptMessage,
    .C_EncryptMessageBegin = C_EncryptMessageBegin,
    .C_EncryptMessageNext = C_EncryptMessageNext,
    .C_MessageEncryptFinal = C_MessageEncryptFinal,
    .C_MessageDecryptInit = C_MessageDecryptInit,
    .C_DecryptMessage = C_DecryptMessage,
    .C_DecryptMessageBegin = C_DecryptMessageBegin,
    .C_DecryptMessageNext = C_DecryptMessageNext,
    .C_MessageDecryptFinal = C_MessageDecryptFinal,
    .C_MessageSignInit = C_MessageSignInit,
    .C_SignMessage = C_SignMessage,
    .C_SignMessageBegin = C_SignMessageBegin,
    .C_SignMessageNext = C_SignMessageNext,
    .C_MessageSignFinal = C_MessageSignFinal,
    .C_MessageVerifyInit = C_MessageVerifyInit,
    .C_VerifyMessage = C_VerifyMessage,
    .C_VerifyMessageBegin = C_VerifyMessageBegin,
    .C_VerifyMessageNext = C_VerifyMessageNext,
    .C_MessageVerifyFinal = C_MessageVerifyFinal,
};
