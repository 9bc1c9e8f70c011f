/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard.conf syntax (conf_parse.h): lines of `key = value`, comments and
 * blank lines, checked byte by byte. Every problem is recorded with its line
 * number and leaves its setting at the default; a single-valued key given
 * twice is a problem on the second line and neither value is used. No I/O.
 */
#include "util/conf_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const key_names[MDC_CONF_KEY_COUNT] = {
    "log_level", "log_file", "cache", "cache_dir", "pin_cache", "reader_include", "reader_exclude",
};

struct parser {
    struct mdc_conf *conf;
    unsigned first[MDC_CONF_KEY_COUNT]; /* first line a single-valued key appeared on */
    bool twice[MDC_CONF_KEY_COUNT];
    bool oom;
};

const char *mdc_conf_key_name(enum mdc_conf_key key)
{
    return (unsigned)key < MDC_CONF_KEY_COUNT ? key_names[key] : "?";
}

static bool multi_valued(enum mdc_conf_key key)
{
    return key == MDC_CONF_READER_INCLUDE || key == MDC_CONF_READER_EXCLUDE;
}

static void problem(struct mdc_conf *c, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct mdc_conf *c, unsigned line, const char *fmt, ...)
{
    struct mdc_conf_problem *p;
    va_list ap;

    if (c->n_problems >= MDC_CONF_MAX_PROBLEMS) {
        c->n_more_problems++;
        return;
    }
    p = &c->problems[c->n_problems++];
    p->line = line;
    va_start(ap, fmt);
    vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
    va_end(ap);
}

/* Text from the file for a message: quoted, at most 40 bytes, anything
 * outside printable ASCII as \xNN (a log line must not carry raw bytes). */
#define QUOTE_SIZE 48
static const char *quote(char out[QUOTE_SIZE], const char *s, size_t n)
{
    size_t o = 0;

    out[o++] = '\'';
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];

        if (o + 9 > QUOTE_SIZE) { /* room for \xNN, then "...'" and NUL */
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (b >= 0x20 && b < 0x7f && b != '\'' && b != '\\') {
            out[o++] = (char)b;
        } else {
            snprintf(out + o, 5, "\\x%02X", b);
            o += 4;
        }
    }
    out[o++] = '\'';
    out[o] = '\0';
    return out;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_blank(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_blank((*s)[*n - 1]))
        (*n)--;
}

