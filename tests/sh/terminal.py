#!/usr/bin/env python3
"""Run a command with a pseudo-terminal as its standard input and output,
as a person at a terminal would; print what it wrote and its exit status.
--eof: once it has written something, type Ctrl-D (the end of the input).
Used by tests/sh/terminal.sh (the CLI traps of issue 15.5)."""
import os, pty, sys

def main():
    args = sys.argv[1:]
    eof = args and args[0] == "--eof"
    if eof:
        args = args[1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["NO_COLOR"] = "1"
        os.execvp(args[0], args)
    out, sent = b"", False
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
        if eof and not sent:
            os.write(fd, b"\x04")
            sent = True
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode("utf-8", "replace").replace("\r\n", "\n"))
    print("exit %d" % os.waitstatus_to_exitcode(status))

main()
