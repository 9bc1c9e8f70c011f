/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The user PIN for keygen, csr and load: from --pin-file (first line), from
 * the environment variable of --pin-env (default MDCARD_PIN) when set, else
 * asked on /dev/tty with echo off. Kept in a secret buffer; every copy on
 * the way is wiped.
 */
#include "tool.h"

#include <openssl/crypto.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PIN_READ_MAX 256

/* Strips one trailing "\n" or "\r\n". */
static size_t chomp(const char *buf, size_t n)
{
    if (n > 0 && buf[n - 1] == '\n')
        n--;
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    return n;
}

static struct mdc_secret *from_file(const char *path)
{
    char buf[PIN_READ_MAX + 1];
    struct mdc_secret *s = NULL;
    size_t n = 0, len;
    FILE *f = fopen(path, "r");

    if (f == NULL) {
        tool_err("cannot open the PIN file %s", path);
        return NULL;
    }
    setvbuf(f, NULL, _IONBF, 0); /* no stdio copy of the PIN */
    while (n < sizeof(buf) - 1) {
        int c = fgetc(f);

        if (c == EOF || c == '\n')
            break;
        buf[n++] = (char)c;
    }
    fclose(f);
    len = chomp(buf, n);
    if (n >= sizeof(buf) - 1)
        tool_err("the PIN in %s is too long", path);
    else if (len == 0)
        tool_err("the PIN file %s is empty", path);
    else if ((s = mdc_util_secret_new(buf, len)) == NULL)
        tool_err("out of memory");
    OPENSSL_cleanse(buf, sizeof(buf));
    return s;
}

static struct mdc_secret *from_tty(const char *prompt)
{
    char buf[PIN_READ_MAX + 1];
    struct termios old, quiet;
    struct mdc_secret *s = NULL;
    size_t n = 0;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
    bool restored = false;

    if (fd < 0) {
        tool_err("no PIN: no terminal to ask on; use --pin-file FILE or --pin-env VAR "
                 "(default variable MDCARD_PIN)");
        return NULL;
    }
    if (tcgetattr(fd, &old) != 0) {
        close(fd);
        tool_err("no PIN: cannot turn off echo on the terminal; use --pin-file or --pin-env");
        return NULL;
    }
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSADRAIN, &quiet) != 0) {
        close(fd);
        tool_err("cannot prompt for the PIN");
        return NULL;
    }
    while (n < sizeof(buf) - 1) {
        char c;
        ssize_t r = read(fd, &c, 1);

        if (r <= 0 || c == '\n')
            break;
        buf[n++] = c;
    }
    restored = tcsetattr(fd, TCSADRAIN, &old) == 0;
    if (write(fd, "\n", 1) < 0) {
        /* only cosmetic: the next line of output starts after the prompt */
    }
    close(fd);
    if (!restored)
        tool_err("warning: could not restore the terminal settings");
    n = chomp(buf, n);
    if (n == 0)
        tool_err("no PIN entered");
    else if ((s = mdc_util_secret_new(buf, n)) == NULL)
        tool_err("out of memory");
    OPENSSL_cleanse(buf, sizeof(buf));
    return s;
}

struct mdc_secret *tool_pin_get(const struct tool *t, const char *prompt)
{
    const char *var = t->pin_env != NULL ? t->pin_env : "MDCARD_PIN";
    const char *env;
    struct mdc_secret *s;

    if (t->pin_file != NULL)
        return from_file(t->pin_file);
    env = getenv(var);
    if (env != NULL) {
        size_t len = strlen(env);

        if (len == 0 || len > PIN_READ_MAX) {
            tool_err("the PIN in $%s is %s", var, len == 0 ? "empty" : "too long");
            return NULL;
        }
        s = mdc_util_secret_new(env, len);
        if (s == NULL)
            tool_err("out of memory");
        return s;
    }
    if (t->pin_env != NULL) {
        tool_err("no PIN: $%s is not set", var);
        return NULL;
    }
    return from_tty(prompt);
}
