# SPDX-License-Identifier: Apache-2.0
"""What the tests' small HTTP servers (token-server.py, fault-proxy.py)
share: a threaded server on 127.0.0.1 whose port (0: one the kernel
picks) is written to a file once it listens, for the test to read."""
import os
from http.server import ThreadingHTTPServer


def serve(handler, port, port_file, **attrs):
    """Serve handler until killed; attrs become the server's attributes
    (what the handler reads as self.server.NAME)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    for k, v in attrs.items():
        setattr(server, k, v)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.rename(tmp, port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
