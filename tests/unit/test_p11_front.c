/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PKCS#11 front end argument and state checks, through the built module
 * (dlopen of MDCARD_MODULE_PATH) with PC/SC pointed at a socket that does not
 * exist, so there are no readers.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "mdcard/pkcs11.h"

static void *module;
static CK_FUNCTION_LIST_PTR f;
static CK_C_GetInterfaceList get_interface_list;
static CK_C_GetInterface get_interface;

static int counts[4]; /* create, destroy, lock, unlock */

static CK_RV cb_create(CK_VOID_PTR_PTR m)
{
    counts[0]++;
    *m = malloc(1);
    return *m ? CKR_OK : CKR_HOST_MEMORY;
}
static CK_RV cb_destroy(CK_VOID_PTR m)
{
    counts[1]++;
    free(m);
    return CKR_OK;
}
static CK_RV cb_lock(CK_VOID_PTR m)
{
    (void)m;
    counts[2]++;
    return CKR_OK;
}
static CK_RV cb_unlock(CK_VOID_PTR m)
{
    (void)m;
    counts[3]++;
    return CKR_OK;
}

static int setup(void **state)
{
    CK_C_GetFunctionList gfl;

    (void)state;
    module = dlopen(MDCARD_MODULE_PATH, RTLD_NOW | RTLD_LOCAL);
    if (module == NULL) {
        print_error("dlopen: %s\n", dlerror());
        return -1;
    }
    *(void **)&gfl = dlsym(module, "C_GetFunctionList");
    *(void **)&get_interface_list = dlsym(module, "C_GetInterfaceList");
    *(void **)&get_interface = dlsym(module, "C_GetInterface");
    if (gfl == NULL || get_interface_list == NULL || get_interface == NULL || gfl(&f) != CKR_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    f->C_Finalize(NULL);
    dlclose(module);
    return 0;
}

static void test_get_function_list(void **state)
{
    CK_C_GetFunctionList gfl;
    CK_FUNCTION_LIST_PTR l = NULL;

    (void)state;
    *(void **)&gfl = dlsym(module, "C_GetFunctionList");
    assert_int_equal(gfl(NULL), CKR_ARGUMENTS_BAD);
    assert_int_equal(gfl(&l), CKR_OK);
    assert_ptr_equal(l, f);
    assert_int_equal(l->version.major, 2);
    assert_int_equal(l->version.minor, 40);
}

static void test_not_initialized(void **state)
{
    CK_INFO info;
    CK_ULONG n = 0;
    CK_SLOT_INFO si;

    (void)state;
    assert_int_equal(f->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);
    assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_CRYPTOKI_NOT_INITIALIZED);
    assert_int_equal(f->C_GetSlotInfo(0, &si), CKR_CRYPTOKI_NOT_INITIALIZED);
    assert_int_equal(f->C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);
    assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, NULL),
                     CKR_CRYPTOKI_NOT_INITIALIZED);
}

static void test_initialize_variants(void **state)
{
    CK_C_INITIALIZE_ARGS a;
    int reserved;

    (void)state;
    /* reserved must be NULL */
    memset(&a, 0, sizeof(a));
    a.pReserved = &reserved;
    assert_int_equal(f->C_Initialize(&a), CKR_ARGUMENTS_BAD);
    /* mutex callbacks: all or none */
    memset(&a, 0, sizeof(a));
    a.CreateMutex = cb_create;
    a.LockMutex = cb_lock;
    assert_int_equal(f->C_Initialize(&a), CKR_ARGUMENTS_BAD);
    a.DestroyMutex = cb_destroy;
    a.flags = CKF_OS_LOCKING_OK;
    assert_int_equal(f->C_Initialize(&a), CKR_ARGUMENTS_BAD);
    /* none of them failed half-way: still not initialized */
    assert_int_equal(f->C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);

    /* NULL args, then double init */
    assert_int_equal(f->C_Initialize(NULL), CKR_OK);
    assert_int_equal(f->C_Initialize(NULL), CKR_CRYPTOKI_ALREADY_INITIALIZED);
    assert_int_equal(f->C_Finalize(&reserved), CKR_ARGUMENTS_BAD);
    assert_int_equal(f->C_Finalize(NULL), CKR_OK);
    assert_int_equal(f->C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);

    /* OS locking only */
    memset(&a, 0, sizeof(a));
    a.flags = CKF_OS_LOCKING_OK;
    assert_int_equal(f->C_Initialize(&a), CKR_OK);
    assert_int_equal(f->C_Finalize(NULL), CKR_OK);
}

