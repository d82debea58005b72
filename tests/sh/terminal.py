#!/usr/bin/env python3
"""Run a command with a pseudo-terminal as its standard input and output,
as a person at a terminal would; print what it wrote and its exit status.
--eof: once it has written something, type Ctrl-D (the end of the input).
--cols N: the terminal is N columns wide (the child sees it, not COLUMNS).
Used by tests/sh/terminal.sh (the CLI traps of issue 15.5)."""
import fcntl, os, pty, struct, sys, termios

def main():
    args = sys.argv[1:]
    eof = args and args[0] == "--eof"
    if eof:
        args = args[1:]
    cols = 0
    if args and args[0] == "--cols":
        cols, args = int(args[1]), args[2:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["NO_COLOR"] = "1"
        os.environ.pop("COLUMNS", None)
        if cols:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
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
