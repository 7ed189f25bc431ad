#!/usr/bin/env python3
"""webhook_receiver.py MODE LOG [PEM]: a loopback HTTP server for the notify
tests (HTTPS with the certificate and key in PEM). Prints "listening on PORT" (port chosen by the kernel), then appends
one JSON line per request to LOG: {"method", "path", "content_type",
"body"}. MODE: "ok" answers 200, "fail" answers 500, "slow" waits 30 s."""
import http.server
import json
import sys
import time

MODE, LOG = sys.argv[1], sys.argv[2]
PEM = sys.argv[3] if len(sys.argv) > 3 else None


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace")
        with open(LOG, "a") as f:
            f.write(json.dumps({"method": "POST", "path": self.path,
                                "content_type": self.headers.get("Content-Type"),
                                "body": body}) + "\n")
        if MODE == "slow":
            time.sleep(30)
        code = 200 if MODE == "ok" else 500
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
if PEM:
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(PEM)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print(f"listening on {srv.server_address[1]}", flush=True)
srv.serve_forever()