static void test_initialize_callbacks(void **state)
{
    CK_C_INITIALIZE_ARGS a;
    CK_ULONG n = 99;

    (void)state;
    memset(&a, 0, sizeof(a));
    a.CreateMutex = cb_create;
    a.DestroyMutex = cb_destroy;
    a.LockMutex = cb_lock;
    a.UnlockMutex = cb_unlock;

    /* callbacks and CKF_OS_LOCKING_OK: our choice (pthreads) */
    memset(counts, 0, sizeof(counts));
    a.flags = CKF_OS_LOCKING_OK;
    assert_int_equal(f->C_Initialize(&a), CKR_OK);
    assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
    assert_int_equal(f->C_Finalize(NULL), CKR_OK);
    assert_int_equal(counts[0], 0);

    /* callbacks only: they must be used, and balanced */
    memset(counts, 0, sizeof(counts));
    a.flags = 0;
    assert_int_equal(f->C_Initialize(&a), CKR_OK);
    assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
    assert_int_equal(n, 0);
    assert_true(counts[0] >= 1);
    assert_true(counts[2] >= 1);
    assert_int_equal(counts[2], counts[3]);
    assert_int_equal(f->C_Finalize(NULL), CKR_OK);
    assert_int_equal(counts[0], counts[1]);
}

static void test_get_info(void **state)
{
    CK_INFO info;
    CK_INTERFACE_PTR itf = NULL;
    CK_VERSION v30 = {3, 0};

    (void)state;
    assert_int_equal(f->C_Initialize(NULL), CKR_OK);
    assert_int_equal(f->C_GetInfo(NULL), CKR_ARGUMENTS_BAD);
    assert_int_equal(f->C_GetInfo(&info), CKR_OK);
    assert_int_equal(info.cryptokiVersion.major, 2);
    assert_int_equal(info.cryptokiVersion.minor, 40);
    assert_memory_equal(info.manufacturerID, "mdcard                          ", 32);
    assert_memory_equal(info.libraryDescription, "mdcard PKCS#11 module           ", 32);
    assert_int_equal(info.flags, 0);

    assert_int_equal(get_interface(NULL, &v30, &itf, 0), CKR_OK);
    assert_int_equal(((CK_FUNCTION_LIST_3_0_PTR)itf->pFunctionList)->C_GetInfo(&info), CKR_OK);
    assert_int_equal(info.cryptokiVersion.major, 3);
    assert_int_equal(info.cryptokiVersion.minor, 0);
    assert_int_equal(f->C_Finalize(NULL), CKR_OK);
}

static void test_slot_list_no_readers(void **state)
{
    CK_SLOT_ID slots[4];
    CK_ULONG n = 77;
    CK_SLOT_INFO si;
    CK_TOKEN_INFO ti;

    (void)state;
    assert_int_equal(f->C_Initialize(NULL), CKR_OK);
    assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, NULL), CKR_ARGUMENTS_BAD);
    assert_int_equal(f->C_GetSlotList(CK_FALSE, NULL, &n), CKR_OK);
    assert_int_equal(n, 0);
    n = 77;
    assert_int_equal(f->C_GetSlotList(CK_TRUE, NULL, &n), CKR_OK);
    assert_int_equal(n, 0);
    /* a zero-sized buffer is big enough for zero readers */
    n = 0;
    assert_int_equal(f->C_GetSlotList(CK_TRUE, slots, &n), CKR_OK);
    assert_int_equal(n, 0);
    n = 4;
    assert_int_equal(f->C_GetSlotList(CK_FALSE, slots, &n), CKR_OK);
    assert_int_equal(n, 0);
    assert_int_equal(f->C_GetSlotInfo(0, &si), CKR_SLOT_ID_INVALID);
    assert_int_equal(f->C_GetSlotInfo(0, NULL), CKR_ARGUMENTS_BAD);
    assert_int_equal(f->C_GetTokenInfo(0, &ti), CKR_SLOT_ID_INVALID);
    assert_int_equal(f->C_GetTokenInfo(0, NULL), CKR_ARGUMENTS_BAD);
    assert_int_equal(f->C_Finalize(NULL), CKR_OK);
}

static void test_interface_list(void **state)
{
    CK_INTERFACE list[3];
    CK_ULONG n = 0;

    (void)state;
    assert_int_equal(get_interface_list(NULL, NULL), CKR_ARGUMENTS_BAD);
    assert_int_equal(get_interface_list(NULL, &n), CKR_OK);
    assert_int_equal(n, 2);
    n = 1;
    assert_int_equal(get_interface_list(list, &n), CKR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 2);
    n = 3;
    assert_int_equal(get_interface_list(list, &n), CKR_OK);
    assert_int_equal(n, 2);
    for (int i = 0; i < 2; i++) {
        assert_string_equal((const char *)list[i].pInterfaceName, "PKCS 11");
        assert_int_equal(list[i].flags, 0);
    }
    assert_int_equal(((CK_VERSION *)list[0].pFunctionList)->major, 3);
    assert_int_equal(((CK_VERSION *)list[1].pFunctionList)->major, 2);
    assert_ptr_equal(list[1].pFunctionList, f);
}

