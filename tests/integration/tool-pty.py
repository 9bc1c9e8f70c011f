#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs a program on a new pseudo-terminal and types at its PIN prompt, for
# the mdcard tool's PIN tests (tool-fixes.sh).
#   tool-pty.py INPUT PROGRAM ARGS...
# INPUT is typed once the prompt is shown and echo is off; Python string
# escapes (\n, \x04 = ^D, \x03 = ^C). Prints what the program wrote, then
# "exit N" or "signal N", then "echo on" or "echo off" (the terminal's state
# after the program ended).
import os
import pty
import select
import signal
import sys
import termios
import time

typed = sys.argv[1].encode().decode("unicode_escape").encode("latin-1")
pid, fd = pty.fork()
if pid == 0:
    # Background jobs of a script start with SIGINT ignored; a terminal user's
    # ^C is what is tested here.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    os.execvp(sys.argv[2], sys.argv[2:])

out = b""
deadline = time.time() + 30


def read_some(timeout):
    global out
    r, _, _ = select.select([fd], [], [], timeout)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            return False
        if not data:
            return False
        out += data
    return True


# The prompt is written before echo goes off: wait for both.
while time.time() < deadline:
    if b"User PIN: " in out and not termios.tcgetattr(fd)[3] & termios.ECHO:
        break
    if not read_some(0.05):
        break
for ch in typed:
    os.write(fd, bytes([ch]))
    time.sleep(0.02)
while time.time() < deadline:
    pid_done, status = os.waitpid(pid, os.WNOHANG)
    if pid_done:
        break
    read_some(0.1)
else:
    os.kill(pid, 9)
    pid_done, status = os.waitpid(pid, 0)
while read_some(0.1):
    pass
lflag = termios.tcgetattr(fd)[3]
sys.stdout.write(out.decode("utf-8", "replace"))
if os.WIFSIGNALED(status):
    print("\nsignal %d" % os.WTERMSIG(status))
else:
    print("\nexit %d" % os.WEXITSTATUS(status))
print("echo on" if lflag & termios.ECHO else "echo off")
