/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Token settings, in one place: the configuration file (MDCARD_CONF, else
 * MDCARD_SYSCONFDIR/mdcard.conf) read once per process and parsed by
 * util/conf_parse, with the environment variables over it (MDCARD_DEBUG,
 * MDCARD_LOG, MDCARD_PIN_CACHE, MDCARD_CACHE, MDCARD_CACHE_DIR). Problems
 * with the file are written once whatever the log level (the log file when
 * one is configured, else stderr): a setting silently not applied would be
 * worse than a line on stderr. docs/CONFIGURATION.md is the user's view.
 */
#include "token/config.h"
#include "token/tok_int.h"

#include "util/conf_parse.h"
#include "util/file.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef MDCARD_SYSCONFDIR
#define MDCARD_SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONF MDCARD_SYSCONFDIR "/mdcard.conf"

static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static struct mdc_conf conf; /* the file's settings; read-only once loaded */
static bool pin_cache = true;
static bool disk_cache = true;
static const char *cache_dir; /* NULL: $XDG_CACHE_HOME/mdcard or ~/.cache/mdcard */
static char *env_cache_dir;   /* MDCARD_CACHE_DIR, copied */

/* Reads at most MDC_CONF_MAX_FILE + 1 bytes (one more than the parser takes,
 * so that it can tell the file is too large). 0 or an errno value. */
static int read_conf(const char *path, uint8_t **data, size_t *len)
{
    struct stat st;
    int fd, err = 0;

    *data = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return errno;
    if (fstat(fd, &st) != 0)
        err = errno;
    else if (S_ISDIR(st.st_mode))
        err = EISDIR;
    else if (!S_ISREG(st.st_mode))
        err = EINVAL; /* reported as "not a regular file" */
    if (err != 0) {
        close(fd);
        return err;
    }
    err = mdc_util_read_fd(fd, MDC_CONF_MAX_FILE + 1, data, len);
    close(fd);
    return err;
}

/* A boolean environment variable over the file, spelt as in the file
 * (mdc_conf_parse_bool); anything else is reported and ignored. */
static void env_bool(const char *name, bool *value)
{
    const char *v = secure_getenv(name);

    if (v == NULL || *v == '\0' || mdc_conf_parse_bool(v, value))
        return;
    mdc_log_always(MDC_CAT_TOKEN, MDC_LOG_WARN, __func__,
                   "%s is not on/off, yes/no, true/false or 1/0; ignored", name);
}

/* MDCARD_CACHE_DIR, copied (the host may change its environment later);
 * NULL when unset, empty or not absolute: a relative path would name a
 * different directory in each working directory, so, as in the file, it is
 * reported and ignored. */
static char *env_dir(const char *name)
{
    const char *v = secure_getenv(name);

    if (v == NULL || *v == '\0')
        return NULL;
    if (v[0] != '/') {
        mdc_log_always(MDC_CAT_TOKEN, MDC_LOG_WARN, __func__, "%s is not an absolute path; ignored",
                       name);
        return NULL;
    }
    return strdup(v);
}

static void report_problems(const char *path)
{
    for (size_t i = 0; i < conf.n_problems; i++) {
        if (conf.problems[i].line == 0)
            mdc_log_always(MDC_CAT_TOKEN, MDC_LOG_WARN, __func__, "%s: %s", path,
                           conf.problems[i].msg);
        else
            mdc_log_always(MDC_CAT_TOKEN, MDC_LOG_WARN, __func__, "%s:%u: %s", path,
                           conf.problems[i].line, conf.problems[i].msg);
    }
    if (conf.n_more_problems > 0)
        mdc_log_always(MDC_CAT_TOKEN, MDC_LOG_WARN, __func__,
                       "%s: %zu more problems not shown; their lines are ignored", path,
                       conf.n_more_problems);
}

static void read_file(const char *path, bool named)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int err;

    /* MDCARD_CONF=/dev/null: no file, on purpose (tests, debugging). */
    if (strcmp(path, "/dev/null") == 0)
        return;
    err = read_conf(path, &data, &len);
    if (err == ENOENT && !named)
        return; /* no configuration installed: the defaults */
    if (err != 0) {
        mdc_log_always(MDC_CAT_TOKEN, MDC_LOG_WARN, __func__,
                       "cannot read configuration file %s: %s; using defaults", path,
                       err == EINVAL ? "not a regular file" : strerror(err));
        return;
    }
    if (!mdc_conf_parse(data, len, &conf))
        mdc_log_always(MDC_CAT_TOKEN, MDC_LOG_WARN, __func__,
                       "%s: out of memory while reading it; using defaults", path);
    free(data);
}

static void config_read(void)
{
    const char *env = secure_getenv("MDCARD_CONF");
    bool named = env != NULL && *env != '\0';
    const char *path = named ? env : DEFAULT_CONF;

    mdc_conf_parse(NULL, 0, &conf); /* the defaults, whatever happens to the file */
    read_file(path, named);
    /* The log first, so that what follows lands where the user asked. */
    if (!mdc_log_configure(conf.line[MDC_CONF_LOG_LEVEL] ? conf.log_levels : NULL, conf.log_file)) {
        int err = errno;

        mdc_log_always(MDC_CAT_TOKEN, MDC_LOG_WARN, __func__,
                       "%s:%u: log_file: cannot open %s: %s; logging to stderr", path,
                       conf.line[MDC_CONF_LOG_FILE], conf.log_file, strerror(err));
    }
    report_problems(path);

    pin_cache = conf.pin_cache;
    disk_cache = conf.cache;
    env_bool("MDCARD_PIN_CACHE", &pin_cache);
    env_bool("MDCARD_CACHE", &disk_cache);
    env_cache_dir = env_dir("MDCARD_CACHE_DIR");
    cache_dir = env_cache_dir != NULL ? env_cache_dir : conf.cache_dir;
    MDC_DEBUG(MDC_CAT_TOKEN,
              "configuration %s: PIN cache %s, disk cache %s%s%s, %zu reader_include, "
              "%zu reader_exclude",
              path, pin_cache ? "on" : "off", disk_cache ? "on" : "off", cache_dir ? " in " : "",
              cache_dir ? cache_dir : "", conf.reader_include.count, conf.reader_exclude.count);
}

void mdc_tok_config_load(void)
{
    pthread_once(&config_once, config_read);
}

bool mdc_tok_config_pin_cache(void)
{
    mdc_tok_config_load();
    return pin_cache;
}

bool mdc_tok_config_disk_cache(void)
{
    mdc_tok_config_load();
    return disk_cache;
}

const char *mdc_tok_config_cache_dir(void)
{
    mdc_tok_config_load();
    return cache_dir;
}

static bool matches(const struct mdc_conf_list *l, const char *name)
{
    for (size_t i = 0; i < l->count; i++)
        if (fnmatch(l->item[i], name, 0) == 0)
            return true;
    return false;
}

bool mdc_tok_config_reader_allowed(const char *reader_name)
{
    mdc_tok_config_load();
    if (reader_name == NULL)
        return false;
    if (matches(&conf.reader_exclude, reader_name))
        return false;
    return conf.reader_include.count == 0 || matches(&conf.reader_include, reader_name);
}