static void test_get_interface(void **state)
{
    CK_INTERFACE_PTR itf = NULL;
    CK_VERSION v30 = {3, 0}, v240 = {2, 40}, v31 = {3, 1};
    CK_UTF8CHAR name[] = "PKCS 11", fips[] = "Vendor NSS FIPS Interface";
    CK_FUNCTION_LIST_3_0_PTR l3;

    (void)state;
    assert_int_equal(get_interface(NULL, NULL, NULL, 0), CKR_ARGUMENTS_BAD);
    /* default: "PKCS 11" 3.0 */
    assert_int_equal(get_interface(NULL, NULL, &itf, 0), CKR_OK);
    assert_non_null(itf);
    assert_string_equal((const char *)itf->pInterfaceName, "PKCS 11");
    l3 = itf->pFunctionList;
    assert_int_equal(l3->version.major, 3);
    assert_int_equal(l3->version.minor, 0);
    assert_non_null(l3->C_GetInterface);
    assert_non_null(l3->C_MessageVerifyFinal);
    assert_int_equal(get_interface(name, NULL, &itf, 0), CKR_OK);
    assert_ptr_equal(itf->pFunctionList, l3);
    assert_int_equal(get_interface(name, &v30, &itf, 0), CKR_OK);
    assert_ptr_equal(itf->pFunctionList, l3);
    /* 2.40 on request: the C_GetFunctionList list */
    assert_int_equal(get_interface(name, &v240, &itf, 0), CKR_OK);
    assert_ptr_equal(itf->pFunctionList, f);
    assert_int_equal(get_interface(NULL, &v240, &itf, 0), CKR_OK);
    assert_ptr_equal(itf->pFunctionList, f);
    /* unknown version, name or flags */
    itf = (CK_INTERFACE_PTR)&itf;
    assert_int_equal(get_interface(name, &v31, &itf, 0), CKR_ARGUMENTS_BAD);
    assert_null(itf);
    assert_int_equal(get_interface(fips, NULL, &itf, 0), CKR_ARGUMENTS_BAD);
    assert_int_equal(get_interface(name, NULL, &itf, CKF_INTERFACE_FORK_SAFE), CKR_ARGUMENTS_BAD);
    assert_int_equal(get_interface(NULL, NULL, &itf, CKF_INTERFACE_FORK_SAFE), CKR_ARGUMENTS_BAD);
}

static void test_not_supported(void **state)
{
    CK_SESSION_HANDLE h;
    CK_INTERFACE_PTR itf = NULL;
    CK_FUNCTION_LIST_3_0_PTR l3;
    CK_ULONG n = 0;

    (void)state;
    assert_int_equal(get_interface(NULL, NULL, &itf, 0), CKR_OK);
    l3 = itf->pFunctionList;
    assert_int_equal(l3->C_MessageSignInit(1, NULL, 0), CKR_CRYPTOKI_NOT_INITIALIZED);
    assert_int_equal(f->C_Initialize(NULL), CKR_OK);
    /* Implemented now: without readers there is no slot 0. */
    assert_int_equal(f->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &h), CKR_SLOT_ID_INVALID);
    assert_int_equal(f->C_GetMechanismList(0, NULL, &n), CKR_SLOT_ID_INVALID);
    assert_int_equal(f->C_InitToken(0, NULL, 0, NULL), CKR_SLOT_ID_INVALID);
    assert_int_equal(l3->C_MessageSignInit(1, NULL, 0), CKR_FUNCTION_NOT_SUPPORTED);
    assert_int_equal(l3->C_LoginUser(1, CKU_USER, NULL, 0, NULL, 0), CKR_FUNCTION_NOT_SUPPORTED);
    assert_int_equal(f->C_Finalize(NULL), CKR_OK);
}

static void test_fork_child_must_initialize(void **state)
{
    CK_INFO info;
    pid_t pid;
    int status = 0;

    (void)state;
    assert_int_equal(f->C_Initialize(NULL), CKR_OK);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int code = 0;

        if (f->C_GetInfo(&info) != CKR_CRYPTOKI_NOT_INITIALIZED)
            code |= 1;
        if (f->C_Initialize(NULL) != CKR_OK)
            code |= 2;
        if (f->C_GetInfo(&info) != CKR_OK)
            code |= 4;
        if (f->C_Finalize(NULL) != CKR_OK)
            code |= 8;
        _exit(code);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* the parent is unaffected */
    assert_int_equal(f->C_GetInfo(&info), CKR_OK);
    assert_int_equal(f->C_Finalize(NULL), CKR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_function_list),
        cmocka_unit_test(test_not_initialized),
        cmocka_unit_test(test_initialize_variants),
        cmocka_unit_test(test_initialize_callbacks),
        cmocka_unit_test(test_get_info),
        cmocka_unit_test(test_slot_list_no_readers),
        cmocka_unit_test(test_interface_list),
        cmocka_unit_test(test_get_interface),
        cmocka_unit_test(test_not_supported),
        cmocka_unit_test(test_fork_child_must_initialize),
    };

    /* Before the first PC/SC call: a socket that does not exist = no pcscd. */
    setenv("PCSCLITE_CSOCK_NAME", "/nonexistent/mdcard-test/pcscd.comm", 1);
    return cmocka_run_group_tests(tests, setup, teardown);
}
