/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Library state: C_Initialize argument rules (PKCS#11 2.40 section 5.4),
 * the choice between application mutex callbacks and pthreads, fork
 * detection (a child must initialize again), C_GetInfo and result logging.
 */
#include "pkcs11/p11.h"

#include "token/config.h"
#include "util/hex.h"
#include "util/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct mdc_p11_mutex {
    bool is_app; /* made by the application's CreateMutex */
    void *app;
    pthread_mutex_t os;
};

/* Guards the fields below; a plain pthread mutex is always available on
 * the platforms we build for, whatever the application asked. */
static pthread_mutex_t state_mutex = PTHREAD_MUTEX_INITIALIZER;
static bool initialized;
static pid_t init_pid;
static CK_C_INITIALIZE_ARGS app_locking; /* callbacks when they are to be used */
static bool use_app_locking;
static int waiters;         /* threads in C_WaitForSlotEvent */
static bool cancel_waiters; /* C_Finalize in progress */

CK_RV mdc_p11_mutex_new(struct mdc_p11_mutex **out)
{
    struct mdc_p11_mutex *m = calloc(1, sizeof(*m));
    CK_RV rv;

    if (m == NULL)
        return CKR_HOST_MEMORY;
    if (use_app_locking) {
        rv = app_locking.CreateMutex(&m->app);
        if (rv != CKR_OK) {
            free(m);
            return rv;
        }
        m->is_app = true;
    } else if (pthread_mutex_init(&m->os, NULL) != 0) {
        free(m);
        return CKR_CANT_LOCK;
    }
    *out = m;
    return CKR_OK;
}

void mdc_p11_mutex_free(struct mdc_p11_mutex *m)
{
    if (m == NULL)
        return;
    if (m->is_app)
        app_locking.DestroyMutex(m->app);
    else
        pthread_mutex_destroy(&m->os);
    free(m);
}

CK_RV mdc_p11_mutex_lock(struct mdc_p11_mutex *m)
{
    if (m == NULL)
        return CKR_GENERAL_ERROR;
    if (m->is_app)
        return app_locking.LockMutex(m->app);
    return pthread_mutex_lock(&m->os) == 0 ? CKR_OK : CKR_CANT_LOCK;
}

void mdc_p11_mutex_unlock(struct mdc_p11_mutex *m)
{
    if (m == NULL)
        return;
    if (m->is_app)
        app_locking.UnlockMutex(m->app);
    else
        pthread_mutex_unlock(&m->os);
}

/* Validate CK_C_INITIALIZE_ARGS and decide how to lock. */
static CK_RV parse_args(const CK_C_INITIALIZE_ARGS *a, bool *app, CK_C_INITIALIZE_ARGS *cb)
{
    int set;

    *app = false;
    if (a == NULL)
        return CKR_OK;
    if (a->pReserved != NULL)
        return CKR_ARGUMENTS_BAD;
    set = (a->CreateMutex != NULL) + (a->DestroyMutex != NULL) + (a->LockMutex != NULL) +
          (a->UnlockMutex != NULL);
    if (set != 0 && set != 4)
        return CKR_ARGUMENTS_BAD; /* all or none */
    /* We create no threads, so CKF_LIBRARY_CANT_CREATE_OS_THREADS is fine.
     * Callbacks without CKF_OS_LOCKING_OK: the application's mutexes must be
     * used. With both, OS locking is our choice. */
    if (set == 4 && !(a->flags & CKF_OS_LOCKING_OK)) {
        *app = true;
        *cb = *a;
    }
    return CKR_OK;
}

