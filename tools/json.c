/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The JSON writer of `mdcard --json` (see json.h). Card data (container
 * names, certificate subjects) reaches it unfiltered, so every string is
 * escaped and checked as UTF-8 here, in one place — for JSON and, in
 * tool_safe, for text on a terminal.
 */
#include "json.h"

#include <stdio.h>
#include <string.h>

void json_init(struct json *j, FILE *f)
{
    memset(j, 0, sizeof(*j));
    j->f = f;
}

static void indent(struct json *j)
{
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
    unsigned c = s[0];
    size_t n;
    unsigned cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values above U+10FFFF are invalid. */
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void json_write_escaped(FILE *f, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;

    fputc('"', f);
    while (i < len) {
        unsigned c = s[i];
        size_t n;

        switch (c) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\b':
            fputs("\\b", f);
            break;
        case '\f':
            fputs("\\f", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                fprintf(f, "\\u%04x", c);
                break;
            }
            n = utf8_len(s + i, len - i);
            if (n == 0) {
                fputs("\\ufffd", f); /* one invalid byte, one replacement */
                break;
            }
            fwrite(s + i, 1, n, f);
            i += n;
            continue;
        }
        i++;
    }
    fputc('"', f);
}

/* Comma, newline, indentation and "key": before an item. */
static void item(struct json *j, const char *key)
{
    if (j->depth > 0) {
        if (j->has_items[j->depth])
            fputc(',', j->f);
        fputc('\n', j->f);
        indent(j);
    }
    j->has_items[j->depth] = true;
    if (key != NULL) {
        json_write_escaped(j->f, key, strlen(key));
        fputs(": ", j->f);
    }
}

static void open_(struct json *j, const char *key, char c)
{
    item(j, key);
    fputc(c, j->f);
    if (j->depth >= JSON_MAX_DEPTH) {
        j->error = true;
        return;
    }
    j->depth++;
    j->has_items[j->depth] = false;
}

static void close_(struct json *j, char c)
{
    if (j->depth <= 0) {
        j->error = true;
        return;
    }
    j->depth--;
    if (j->has_items[j->depth + 1]) {
        fputc('\n', j->f);
        indent(j);
    }
    fputc(c, j->f);
}

void json_begin_object(struct json *j, const char *key)
{
    open_(j, key, '{');
}

void json_end_object(struct json *j)
{
    close_(j, '}');
}

void json_begin_array(struct json *j, const char *key)
{
    open_(j, key, '[');
}

void json_end_array(struct json *j)
{
    close_(j, ']');
}

void json_string_n(struct json *j, const char *key, const char *value, size_t len)
{
    item(j, key);
    json_write_escaped(j->f, value, len);
}

void json_string(struct json *j, const char *key, const char *value)
{
    if (value == NULL) {
        json_null(j, key);
        return;
    }
    json_string_n(j, key, value, strlen(value));
}

void json_int(struct json *j, const char *key, long long value)
{
    item(j, key);
    fprintf(j->f, "%lld", value);
}

void json_bool(struct json *j, const char *key, bool value)
{
    item(j, key);
    fputs(value ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
    item(j, key);
    fputs("null", j->f);
}

void json_hex(struct json *j, const char *key, const uint8_t *data, size_t len)
{
    item(j, key);
    fputc('"', j->f);
    for (size_t i = 0; i < len; i++)
        fprintf(j->f, "%02x", data[i]);
    fputc('"', j->f);
}

bool json_finish(struct json *j)
{
    fputc('\n', j->f);
    fflush(j->f);
    return !j->error && j->depth == 0;
}

const char *tool_safe_n(char *out, size_t size, const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t o = 0, i = 0;

    if (size == 0)
        return out;
    while (i < len) {
        size_t n = s[i] < 0x80 ? 1 : utf8_len(s + i, len - i);
        /* Escapes (terminal controls): C0, DEL, C1 (U+0080..U+009F, UTF-8
         * C2 80..C2 9F) and bytes that are not UTF-8. */
        bool esc =
            n == 0 || s[i] < 0x20 || s[i] == 0x7F || (n == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0);

        if (esc) {
            size_t k = n == 0 ? 1 : n;

            if (o + 4 * k >= size)
                break;
            for (size_t b = 0; b < k; b++)
                o += (size_t)snprintf(out + o, size - o, "\\x%02x", s[i + b]);
            i += k;
            continue;
        }
        if (o + n >= size)
            break;
        memcpy(out + o, s + i, n);
        o += n;
        i += n;
    }
    out[o] = '\0';
    return out;
}

const char *tool_safe(char *out, size_t size, const char *s)
{
    return tool_safe_n(out, size, s, strlen(s));
}