bool mdc_conf_parse_bool(const char *v, bool *out)
{
    static const char *const on[] = {"on", "yes", "true", "1"};
    static const char *const off[] = {"off", "no", "false", "0"};

    if (v == NULL)
        return false;
    for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
        if (strcasecmp(v, on[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(v, off[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

/* The first byte that is not a blank, from v on. */
static char next_nonblank(const char *v)
{
    while (is_blank(*v))
        v++;
    return *v;
}

/* log_level: the MDCARD_DEBUG syntax; blanks are allowed around ':' and ','
 * ("debug: gids, apdu") but not inside a name: "de bug" stays an error. */
static bool parse_log_level(const char *v, enum mdc_log_level levels[MDC_CAT_COUNT])
{
    char spec[MDC_CONF_MAX_LINE + 1];
    size_t o = 0;

    for (; *v != '\0' && o < sizeof(spec) - 1; v++) {
        if (is_blank(*v)) {
            char next = next_nonblank(v);

            if (o == 0 || spec[o - 1] == ':' || spec[o - 1] == ',' || next == '\0' || next == ':' ||
                next == ',')
                continue;
        }
        spec[o++] = *v;
    }
    spec[o] = '\0';
    return mdc_log_parse_spec(spec, levels);
}

static bool set_string(struct parser *ps, char **slot, const char *v)
{
    char *copy = strdup(v);

    if (copy == NULL) {
        ps->oom = true;
        return false;
    }
    free(*slot);
    *slot = copy;
    return true;
}

/* The value of one valid-looking `key = value` line; true when it was used. */
static bool apply(struct parser *ps, unsigned line, enum mdc_conf_key key, const char *v)
{
    struct mdc_conf *c = ps->conf;
    const char *name = key_names[key];
    char q[QUOTE_SIZE];

    switch (key) {
    case MDC_CONF_LOG_LEVEL:
        if (parse_log_level(v, c->log_levels))
            return true;
        problem(c, line,
                "log_level: %s is not off|error|warn|info|debug|trace[:category,...]; "
                "default (off) used",
                quote(q, v, strlen(v)));
        return false;
    case MDC_CONF_CACHE:
    case MDC_CONF_PIN_CACHE:
        if (mdc_conf_parse_bool(v, key == MDC_CONF_CACHE ? &c->cache : &c->pin_cache))
            return true;
        problem(c, line, "%s: %s is not on or off; default (on) used", name,
                quote(q, v, strlen(v)));
        return false;
    case MDC_CONF_LOG_FILE:
    case MDC_CONF_CACHE_DIR:
        if (v[0] != '/') {
            problem(c, line, "%s: %s is not an absolute path; default used", name,
                    quote(q, v, strlen(v)));
            return false;
        }
        return set_string(ps, key == MDC_CONF_LOG_FILE ? &c->log_file : &c->cache_dir, v);
    case MDC_CONF_READER_INCLUDE:
    case MDC_CONF_READER_EXCLUDE: {
        struct mdc_conf_list *l =
            key == MDC_CONF_READER_INCLUDE ? &c->reader_include : &c->reader_exclude;

        if (strlen(v) > MDC_CONF_MAX_PATTERN) {
            problem(c, line, "%s: pattern longer than %d bytes; ignored", name,
                    MDC_CONF_MAX_PATTERN);
            return false;
        }
        if (l->count >= MDC_CONF_MAX_PATTERNS) {
            problem(c, line, "%s: more than %d patterns; this one ignored", name,
                    MDC_CONF_MAX_PATTERNS);
            return false;
        }
        if (!set_string(ps, &l->item[l->count], v))
            return false;
        l->count++;
        return true;
    }
    case MDC_CONF_KEY_COUNT:
        break;
    }
    return false;
}

/* A value may not carry a comment: "cache = off # why" would otherwise be
 * read as a bad value, and a path with "# why" in it silently. */
static bool has_comment(const char *v)
{
    if (v[0] == '#')
        return true;
    for (const char *p = v; p[0] != '\0' && p[1] != '\0'; p++)
        if (is_blank(p[0]) && p[1] == '#')
            return true;
    return false;
}

static void parse_line(struct parser *ps, unsigned line, const char *s, size_t n)
{
    struct mdc_conf *c = ps->conf;
    char value[MDC_CONF_MAX_LINE + 1];
    const char *eq, *k, *v;
    size_t kn, vn;
    char q[QUOTE_SIZE];
    int key = -1;

    if (n > MDC_CONF_MAX_LINE) {
        problem(c, line, "line longer than %d bytes; ignored", MDC_CONF_MAX_LINE);
        return;
    }
    if (memchr(s, '\0', n) != NULL) {
        problem(c, line, "NUL byte; line ignored");
        return;
    }
    trim(&s, &n);
    if (n == 0 || s[0] == '#')
        return;
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)s[i];

        if ((b < 0x20 && b != '\t') || b == 0x7f) {
            problem(c, line, "control character 0x%02X; line ignored", b);
            return;
        }
    }
    eq = memchr(s, '=', n);
    if (eq == NULL) {
        problem(c, line, "expected 'key = value', found %s; line ignored", quote(q, s, n));
        return;
    }
    k = s;
    kn = (size_t)(eq - s);
    v = eq + 1;
    vn = n - kn - 1;
    trim(&k, &kn);
    trim(&v, &vn);
    if (kn == 0) {
        problem(c, line, "no key before '='; line ignored");
        return;
    }
    for (int i = 0; i < MDC_CONF_KEY_COUNT; i++)
        if (strlen(key_names[i]) == kn && memcmp(key_names[i], k, kn) == 0)
            key = i;
    if (key < 0) {
        problem(c, line, "unknown key %s; line ignored", quote(q, k, kn));
        return;
    }
    if (!multi_valued((enum mdc_conf_key)key)) {
        if (ps->first[key] != 0) {
            problem(c, line, "%s set again (first on line %u); default used", key_names[key],
                    ps->first[key]);
            ps->twice[key] = true;
            return;
        }
        ps->first[key] = line;
    }
    if (vn == 0) {
        problem(c, line, "%s has no value; %s", key_names[key],
                multi_valued((enum mdc_conf_key)key) ? "ignored" : "default used");
        return;
    }
    memcpy(value, v, vn);
    value[vn] = '\0';
    if (has_comment(value)) {
        problem(c, line, "%s: '#' after the value (comments go on a line of their own); %s",
                key_names[key], multi_valued((enum mdc_conf_key)key) ? "ignored" : "default used");
        return;
    }
    if (apply(ps, line, (enum mdc_conf_key)key, value))
        c->line[key] = line;
}

static void set_defaults(struct mdc_conf *c)
{
    for (int i = 0; i < MDC_CAT_COUNT; i++)
        c->log_levels[i] = MDC_LOG_OFF;
    c->cache = true;
    c->pin_cache = true;
}

/* A key given twice keeps its default, whatever either line said. */
static void drop_twice_set(struct parser *ps)
{
    struct mdc_conf *c = ps->conf;

    for (int k = 0; k < MDC_CONF_KEY_COUNT; k++) {
        if (!ps->twice[k])
            continue;
        c->line[k] = 0;
        switch ((enum mdc_conf_key)k) {
        case MDC_CONF_LOG_LEVEL:
            for (int i = 0; i < MDC_CAT_COUNT; i++)
                c->log_levels[i] = MDC_LOG_OFF;
            break;
        case MDC_CONF_LOG_FILE:
            free(c->log_file);
            c->log_file = NULL;
            break;
        case MDC_CONF_CACHE:
            c->cache = true;
            break;
        case MDC_CONF_CACHE_DIR:
            free(c->cache_dir);
            c->cache_dir = NULL;
            break;
        case MDC_CONF_PIN_CACHE:
            c->pin_cache = true;
            break;
        default:
            break;
        }
    }
}

bool mdc_conf_parse(const uint8_t *data, size_t len, struct mdc_conf *conf)
{
    struct parser ps;
    const char *p, *end;
    unsigned line = 0;

    if (conf == NULL)
        return false;
    memset(conf, 0, sizeof(*conf));
    set_defaults(conf);
    if (data == NULL || len == 0)
        return true;
    if (len > MDC_CONF_MAX_FILE) {
        problem(conf, 0, "larger than %d bytes; whole file ignored, defaults used",
                MDC_CONF_MAX_FILE);
        return true;
    }
    memset(&ps, 0, sizeof(ps));
    ps.conf = conf;
    p = (const char *)data;
    end = p + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3; /* a UTF-8 byte order mark some editors write */
    while (p < end && !ps.oom) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);

        line++;
        if (n > 0 && p[n - 1] == '\r')
            n--; /* CRLF */
        parse_line(&ps, line, p, n);
        p = nl ? nl + 1 : end;
    }
    if (ps.oom) {
        mdc_conf_free(conf);
        return false;
    }
    drop_twice_set(&ps);
    return true;
}

static void free_list(struct mdc_conf_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->item[i]);
    l->count = 0;
}

void mdc_conf_free(struct mdc_conf *conf)
{
    if (conf == NULL)
        return;
    free(conf->log_file);
    free(conf->cache_dir);
    free_list(&conf->reader_include);
    free_list(&conf->reader_exclude);
    memset(conf, 0, sizeof(*conf));
    set_defaults(conf);
}
