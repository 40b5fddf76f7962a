"""A stand-in for the national hubs, which are not reachable from here: the NBC portal's
OAuth2 token endpoint and gateway, and an EPCIS 2.0 capture interface. It accepts, refuses or
fails on demand, shows what it received, and counts each idempotency key once.

    python -m txng.national.emulator --port 8765

Control (JSON POST to /_control): {"mode": "accept" | "refuse" | "fail", "delay": seconds,
"fail_next": n, "expire_tokens": true, "reset": true}. GET /_received gives what arrived as
JSON; GET / shows it as a page. Standard library only: it runs without Django."""

import argparse
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CLIENT_ID = "txng-demo"
CLIENT_SECRET = "txng-demo-secret"  # noqa: S105 - the emulator's own, documented test secret


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.mode = "accept"
        self.delay = 0.0
        self.fail_next = 0
        self.tokens = {}
        self.token_requests = 0
        self.deliveries = {}  # idempotency key -> {"path", "body", "times", "answer"}
        self.order = []
        self.jobs = {}
        self.token_lifetime = 3600
        self.jobs_running = False
        self.in_flight = 0  # recorded, not yet answered: a sender killed now must resend


STATE = State()


class Handler(BaseHTTPRequestHandler):
    server_version = "txng-hub-emulator"

    def log_message(self, *args):  # quiet: tests read /_received instead
        pass

    def _json(self, status, data, headers=None):
        body = json.dumps(data, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _authorised(self):
        auth = self.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        with STATE.lock:
            expires = STATE.tokens.get(token)
        return expires is not None and expires > time.time()

    def do_GET(self):  # noqa: N802 - http.server's name
        if self.path == "/_received":
            with STATE.lock:
                return self._json(
                    200,
                    {
                        "deliveries": [{"key": k, **STATE.deliveries[k]} for k in STATE.order],
                        "token_requests": STATE.token_requests,
                        "mode": STATE.mode,
                        "in_flight": STATE.in_flight,
                    },
                )
        if self.path.startswith("/epcis/capture/"):
            if not self._authorised():
                return self._json(401, {"error": "unauthorized"})
            job = STATE.jobs.get(self.path.rsplit("/", 1)[-1])
            if job is None:
                return self._json(404, {"error": "no such capture job"})
            return self._json(200, job)
        if self.path == "/":
            return self._page()
        return self._json(404, {"error": "not found"})

    def _page(self):
        with STATE.lock:
            rows = "".join(
                f"<tr><td>{html.escape(k)}</td><td>{html.escape(STATE.deliveries[k]['path'])}</td>"
                f"<td>{STATE.deliveries[k]['times']}</td><td><pre>"
                f"{html.escape(json.dumps(STATE.deliveries[k]['body'], ensure_ascii=False)[:400])}"
                "</pre></td></tr>"
                for k in reversed(STATE.order[-200:])
            )
            mode = STATE.mode
        body = (
            "<!doctype html><meta charset=utf-8><title>Hub emulator</title>"
            f"<h1>Hub emulator — mode: {html.escape(mode)}</h1><table border=1>"
            "<tr><th>Idempotency-Key</th><th>Path</th><th>Times seen</th><th>Body</th></tr>"
            f"{rows}</table>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):  # noqa: N802
        raw = self._body()
        if self.path == "/_control":
            return self._control(json.loads(raw or b"{}"))
        if self.path == "/oauth/token":
            return self._token(raw)
        if not (self.path.startswith("/nbc/") or self.path == "/epcis/capture"):
            return self._json(404, {"error": "not found"})
        if not self._authorised():
            return self._json(401, {"error": "unauthorized", "debugMessage": "token expired"})
        with STATE.lock:
            delay, mode = STATE.delay, STATE.mode
            if STATE.fail_next > 0:
                STATE.fail_next -= 1
                mode = "fail"
        if mode == "fail":
            time.sleep(delay)
            return self._json(503, {"error": "ERR_SYS_DEV", "debugMessage": "hub unavailable"})
        if mode == "refuse":
            return self._json(
                400,
                {"error": "ERR_VALIDATION", "debugMessage": "GTIN CheckDigit không hợp lệ"},
            )
        key = self.headers.get("Idempotency-Key", "")
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self._json(400, {"error": "ERR_JSON", "debugMessage": "not JSON"})
        with STATE.lock:
            # Recorded before answering: a sender killed while waiting for the answer resends
            # the same key, which is recognised and not counted again.
            seen = STATE.deliveries.get(key)
            if seen is None:
                answer = {"id": secrets.token_hex(8)}
                seen = STATE.deliveries[key] = {
                    "path": self.path,
                    "body": body,
                    "times": 1,
                    "answer": answer,
                }
                STATE.order.append(key)
                if self.path == "/epcis/capture":
                    STATE.jobs[answer["id"]] = {
                        "captureID": answer["id"],
                        "running": STATE.jobs_running,
                        "success": True,
                        "errors": [],
                    }
            else:
                seen["times"] += 1
            STATE.in_flight += 1
        try:
            time.sleep(delay)
        finally:
            with STATE.lock:
                STATE.in_flight -= 1
        if self.path == "/epcis/capture":
            return self._json(
                202, {}, headers={"Location": f"/epcis/capture/{seen['answer']['id']}"}
            )
        return self._json(200, seen["answer"])

    def _token(self, raw):
        from urllib.parse import parse_qs

        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        with STATE.lock:
            STATE.token_requests += 1
            if form.get("grant_type") != "client_credentials" or (
                form.get("client_id"),
                form.get("client_secret"),
            ) != (CLIENT_ID, CLIENT_SECRET):
                return self._json(401, {"error": "invalid_client"})
            token = secrets.token_urlsafe(16)
            STATE.tokens[token] = time.time() + STATE.token_lifetime
            lifetime = STATE.token_lifetime
        return self._json(
            200, {"access_token": token, "token_type": "Bearer", "expires_in": lifetime}
        )

    def _control(self, data):
        with STATE.lock:
            if data.get("reset"):
                STATE.reset()
            if "mode" in data:
                STATE.mode = data["mode"]
            if "delay" in data:
                STATE.delay = float(data["delay"])
            if "fail_next" in data:
                STATE.fail_next = int(data["fail_next"])
            if "token_lifetime" in data:
                STATE.token_lifetime = int(data["token_lifetime"])
            if data.get("expire_tokens"):
                STATE.tokens = dict.fromkeys(STATE.tokens, 0)
            # A job still running until told otherwise: for the "sent, not yet accepted" state.
            if "jobs_running" in data:
                STATE.jobs_running = bool(data["jobs_running"])
                for job in STATE.jobs.values():
                    job["running"] = bool(data["jobs_running"])
            mode = STATE.mode
        return self._json(200, {"mode": mode})


def serve(host="127.0.0.1", port=8765):
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Loopback by default: it has no real security and should not be reachable from outside.
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    server = serve(args.host, args.port)
    print(f"Hub emulator on http://{args.host}:{server.server_port}/", flush=True)  # noqa: T201
    server.serve_forever()


if __name__ == "__main__":
    main()
