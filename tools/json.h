/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A tiny streaming JSON writer for `mdcard --json`: objects, arrays,
 * strings (escaped per RFC 8259; invalid UTF-8 becomes U+FFFD so the output
 * is always valid JSON), integers, booleans, null, hex strings. Two-space
 * indentation. Pure apart from writing to the FILE it is given.
 * Also the terminal-safe form of card strings for text output (tool_safe):
 * the same UTF-8 check, the other output format.
 */
#ifndef MDC_TOOL_JSON_H
#define MDC_TOOL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
    FILE *f;
    int depth;
    bool has_items[JSON_MAX_DEPTH + 1]; /* per level: a comma is due before the next item */
    bool error;                         /* nesting misuse (a bug): output may be incomplete */
};

void json_init(struct json *j, FILE *f);
/* `key` names the member inside an object; NULL inside arrays and at the top. */
void json_begin_object(struct json *j, const char *key);
void json_end_object(struct json *j);
void json_begin_array(struct json *j, const char *key);
void json_end_array(struct json *j);
/* value NULL writes null. */
void json_string(struct json *j, const char *key, const char *value);
/* Exactly len bytes (may contain NUL, escaped as \u0000). */
void json_string_n(struct json *j, const char *key, const char *value, size_t len);
void json_int(struct json *j, const char *key, long long value);
void json_bool(struct json *j, const char *key, bool value);
void json_null(struct json *j, const char *key);
/* Lower-case hex string of the bytes. */
void json_hex(struct json *j, const char *key, const uint8_t *data, size_t len);
/* Ends the document with a newline; false if the nesting was wrong. */
bool json_finish(struct json *j);

/* Writes the escaped form of s (len bytes) with its quotes: exposed for tests. */
void json_write_escaped(FILE *f, const char *s, size_t len);

/* ---- text output ---- */
/* Buffer size that always holds the safe form of n bytes. */
#define TOOL_SAFE_SIZE(n) (4 * (size_t)(n) + 1)
/* Card-supplied bytes made safe to print on a terminal: bytes below 0x20,
 * 0x7F, C1 controls (U+0080..U+009F) and each byte of invalid UTF-8 become
 * "\xNN"; everything else (printable ASCII, valid UTF-8) is copied. Writes
 * into out (size > 0) and returns it; stops at the last whole character
 * that fits (TOOL_SAFE_SIZE(len) always fits). */
const char *tool_safe_n(char *out, size_t size, const char *s, size_t len);
/* The same for a NUL-terminated string. */
const char *tool_safe(char *out, size_t size, const char *s);

#endif
