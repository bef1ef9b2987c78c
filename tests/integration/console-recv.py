#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""console-recv.py SOCKET: listen on SOCKET, receive one pty master (as
containerd's and conmon's console sockets do), print what the terminal
shows until it closes (at most 10 s)."""
import array, os, select, socket, sys, time

path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
s.settimeout(15)
conn, _ = s.accept()
msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_SPACE(4))
fds = array.array("i")
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[:4])
master = fds[0]
out = b""
end = time.time() + 10
while time.time() < end:
    r, _, _ = select.select([master], [], [], 0.2)
    if not r:
        continue
    try:
        data = os.read(master, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
sys.stdout.write(out.decode("utf-8", "replace").replace("\r\n", "\n"))
