"""Blackbox: the HTTP API's transport with curl against the real smtp-receiver binary
(contract.md, "HTTP API"): the readiness line, the Host check, CORS, Basic auth, the Date field,
and the --http flags' usage errors."""

import base64
import json
import os
import re
import smtplib
import socket
import sys
import time
import urllib.request
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

IMF_FIXDATE = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|"
                         r"Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT$")


def read_until_closed(sock):
    """Everything the server sends until it closes the connection."""
    answer = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return answer
        answer += chunk

class HttpTest(harness.ServerTestCase):

    def setUp(self):
        harness.require_tool("curl")
        self.database = os.path.join(self.make_tempdir(), "messages.sqlite")

    def start_http(self, *args):
        server = self.start_server("--http", "127.0.0.1:0", "--database", self.database, *args)
        self.assertIn("http", server.ready, server.ready)
        host, port = harness.split_address(server.ready["http"])
        self.assertEqual(host, "127.0.0.1")
        self.assertNotEqual(port, 0)
        server.http_port = port
        return server

    def curl(self, server, path, *args):
        """(status, {lowercase name: value}, body) of one request; redirects are not followed."""
        result = harness.run_tool(
            ["curl", "--silent", "--show-error", "--max-time", "10", "--dump-header", "-",
             "--output", os.path.join(self.make_tempdir(), "body"),
             "http://127.0.0.1:%d%s" % (server.http_port, path)] + list(args), timeout=15)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))
        head = result.stdout.decode("latin-1").split("\r\n\r\n")[0]
        lines = head.split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body_path = [a for a in result.args if a.endswith("body")][0]
        with open(body_path, "rb") as f:
            body = f.read()
        return status, headers, body

    def test_readiness_line(self):
        server = self.start_http()
        self.assertEqual(list(server.ready.keys()), ["event", "smtp", "http", "listeners"],
                         server.ready)
        self.assertRegex(server.ready["smtp"], r"^127\.0\.0\.1:\d+$")
        self.assertRegex(server.ready["http"], r"^127\.0\.0\.1:\d+$")
        self.assertNotEqual(server.ready["smtp"], server.ready["http"])

    def test_human_readiness_line_names_the_api(self):
        server = self.start_server("--http", "127.0.0.1:0", "--database", self.database,
                                   json_output=False)
        self.assertIn("HTTP API on http://127.0.0.1:", server.ready)

    def test_foreign_host_is_forbidden(self):
        server = self.start_http()
        status, headers, body = self.curl(server, "/api/v1/messages",
                                          "--header", "Host: attacker.example")
        self.assertEqual(status, 403)
        self.assertEqual(body, b"Forbidden: unknown Host (name it with --http-allowed-host)")
        self.assertEqual(headers.get("x-content-type-options"), "nosniff")
        status, _, _ = self.curl(server, "/api/v1/messages", "--header", "Host: localhost:8025")
        self.assertEqual(status, 200)

    def test_no_host_or_a_foreign_target_is_forbidden(self):
        # An HTTP/1.0 request without Host names no server; a target in absolute form names its
        # own, whatever Host says (RFC 7230 5.4).
        server = self.start_http()
        status, _, body = self.curl(server, "/api/v1/info", "--http1.0", "--header", "Host:")
        self.assertEqual((status, body), (403, b"Forbidden: unknown Host (name it with --http-allowed-host)"))
        status, _, body = self.curl(server, "/api/v1/info",
                                    "--request-target", "http://evil.test/api/v1/info")
        self.assertEqual((status, body), (403, b"Forbidden: unknown Host (name it with --http-allowed-host)"))
        status, _, _ = self.curl(server, "/api/v1/info",
                                 "--request-target", "http://localhost:8025/api/v1/info")
        self.assertEqual(status, 200)

    def test_allowed_host(self):
        server = self.start_http("--http-allowed-host", "mail.example.test")
        status, _, _ = self.curl(server, "/livez", "--header", "Host: mail.example.test:8025")
        self.assertEqual(status, 200)
        status, _, _ = self.curl(server, "/livez", "--header", "Host: other.example.test")
        self.assertEqual(status, 403)

    def test_no_cors_headers_by_default(self):
        server = self.start_http()
        _, headers, _ = self.curl(server, "/api/v1/messages",
                                  "--header", "Origin: http://app.example.test")
        self.assertFalse([h for h in headers if h.startswith("access-control-")], headers)

    def test_cors_origin(self):
        server = self.start_http("--http-cors", "http://app.example.test:3000")
        _, headers, _ = self.curl(server, "/api/v1/messages",
                                  "--header", "Origin: http://app.example.test:3000")
        self.assertEqual(headers.get("access-control-allow-origin"),
                         "http://app.example.test:3000")
        status, headers, _ = self.curl(server, "/api/v1/messages", "--request", "OPTIONS",
                                       "--header", "Origin: http://app.example.test:3000",
                                       "--header", "Access-Control-Request-Method: DELETE")
        self.assertEqual(status, 200)
        self.assertIn("DELETE", headers.get("access-control-allow-methods", ""))

    def events_upgrade_head(self, server, origin=None):
        """{lowercase name: value} of the 101 that upgrades /api/events (a handshake by hand)."""
        ws = socket.create_connection(("127.0.0.1", server.http_port), timeout=10)
        self.addCleanup(ws.close)
        ws.sendall(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                    "Sec-WebSocket-Version: 13\r\n%s\r\n"
                    % (server.http_port, base64.b64encode(os.urandom(16)).decode(),
                       "Origin: %s\r\n" % origin if origin else "")).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = ws.recv(1)
            self.assertTrue(chunk, head)
            head += chunk
        lines = head.decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
        self.assertIn(" 101 ", lines[0], head)
        return {name.strip().lower(): value.strip()
                for name, _, value in (line.partition(":") for line in lines[1:])}

    def test_no_cors_headers_on_the_events_upgrade_by_default(self):
        server = self.start_http()
        for origin in (None, "http://127.0.0.1:%d" % server.http_port):
            headers = self.events_upgrade_head(server, origin)
            self.assertFalse([h for h in headers if h.startswith("access-control-")], headers)

    def test_cors_origin_on_the_events_upgrade(self):
        # The configured origin, as on every answer; never the request's Origin or "*".
        server = self.start_http("--http-cors", "http://app.example.test:3000")
        for origin in (None, "http://app.example.test:3000",
                       "http://127.0.0.1:%d" % server.http_port):
            headers = self.events_upgrade_head(server, origin)
            self.assertEqual({h: v for h, v in headers.items() if h.startswith("access-control-")},
                             {"access-control-allow-origin": "http://app.example.test:3000"},
                             headers)
            self.assertEqual(headers.get("vary"), "Origin")

    def test_events_from_another_local_page_are_forbidden(self):
        # A page of another dev server on this machine is as foreign as any other site.
        server = self.start_http()
        ws = socket.create_connection(("127.0.0.1", server.http_port), timeout=10)
        self.addCleanup(ws.close)
        ws.sendall(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                    "Sec-WebSocket-Version: 13\r\nOrigin: http://localhost:5173\r\n\r\n"
                    % (server.http_port, base64.b64encode(os.urandom(16)).decode())).encode())
        answer = read_until_closed(ws)
        self.assertTrue(answer.startswith(b"HTTP/1.1 403 "), answer)
        self.assertTrue(answer.endswith(b"\r\n\r\nForbidden: unknown Origin"), answer)

    def test_a_foreign_page_cannot_send_or_delete(self):
        # What fetch(url, {mode: "no-cors", method: "POST", body: JSON}) from another site sends:
        # text/plain, no preflight. Refused before anything happens; curl's own requests (no
        # Origin) go through, form-encoded type and all.
        server = self.start_http()
        mail = json.dumps({"From": {"Email": "ann@example.test"},
                           "To": [{"Email": "bob@example.test"}], "Subject": "sent", "Text": "x"})
        status, _, body = self.curl(server, "/api/v1/send", "--data-binary", mail,
                                    "--header", "Origin: http://evil.test",
                                    "--header", "Sec-Fetch-Site: cross-site",
                                    "--header", "Content-Type: text/plain;charset=UTF-8")
        self.assertEqual((status, body), (403, b"Forbidden: unknown Origin"))
        status, _, body = self.curl(server, "/api/v1/send", "--data-binary", mail,
                                    "--header", "Sec-Fetch-Site: same-site")
        self.assertEqual((status, body), (403, b"Forbidden: unknown Origin"))
        status, _, body = self.curl(server, "/api/v1/messages", "--request", "DELETE",
                                    "--header", "Origin: null")
        self.assertEqual((status, body), (403, b"Forbidden: unknown Origin"))
        status, _, body = self.curl(server, "/api/v1/info")
        self.assertEqual(json.loads(body)["Messages"], 0)
        status, _, _ = self.curl(server, "/api/v1/send", "--data", mail)
        self.assertEqual(status, 200)
        status, _, _ = self.curl(server, "/api/v1/send", "--data", mail, "--header",
                                 "Origin: http://127.0.0.1:%d" % server.http_port)
        self.assertEqual(status, 200)
        status, _, body = self.curl(server, "/api/v1/info")
        self.assertEqual(json.loads(body)["Messages"], 2)

    def test_cors_any_origin_needs_auth(self):
        server = self.start_http("--http-cors", "*", "--http-auth", "ci:pw")
        _, headers, _ = self.curl(server, "/api/v1/messages", "--user", "ci:pw",
                                  "--header", "Origin: http://app.example.test")
        self.assertEqual(headers.get("access-control-allow-origin"), "*")

    def test_basic_auth(self):
        server = self.start_http("--http-auth", "alice:s3cret", "--http-auth", "bob:pw")
        status, headers, _ = self.curl(server, "/api/v1/messages")
        self.assertEqual(status, 401)
        self.assertEqual(headers.get("www-authenticate"), 'Basic realm="smtp-receiver"')
        status, _, _ = self.curl(server, "/api/v1/messages", "--user", "alice:wrong")
        self.assertEqual(status, 401)
        for user in ("alice:s3cret", "bob:pw"):
            status, _, _ = self.curl(server, "/api/v1/messages", "--user", user)
            self.assertEqual(status, 200, user)
        # The probes need no credentials.
        status, _, _ = self.curl(server, "/livez")
        self.assertEqual(status, 200)

    def test_date_header(self):
        server = self.start_http()
        status, headers, body = self.curl(server, "/livez")
        self.assertEqual((status, body), (200, b""))
        self.assertRegex(headers.get("date", ""), IMF_FIXDATE)
        self.assertEqual(headers.get("cache-control"), "no-store")

    def test_events_websocket_gets_new_frame_for_smtp_mail(self):
        # What mailpit-ws and a browser tab see: a "new" frame with the MessageSummary of mail
        # that arrived over SMTP, on /api/events (an RFC 6455 handshake made by hand).
        server = self.start_http()
        ws = socket.create_connection(("127.0.0.1", server.http_port), timeout=10)
        self.addCleanup(ws.close)
        key = base64.b64encode(os.urandom(16)).decode()
        ws.sendall(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                    "Sec-WebSocket-Version: 13\r\n\r\n" % (server.http_port, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = ws.recv(1)
            self.assertTrue(chunk, head)
            head += chunk
        self.assertIn(b" 101 ", head.split(b"\r\n")[0], head)

        host, port = harness.split_address(server.ready["smtp"])
        with smtplib.SMTP(host, port, timeout=10) as client:
            client.sendmail("ann@example.test", ["bob@example.test"],
                            b"From: Ann <ann@example.test>\r\nTo: bob@example.test\r\n"
                            b"Subject: live frame\r\n\r\nhello\r\n")

        def read_exact(n):
            data = b""
            while len(data) < n:
                chunk = ws.recv(n - len(data))
                self.assertTrue(chunk, "the WebSocket closed")
                data += chunk
            return data

        while True:  # frames until the "new" one (a "stats" frame may come first)
            first, second = read_exact(2)
            length = second & 0x7F
            if length == 126:
                length = int.from_bytes(read_exact(2), "big")
            elif length == 127:
                length = int.from_bytes(read_exact(8), "big")
            payload = read_exact(length)
            if first & 0x0F != 1:
                continue
            frame = json.loads(payload)
            if frame["Type"] == "new":
                break
        data = frame["Data"]
        self.assertEqual(data["Subject"], "live frame")
        self.assertEqual(data["From"], {"Name": "Ann", "Address": "ann@example.test"})
        self.assertEqual(data["To"], [{"Name": "", "Address": "bob@example.test"}])
        self.assertFalse(data["Read"])
        status, _, body = self.curl(server, "/api/v1/message/%s/raw" % data["ID"])
        self.assertEqual(status, 200)
        self.assertIn(b"Subject: live frame", body)

    def test_paging_as_pytest_mailpit_does(self):
        # pytest-mailpit pages with start += len(messages) until start >= messages_count, follows
        # no redirects and parses Created with datetime.fromisoformat.
        server = self.start_http()
        host, port = harness.split_address(server.ready["smtp"])
        with smtplib.SMTP(host, port, timeout=10) as client:
            for i in range(7):
                client.sendmail("ann@example.test", ["bob@example.test"],
                                b"Subject: page %d\r\n\r\nbody\r\n" % i)
        base = "http://127.0.0.1:%d" % server.http_port

        def get(path):
            with urllib.request.urlopen(base + path, timeout=10) as answer:
                self.assertEqual(answer.status, 200)
                self.assertEqual(answer.headers.get_content_type(), "application/json")
                return json.load(answer)

        # Search finds mail once the background indexer has passed it: poll, as clients do.
        deadline = time.monotonic() + 20
        while get("/api/v1/search?query=subject%3Apage")["messages_count"] < 7:
            self.assertLess(time.monotonic(), deadline, "the indexer never caught up")
            time.sleep(0.05)
        seen, start = [], 0
        while True:
            page = get("/api/v1/search?query=subject%%3Apage&start=%d&limit=3" % start)
            self.assertEqual(page["messages_count"], 7)
            self.assertEqual(page["start"], start)
            seen += page["messages"]
            start += len(page["messages"])
            if start >= page["messages_count"] or not page["messages"]:
                break
        self.assertEqual([m["Subject"] for m in seen], ["page %d" % i for i in range(6, -1, -1)])
        self.assertEqual(len({m["ID"] for m in seen}), 7)
        created = [datetime.fromisoformat(m["Created"]) for m in seen]
        self.assertEqual(created, sorted(created, reverse=True))
        listing = get("/api/v1/messages?limit=50")
        self.assertEqual((listing["total"], listing["messages_count"], listing["unread"]), (7, 7, 7))

    def test_unknown_path_and_bad_request(self):
        server = self.start_http()
        status, _, _ = self.curl(server, "/no/such/route")
        self.assertEqual(status, 404)
        # Bad syntax: 400 with one line of text, then the connection is closed.
        with socket.create_connection(("127.0.0.1", server.http_port), timeout=5) as s:
            s.sendall(b"GET /api/v1/messages HTTP/1.1\r\n\r\n")  # no Host
            answer = read_until_closed(s)
        head, _, body = answer.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 400 "), answer)
        self.assertEqual(len(body.splitlines()), 1, answer)

class HttpUsageTest(harness.ServerTestCase):
    """Bad --http values: one line on stderr naming the flag, exit 2, no stdout."""

    def assertUsageError(self, args, mention):
        result = harness.run_usage(["--no-gui", "--smtp", "127.0.0.1:0"] + list(args))
        stderr = result.stderr.decode("utf-8", "replace")
        self.assertEqual(result.returncode, 2, "args %r: stderr=%r" % (args, stderr))
        self.assertEqual(result.stdout, b"", "args %r printed on stdout" % (args,))
        self.assertEqual(len(stderr.splitlines()), 1, "args %r: stderr=%r" % (args, stderr))
        self.assertIn(mention, stderr, "args %r: stderr=%r" % (args, stderr))

    def test_bad_values(self):
        self.assertUsageError(["--http", "nonsense"], "--http")
        self.assertUsageError(["--http", "127.0.0.1:99999"], "--http")
        self.assertUsageError(["--http", "::1:8025"], "--http")
        self.assertUsageError(["--http", "no.such.address:0"], "--http")
        self.assertUsageError(["--http", "127.0.0.1:0", "--http-auth", "nocolon"], "--http-auth")
        self.assertUsageError(["--http", "127.0.0.1:0", "--http-auth", ":pw"], "--http-auth")
        self.assertUsageError(["--http", "127.0.0.1:0", "--http-cors", "app.example.test"],
                              "--http-cors")
        self.assertUsageError(["--http", "127.0.0.1:0", "--http-cors", "http://a.test/path"],
                              "--http-cors")
        self.assertUsageError(["--http", "127.0.0.1:0", "--http-allowed-host", "a.test:80"],
                              "--http-allowed-host")
        # Every web page could read all mail.
        self.assertUsageError(["--http", "127.0.0.1:0", "--http-cors", "*"], "--http-auth")

    def test_companions_need_http(self):
        self.assertUsageError(["--http-auth", "u:p"], "--http-auth")
        self.assertUsageError(["--http-allowed-host", "a.test"], "--http-allowed-host")
        self.assertUsageError(["--http-cors", "http://a.test"], "--http-cors")

    def test_port_in_use(self):
        server = self.start_server("--http", "127.0.0.1:0", "--database", ":memory:")
        busy = server.ready["http"]
        self.assertUsageError(["--http", busy, "--database", ":memory:"], "--http")


if __name__ == "__main__":
    harness.main()
