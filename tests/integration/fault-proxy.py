#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""An HTTP proxy in front of a registry on loopback that misbehaves on
purpose, for the tests (standard library only).

    fault-proxy.py --upstream 127.0.0.1:PORT --port-file F [--port N]
                   [--log F] [--only DIGEST] [--rate BYTES_PER_S] MODE

Every request is passed on to the upstream registry with its Host header
kept (so the registry's Location headers name the proxy). MODE changes the
answers to blob GETs (/v2/NAME/blobs/sha256:HEX; with --only, only that
blob's):
  pass             nothing changed
  corrupt          one byte of the body flipped (same length)
  cut              headers with the full Content-Length, half the body,
                   then the connection closed
  extra            the body followed by 4096 more bytes, Content-Length
                   counting them (more than the descriptor's size)
  extra-nolength   the same without Content-Length, ended by closing
  slow             the body sent at --rate bytes a second (default 256 KiB)
and to manifest GETs (/v2/NAME/manifests/REF), without asking upstream:
  schema1          a Docker schema 1 manifest (long deprecated)
  big-manifest     a manifest of 5 MiB (more than a client should take)
and for every request:
  redirect         a 307 to /hop/N+1/... of the proxy itself, endlessly
Listens on 127.0.0.1 (port 0: one the kernel picks; the same port again
after a restart with --port), writes the port to --port-file once it
listens. --log gets one line a request ("GET PATH STATUS ACTION") and
"blob-start DIGEST" as a blob's body begins (what the tests wait for).
"""
import argparse
import http.client
import os
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopback_serve import serve  # noqa: E402

BLOB = re.compile(r"^/v2/.+/blobs/(sha256:[0-9a-f]{64})$")
HOP = re.compile(r"^/hop/([0-9]+)(/.*)$")
MANIFEST = re.compile(r"^/v2/.+/manifests/[^/]+$")
SCHEMA1 = (b'{"schemaVersion": 1, "name": "mdtest/bb", "tag": "1", "architecture": "amd64",'
           b' "fsLayers": [], "history": [], "signatures": []}')
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
              "te", "trailers", "transfer-encoding", "upgrade"}
CHUNK = 16384


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def note(self, line):
        log = self.server.opts.log
        if log:
            with self.server.log_lock, open(log, "a") as f:
                f.write(line + "\n")

    def request_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else None

    def redirect(self):
        m = HOP.match(self.path)
        n, rest = (int(m.group(1)), m.group(2)) if m else (0, self.path)
        self.note(f"{self.command} {self.path} 307 redirect")
        self.send_response(307)
        self.send_header("Location", f"http://{self.headers.get('Host')}/hop/{n + 1}{rest}")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def fake_manifest(self):
        mode = self.server.opts.mode
        if mode == "schema1":
            body, ctype = SCHEMA1, "application/vnd.docker.distribution.manifest.v1+prettyjws"
        else:
            pad = b" " * (5 << 20)
            body, ctype = b'{"schemaVersion": 2, "x": "' + pad + b'"}', \
                "application/vnd.oci.image.manifest.v1+json"
        self.note(f"{self.command} {self.path} 200 {mode}")
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def upstream(self, body):
        """The request passed on, every header as it came (Accept comes
        several times) but the hop-by-hop ones."""
        conn = http.client.HTTPConnection(self.server.opts.upstream, timeout=60)
        conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for k, v in self.headers.items():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        return conn, conn.getresponse()

    def handle_one(self):
        opts = self.server.opts
        body = self.request_body()
        if opts.mode == "redirect":
            self.redirect()
            return
        if opts.mode in ("schema1", "big-manifest") and self.command == "GET" and \
                MANIFEST.match(self.path):
            self.fake_manifest()
            return
        try:
            conn, resp = self.upstream(body)
        except OSError as e:
            self.note(f"{self.command} {self.path} 502 upstream: {e}")
            self.send_error(502, "upstream: %s" % e)
            return
        try:
            m = BLOB.match(self.path)
            fault = (opts.mode != "pass" and self.command == "GET" and m and resp.status == 200
                     and (not opts.only or opts.only == m.group(1)))
            self.note(f"{self.command} {self.path} {resp.status} {opts.mode if fault else 'pass'}")
            if fault:
                self.blob(resp, m.group(1))
            else:
                self.relay(resp)
        finally:
            conn.close()

    def send_head(self, resp, length):
        self.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in HOP_BY_HOP and k.lower() != "content-length":
                self.send_header(k, v)
        if length is None:
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def relay(self, resp):
        if self.command == "HEAD" or resp.status in (204, 304):
            self.send_head(resp, resp.getheader("Content-Length") or 0)
            return
        length = resp.getheader("Content-Length")
        self.send_head(resp, int(length) if length is not None else None)
        while True:
            data = resp.read(CHUNK)
            if not data:
                break
            self.wfile.write(data)

    def blob(self, resp, digest):
        mode = self.server.opts.mode
        size = int(resp.getheader("Content-Length"))
        if mode == "extra":
            self.send_head(resp, size + 4096)
        elif mode == "extra-nolength":
            self.send_head(resp, None)
        else:
            self.send_head(resp, size)
        self.note(f"blob-start {digest}")
        sent = 0
        while True:
            data = resp.read(CHUNK)
            if not data:
                break
            if mode == "corrupt" and sent <= size // 2 < sent + len(data):
                i = size // 2 - sent
                data = data[:i] + bytes([data[i] ^ 0x5A]) + data[i + 1:]
            if mode == "cut" and sent + len(data) > size // 2:
                self.wfile.write(data[:size // 2 - sent])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self.wfile.write(data)
            sent += len(data)
            if mode == "slow":
                self.wfile.flush()
                time.sleep(len(data) / self.server.opts.rate)
        if mode in ("extra", "extra-nolength"):
            self.wfile.write(b"\0" * 4096)

    def handle_any(self):
        try:
            self.handle_one()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log")
    p.add_argument("--only")
    p.add_argument("--rate", type=float, default=256 * 1024)
    p.add_argument("mode", choices=["pass", "corrupt", "cut", "extra", "extra-nolength",
                                    "slow", "redirect", "schema1", "big-manifest"])
    opts = p.parse_args()
    return serve(Handler, opts.port, opts.port_file, opts=opts, log_lock=threading.Lock())


if __name__ == "__main__":
    sys.exit(main())
