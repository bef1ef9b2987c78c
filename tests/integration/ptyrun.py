#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Run a command on a fresh pseudo-terminal, like a user at a terminal.

ptyrun.py [--rows N --cols N] [--send TEXT]... [--resize R,C] -- CMD...
Each --send is written after a short pause (escapes like \\n, \\x03 work).
Prints what the terminal showed, then a line "ATTRS-RESTORED yes|no" that
tells whether the terminal settings after the run equal those before.
Exits with the command's status (128+N for a signal)."""
import fcntl, os, pty, select, struct, sys, termios, time

def main():
    args = sys.argv[1:]
    rows, cols, sends, resize = 24, 80, [], None
    while args and args[0] != '--':
        flag, val = args[0], args[1]
        args = args[2:]
        if flag == '--rows': rows = int(val)
        elif flag == '--cols': cols = int(val)
        elif flag == '--send': sends.append(val.encode().decode('unicode_escape').encode('latin-1'))
        elif flag == '--resize': resize = tuple(int(x) for x in val.split(','))
    cmd = args[1:]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    before = termios.tcgetattr(slave)
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.execv(cmd[0], cmd)
    out = b''
    deadline = time.time() + 25
    next_send = time.time() + 0.7
    status = None
    while time.time() < deadline:
        if sends and time.time() >= next_send:
            os.write(master, sends.pop(0))
            next_send = time.time() + 0.5
        elif resize and not sends and time.time() >= next_send:
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', resize[0], resize[1], 0, 0))
            os.kill(pid, 28)  # SIGWINCH, as the terminal would send
            resize = None
            next_send = time.time() + 0.5
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b''
            out += data
        if status is None:
            p, st = os.waitpid(pid, os.WNOHANG)
            if p == pid:
                status = st
                deadline = min(deadline, time.time() + 0.5)
    if status is None:
        os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
        print("PTYRUN-TIMEOUT")
    after = termios.tcgetattr(slave)
    sys.stdout.write(out.decode('utf-8', 'replace').replace('\r\n', '\n'))
    print("\nATTRS-RESTORED " + ("yes" if before == after else "no"))
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))

main()
