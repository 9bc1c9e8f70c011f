/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging back end: reads MDCARD_DEBUG / MDCARD_LOG once (secure_getenv, so a
 * set-uid host ignores them), takes the configuration file's settings where
 * those are not set (mdc_log_configure), keeps per-category levels, and
 * writes whole lines under a mutex so threads do not interleave. The level
 * syntax and names are in log_spec.c.
 */
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;
/* Read without the mutex on every MDC_* call; written at set-up and by
 * mdc_log_configure, possibly while another thread logs. */
static atomic_int log_levels[MDC_CAT_COUNT];
static atomic_int log_max;
static FILE *log_file;      /* NULL: stderr; guarded by log_mutex */
static bool env_levels_set; /* MDCARD_DEBUG was given and valid */
static char *env_path;      /* MDCARD_LOG, when given */

static void emit(enum mdc_log_cat cat, enum mdc_log_level level, const char *func, const char *fmt,
                 va_list ap) __attribute__((format(printf, 4, 0)));

static void emit(enum mdc_log_cat cat, enum mdc_log_level level, const char *func, const char *fmt,
                 va_list ap)
{
    char line[2048];
    struct timespec ts;
    struct tm tm;
    int off;
    FILE *out;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    off = snprintf(line, sizeof(line), "%02d:%02d:%02d.%03ld mdcard[%ld] %s %s %s: ", tm.tm_hour,
                   tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L, (long)getpid(),
                   mdc_log_level_name(level), mdc_log_cat_name(cat), func ? func : "?");
    if (off < 0)
        off = 0;
    if ((size_t)off >= sizeof(line))
        off = sizeof(line) - 1;
    vsnprintf(line + off, sizeof(line) - (size_t)off, fmt, ap);

    pthread_mutex_lock(&log_mutex);
    out = log_file ? log_file : stderr;
    fputs(line, out);
    fputc('\n', out);
    fflush(out);
    pthread_mutex_unlock(&log_mutex);
}

static void emit_now(enum mdc_log_cat cat, enum mdc_log_level level, const char *func,
                     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void emit_now(enum mdc_log_cat cat, enum mdc_log_level level, const char *func,
                     const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit(cat, level, func, fmt, ap);
    va_end(ap);
}

static void set_levels(const enum mdc_log_level levels[MDC_CAT_COUNT])
{
    int max = MDC_LOG_OFF;

    for (int c = 0; c < MDC_CAT_COUNT; c++) {
        atomic_store_explicit(&log_levels[c], (int)levels[c], memory_order_relaxed);
        if ((int)levels[c] > max)
            max = (int)levels[c];
    }
    atomic_store_explicit(&log_max, max, memory_order_relaxed);
}

/* Opens `path` for appending when something is to be logged (or `force`)
 * and no file is open yet; log_mutex held. False with errno when it cannot
 * be opened. O_NOFOLLOW: a symbolic link planted at the path (a shared
 * /tmp) is refused rather than followed; 0600: the log names readers,
 * objects and APDUs, for the user's eyes only; O_CLOEXEC: helpers the host
 * spawns do not inherit it. */
static bool open_log_file(const char *path, bool force)
{
    FILE *f;
    int fd;

    if (path == NULL || log_file != NULL ||
        (!force && atomic_load_explicit(&log_max, memory_order_relaxed) == MDC_LOG_OFF))
        return true;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
    if (fd < 0)
        return false;
    f = fdopen(fd, "a");
    if (f == NULL) {
        int err = errno;

        close(fd);
        errno = err;
        return false;
    }
    setvbuf(f, NULL, _IOLBF, 0);
    log_file = f;
    return true;
}

static bool printable(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
            return false;
    return true;
}

static void log_setup(void)
{
    const char *spec = secure_getenv("MDCARD_DEBUG");
    const char *path = secure_getenv("MDCARD_LOG");
    enum mdc_log_level levels[MDC_CAT_COUNT];
    bool bad_spec = false;

    for (int c = 0; c < MDC_CAT_COUNT; c++)
        levels[c] = MDC_LOG_OFF;
    if (path != NULL && *path != '\0')
        env_path = strdup(path); /* the host may change its environment later */
    if (spec != NULL && *spec != '\0') {
        env_levels_set = mdc_log_parse_spec(spec, levels);
        bad_spec = !env_levels_set;
    }
    set_levels(levels);
    pthread_mutex_lock(&log_mutex);
    /* Failing: stderr, as always for MDCARD_LOG. A bad MDCARD_DEBUG opens it
     * anyway, so that the warning below lands where the user looks. */
    open_log_file(env_path, bad_spec);
    pthread_mutex_unlock(&log_mutex);
    if (bad_spec) {
        /* Said once, whatever the levels: a silently ignored setting would
         * leave the user guessing. */
        if (strlen(spec) <= 64 && printable(spec))
            emit_now(MDC_CAT_P11, MDC_LOG_WARN, __func__,
                     "MDCARD_DEBUG='%s' is not LEVEL[:CATEGORY,...]; ignored", spec);
        else
            emit_now(MDC_CAT_P11, MDC_LOG_WARN, __func__,
                     "MDCARD_DEBUG is not LEVEL[:CATEGORY,...]; ignored");
    }
}

bool mdc_log_configure(const enum mdc_log_level levels[MDC_CAT_COUNT], const char *path)
{
    bool ok = true;
    int saved = 0;

    pthread_once(&log_once, log_setup);
    pthread_mutex_lock(&log_mutex);
    if (!env_levels_set && levels != NULL)
        set_levels(levels);
    if (env_path != NULL) {
        open_log_file(env_path, false);
    } else if (!open_log_file(path, false)) {
        ok = false;
        saved = errno;
    }
    pthread_mutex_unlock(&log_mutex);
    if (!ok)
        errno = saved;
    return ok;
}

bool mdc_log_enabled(enum mdc_log_cat cat, enum mdc_log_level level)
{
    pthread_once(&log_once, log_setup);
    if ((int)level > atomic_load_explicit(&log_max, memory_order_relaxed) ||
        (unsigned)cat >= MDC_CAT_COUNT)
        return false;
    return level != MDC_LOG_OFF &&
           (int)level <= atomic_load_explicit(&log_levels[cat], memory_order_relaxed);
}

void mdc_log_write(enum mdc_log_cat cat, enum mdc_log_level level, const char *func,
                   const char *fmt, ...)
{
    va_list ap;
    int saved_errno = errno;

    if (!mdc_log_enabled(cat, level))
        return;
    va_start(ap, fmt);
    emit(cat, level, func, fmt, ap);
    va_end(ap);
    errno = saved_errno;
}

void mdc_log_always(enum mdc_log_cat cat, enum mdc_log_level level, const char *func,
                    const char *fmt, ...)
{
    va_list ap;
    int saved_errno = errno;

    pthread_once(&log_once, log_setup);
    va_start(ap, fmt);
    emit(cat, level, func, fmt, ap);
    va_end(ap);
    errno = saved_errno;
}