CK_RV mdc_p11_initialize(CK_VOID_PTR init_args)
{
    CK_C_INITIALIZE_ARGS cb;
    bool app;
    CK_RV rv;

    memset(&cb, 0, sizeof(cb));
    mdc_tok_config_load(); /* once per process: log settings before anything else */
    rv = parse_args(init_args, &app, &cb);
    if (rv != CKR_OK)
        return rv;
    pthread_mutex_lock(&state_mutex);
    if (initialized && init_pid == getpid()) {
        pthread_mutex_unlock(&state_mutex);
        return CKR_CRYPTOKI_ALREADY_INITIALIZED;
    }
    if (initialized) {
        /* Inherited from the parent across fork(): its PC/SC handles and
         * mutexes are not ours to use or release. */
        MDC_INFO(MDC_CAT_P11, "initialized in parent %ld: starting afresh in child",
                 (long)init_pid);
        mdc_p11_slots_fini(true);
        initialized = false;
    }
    use_app_locking = app;
    app_locking = cb;
    rv = mdc_p11_slots_init();
    if (rv == CKR_OK) {
        initialized = true;
        init_pid = getpid();
    }
    pthread_mutex_unlock(&state_mutex);
    MDC_DEBUG(MDC_CAT_P11, "locking: %s", app ? "application callbacks" : "pthreads");
    return rv;
}

CK_RV mdc_p11_finalize(void)
{
    pthread_mutex_lock(&state_mutex);
    if (!initialized || init_pid != getpid()) {
        pthread_mutex_unlock(&state_mutex);
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    }
    /* Wake C_WaitForSlotEvent callers and let them leave before the slot
     * table goes away. */
    cancel_waiters = true;
    while (waiters > 0) {
        const struct timespec pause = {0, 10 * 1000000L};

        pthread_mutex_unlock(&state_mutex);
        nanosleep(&pause, NULL);
        pthread_mutex_lock(&state_mutex);
    }
    cancel_waiters = false;
    mdc_p11_slots_fini(false);
    initialized = false;
    use_app_locking = false;
    memset(&app_locking, 0, sizeof(app_locking));
    pthread_mutex_unlock(&state_mutex);
    return CKR_OK;
}

bool mdc_p11_is_initialized(void)
{
    bool ok;

    pthread_mutex_lock(&state_mutex);
    ok = initialized && init_pid == getpid();
    pthread_mutex_unlock(&state_mutex);
    return ok;
}

bool mdc_p11_wait_enter(void)
{
    bool ok;

    pthread_mutex_lock(&state_mutex);
    ok = initialized && init_pid == getpid() && !cancel_waiters;
    if (ok)
        waiters++;
    pthread_mutex_unlock(&state_mutex);
    return ok;
}

void mdc_p11_wait_leave(void)
{
    pthread_mutex_lock(&state_mutex);
    waiters--;
    pthread_mutex_unlock(&state_mutex);
}

bool mdc_p11_wait_cancelled(void)
{
    bool c;

    pthread_mutex_lock(&state_mutex);
    c = cancel_waiters;
    pthread_mutex_unlock(&state_mutex);
    return c;
}

CK_RV mdc_p11_get_info(CK_INFO_PTR info, CK_BYTE major, CK_BYTE minor)
{
    memset(info, 0, sizeof(*info));
    info->cryptokiVersion.major = major;
    info->cryptokiVersion.minor = minor;
    mdc_util_pad(info->manufacturerID, sizeof(info->manufacturerID), MDC_P11_MANUFACTURER);
    info->flags = 0;
    mdc_util_pad(info->libraryDescription, sizeof(info->libraryDescription), MDC_P11_DESCRIPTION);
    info->libraryVersion.major = MDCARD_VERSION_MAJOR;
    info->libraryVersion.minor = MDCARD_VERSION_MINOR;
    return CKR_OK;
}

