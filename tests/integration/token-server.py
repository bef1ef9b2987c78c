#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A token server for docker-registry's `auth: token` (the Docker registry
v2 bearer-token flow), for the tests, on loopback only.

    token-server.py --cert CRT --key KEY --port-file F [--log F]
                    [--users FILE] [--anonymous pull|none]
                    [--issuer I] [--service S] [--port N]

GET (or POST, OAuth2 form) /token?service=S&scope=repository:NAME:pull,push
with or without Basic credentials answers {"token": JWT, ...}: a JWT signed
RS256 with KEY (by `openssl dgst`, so no Python package beyond the standard
library), its header carrying CRT in "x5c". distribution 2.8 checks that
chain against its `rootcertbundle` (CRT itself), then the signature, the
issuer, the audience (the service) and the times, and grants what the
token's "access" lists.
FILE holds USER:PASSWORD lines (a file, so that no password shows in ps).
Policy: a known user gets every action asked for; an anonymous client gets
"pull" when --anonymous pull, nothing otherwise; wrong credentials are 401.
Listens on 127.0.0.1 (port 0: one the kernel picks), writes the port to
--port-file once it listens. --log gets one line a request:
"GET /token user=NAME|anonymous|rejected scope=... granted=...", never a
password.
"""
import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loopback_serve import serve  # noqa: E402


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def cert_der_b64(path):
    """x5c wants the DER certificate in standard base64: a PEM's body."""
    lines = open(path).read().splitlines()
    start = lines.index("-----BEGIN CERTIFICATE-----")
    end = lines.index("-----END CERTIFICATE-----")
    return "".join(lines[start + 1:end])


def read_users(path):
    if not path:
        return {}
    with open(path) as f:
        return dict(line.rstrip("\n").split(":", 1) for line in f if ":" in line)


def sign_rs256(key, data):
    out = subprocess.run(["openssl", "dgst", "-sha256", "-sign", key],
                         input=data, capture_output=True, check=True)
    return out.stdout


def parse_scope(scope):
    """repository:NAME:ACTIONS (NAME may hold no ':'; a registry's own
    scopes like registry:catalog:* pass through the same way)."""
    kind, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    if not kind or not name:
        return None
    return {"type": kind, "name": name, "actions": [a for a in actions.split(",") if a]}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def note(self, line):
        if self.server.opts.log:
            with open(self.server.opts.log, "a") as f:
                f.write(line + "\n")

    def reply(self, code, body, extra=None):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def who(self, form):
        """The user name, "" for anonymous, None for wrong credentials."""
        users = self.server.users
        header = self.headers.get("Authorization", "")
        if header.lower().startswith("basic "):
            try:
                user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return None
        elif form.get("grant_type", [""])[0] == "password":
            user, password = form.get("username", [""])[0], form.get("password", [""])[0]
        else:
            return ""
        return user if users.get(user) == password else None

    def grant(self, user, scopes):
        access = []
        for s in scopes:
            for one in s.split(" "):
                res = parse_scope(one)
                if not res:
                    continue
                if user:
                    allowed = res["actions"]
                elif self.server.opts.anonymous == "pull":
                    allowed = [a for a in res["actions"] if a == "pull"]
                else:
                    allowed = []
                if allowed:
                    res["actions"] = allowed
                    access.append(res)
        return access

    def token(self, user, access, service):
        o = self.server.opts
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.server.x5c]}
        claims = {"iss": o.issuer, "sub": user, "aud": service, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": secrets.token_hex(16),
                  "access": access}
        signing = (b64url(json.dumps(header).encode()) + "." +
                   b64url(json.dumps(claims).encode())).encode()
        return signing.decode() + "." + b64url(sign_rs256(o.key, signing))

    def answer(self, form):
        path = urllib.parse.urlsplit(self.path).path
        if path != "/token":
            self.note(f"{self.command} {path} 404")
            self.reply(404, {"errors": [{"code": "NOT_FOUND"}]})
            return
        user = self.who(form)
        scopes = form.get("scope", [])
        if user is None:
            self.note(f"{self.command} /token user=rejected scope={' '.join(scopes)}")
            self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]},
                       {"WWW-Authenticate": 'Basic realm="mdtest-token"'})
            return
        service = form.get("service", [self.server.opts.service])[0]
        access = self.grant(user, scopes)
        granted = ",".join(f"{a['name']}:{'+'.join(a['actions'])}" for a in access)
        self.note(f"{self.command} /token user={user or 'anonymous'} "
                  f"scope={' '.join(scopes)} granted={granted}")
        tok = self.token(user, access, service)
        self.reply(200, {"token": tok, "access_token": tok, "expires_in": 300,
                         "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})

    def do_GET(self):
        self.answer(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query))

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode(errors="replace")
        form = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        form.update(urllib.parse.parse_qs(body))
        self.answer(form)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log")
    p.add_argument("--users")
    p.add_argument("--anonymous", choices=["pull", "none"], default="pull")
    p.add_argument("--issuer", default="mdtest-token-server")
    p.add_argument("--service", default="mdtest-registry")
    opts = p.parse_args()
    return serve(Handler, opts.port, opts.port_file, opts=opts,
                 users=read_users(opts.users), x5c=cert_der_b64(opts.cert))


if __name__ == "__main__":
    sys.exit(main())