const char *mdc_p11_rv_name(CK_RV rv)
{
    /* One row per code, generated from the list of names. */
#define RV_NAME(x)                                                                                 \
    case x:                                                                                        \
        return #x;
    switch (rv) {
        RV_NAME(CKR_OK)
        RV_NAME(CKR_CANCEL)
        RV_NAME(CKR_HOST_MEMORY)
        RV_NAME(CKR_SLOT_ID_INVALID)
        RV_NAME(CKR_GENERAL_ERROR)
        RV_NAME(CKR_FUNCTION_FAILED)
        RV_NAME(CKR_ARGUMENTS_BAD)
        RV_NAME(CKR_NO_EVENT)
        RV_NAME(CKR_CANT_LOCK)
        RV_NAME(CKR_ATTRIBUTE_SENSITIVE)
        RV_NAME(CKR_ATTRIBUTE_TYPE_INVALID)
        RV_NAME(CKR_ATTRIBUTE_VALUE_INVALID)
        RV_NAME(CKR_DATA_INVALID)
        RV_NAME(CKR_DATA_LEN_RANGE)
        RV_NAME(CKR_DEVICE_ERROR)
        RV_NAME(CKR_DEVICE_MEMORY)
        RV_NAME(CKR_DEVICE_REMOVED)
        RV_NAME(CKR_ENCRYPTED_DATA_INVALID)
        RV_NAME(CKR_ENCRYPTED_DATA_LEN_RANGE)
        RV_NAME(CKR_FUNCTION_CANCELED)
        RV_NAME(CKR_FUNCTION_NOT_SUPPORTED)
        RV_NAME(CKR_KEY_HANDLE_INVALID)
        RV_NAME(CKR_KEY_SIZE_RANGE)
        RV_NAME(CKR_KEY_TYPE_INCONSISTENT)
        RV_NAME(CKR_KEY_FUNCTION_NOT_PERMITTED)
        RV_NAME(CKR_MECHANISM_INVALID)
        RV_NAME(CKR_MECHANISM_PARAM_INVALID)
        RV_NAME(CKR_OBJECT_HANDLE_INVALID)
        RV_NAME(CKR_OPERATION_ACTIVE)
        RV_NAME(CKR_OPERATION_NOT_INITIALIZED)
        RV_NAME(CKR_PIN_INCORRECT)
        RV_NAME(CKR_PIN_INVALID)
        RV_NAME(CKR_PIN_LEN_RANGE)
        RV_NAME(CKR_PIN_EXPIRED)
        RV_NAME(CKR_PIN_LOCKED)
        RV_NAME(CKR_SESSION_CLOSED)
        RV_NAME(CKR_SESSION_COUNT)
        RV_NAME(CKR_SESSION_HANDLE_INVALID)
        RV_NAME(CKR_SESSION_PARALLEL_NOT_SUPPORTED)
        RV_NAME(CKR_SESSION_READ_ONLY)
        RV_NAME(CKR_SIGNATURE_INVALID)
        RV_NAME(CKR_SIGNATURE_LEN_RANGE)
        RV_NAME(CKR_TEMPLATE_INCOMPLETE)
        RV_NAME(CKR_TEMPLATE_INCONSISTENT)
        RV_NAME(CKR_TOKEN_NOT_PRESENT)
        RV_NAME(CKR_TOKEN_NOT_RECOGNIZED)
        RV_NAME(CKR_TOKEN_WRITE_PROTECTED)
        RV_NAME(CKR_USER_ALREADY_LOGGED_IN)
        RV_NAME(CKR_USER_NOT_LOGGED_IN)
        RV_NAME(CKR_USER_PIN_NOT_INITIALIZED)
        RV_NAME(CKR_USER_TYPE_INVALID)
        RV_NAME(CKR_RANDOM_SEED_NOT_SUPPORTED)
        RV_NAME(CKR_RANDOM_NO_RNG)
        RV_NAME(CKR_BUFFER_TOO_SMALL)
        RV_NAME(CKR_CRYPTOKI_NOT_INITIALIZED)
        RV_NAME(CKR_CRYPTOKI_ALREADY_INITIALIZED)
        RV_NAME(CKR_FUNCTION_REJECTED)
    default:
        return "CKR_?";
    }
#undef RV_NAME
}

CK_RV mdc_p11_done(const char *func, CK_RV rv)
{
    /* Logged under the entry point's own name. */
    if (mdc_log_enabled(MDC_CAT_P11, MDC_LOG_DEBUG))
        mdc_log_write(MDC_CAT_P11, MDC_LOG_DEBUG, func, "%s (0x%lx)", mdc_p11_rv_name(rv),
                      (unsigned long)rv);
    return rv;
}

CK_RV mdc_p11_not_supported(const char *func)
{
    if (!mdc_p11_is_initialized())
        return mdc_p11_done(func, CKR_CRYPTOKI_NOT_INITIALIZED);
    return mdc_p11_done(func, CKR_FUNCTION_NOT_SUPPORTED);
}
