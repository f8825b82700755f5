"""Blackbox: the command line, signals, and raw-socket checks of the SMTP promises (contract.md)."""

import base64
import json
import os
import resource
import shutil
import signal
import socket
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class UsageErrorTest(harness.ServerTestCase):
    """Bad flags or unreadable files: one line on stderr naming the problem, exit 2, no stdout."""

    def assertUsageError(self, args, mention=None, no_gui=True):
        result = harness.run_usage((["--no-gui"] if no_gui else []) + list(args))
        stderr = result.stderr.decode("utf-8", "replace")
        self.assertEqual(result.returncode, 2, "args %r: stderr=%r" % (args, stderr))
        self.assertEqual(result.stdout, b"", "args %r printed on stdout" % (args,))
        self.assertTrue(stderr.endswith("\n"), "args %r: stderr=%r" % (args, stderr))
        self.assertEqual(len(stderr.splitlines()), 1, "args %r: stderr=%r" % (args, stderr))
        if mention is not None:
            self.assertIn(mention, stderr, "args %r: the error does not name the problem"
                          % (args,))
        return stderr

    def write(self, name, content):
        path = os.path.join(self.make_tempdir(), name)
        with open(path, "wb" if isinstance(content, bytes) else "w") as f:
            f.write(content)
        return path

    def test_unknown_flag(self):
        self.assertUsageError(["--bogus-flag"], "bogus-flag")
        self.assertUsageError(["--json", "--bogus-flag"], "bogus-flag")

    def test_bad_listen_address(self):
        self.assertUsageError(["--smtp", "nonsense"], "nonsense")
        self.assertUsageError(["--smtp", "127.0.0.1:99999"], "99999")
        self.assertUsageError(["--smtp", "127.0.0.1:0", "--smtps", "nowhere:x"] + harness.tls_args(),
                              "nowhere:x")

    def test_bad_numbers(self):
        self.assertUsageError(["--max-message-size", "lots"], "lots")
        self.assertUsageError(["--idle-timeout", "0"], "--idle-timeout")
        self.assertUsageError(["--max-connections", "-1"], "--max-connections")

    def test_tls_files(self):
        cert, key = harness.make_cert()
        missing = os.path.join(self.make_tempdir(), "missing.pem")
        directory = self.make_tempdir()
        garbage = self.write("garbage.pem", b"this is not PEM\n")
        base = ["--smtp", "127.0.0.1:0"]
        with self.subTest("missing cert"):
            self.assertUsageError(base + ["--tls-cert", missing, "--tls-key", key], missing)
        with self.subTest("cert is a directory"):
            self.assertUsageError(base + ["--tls-cert", directory, "--tls-key", key], directory)
        with self.subTest("cert not PEM"):
            self.assertUsageError(base + ["--tls-cert", garbage, "--tls-key", key], garbage)
        with self.subTest("missing key"):
            self.assertUsageError(base + ["--tls-cert", cert, "--tls-key", missing], missing)
        with self.subTest("key not PEM"):
            self.assertUsageError(base + ["--tls-cert", cert, "--tls-key", garbage], garbage)
        with self.subTest("cert without key"):
            self.assertUsageError(base + ["--tls-cert", cert], "--tls-key")
        with self.subTest("key without cert"):
            self.assertUsageError(base + ["--tls-key", key], "--tls-cert")
        with self.subTest("smtps without cert"):
            self.assertUsageError(base + ["--smtps", "127.0.0.1:0"], "--smtps")

    def test_rules_files(self):
        base = ["--smtp", "127.0.0.1:0"]
        missing = os.path.join(self.make_tempdir(), "missing.json")
        with self.subTest("missing"):
            self.assertUsageError(base + ["--rules", missing], "rules")
        with self.subTest("not JSON"):
            self.assertUsageError(base + ["--rules", self.write("bad.json", "{ not json")],
                                  "rules")
        with self.subTest("invalid regex"):
            rules = {"rules": [{"match": "/([unclosed/", "action": "reject"}]}
            self.assertUsageError(base + ["--rules", self.write("re.json", json.dumps(rules))],
                                  "rules")
        with self.subTest("rewrite to a fixed non-mailbox"):
            # It would refuse every recipient it matches with 553: refused at start instead.
            rules = {"rules": [{"match": "*@old.test", "action": "rewrite", "to": "catchall"}]}
            stderr = self.assertUsageError(
                base + ["--rules", self.write("fixed.json", json.dumps(rules))], "rules")
            self.assertIn('rule 1 ("*@old.test"): "to" rewrites every address it matches to '
                          '"catchall", which is not a mailbox', stderr)

    def test_list_never_creates_a_store(self):
        missing = os.path.join(self.make_tempdir(), "typo", "messages.sqlite")
        self.assertUsageError(["--list", "--database", missing], missing)
        self.assertUsageError(["--list", "--json", "--database", missing], missing)
        self.assertFalse(os.path.exists(os.path.dirname(missing)), "--list created a directory")

    def test_list_without_a_default_store(self):
        # Nothing was ever stored at the default place: nothing to list, and nothing created.
        result = harness.run_usage(["--list", "--json"])
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, b"", b""))

    def test_auth_without_colon(self):
        self.assertUsageError(["--auth", "nocolon"], "nocolon")

    def test_port_in_use(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            with self.subTest("smtp"):
                self.assertUsageError(["--smtp", "127.0.0.1:%d" % port], str(port))
            with self.subTest("smtps"):
                self.assertUsageError(["--smtp", "127.0.0.1:0", "--smtps", "127.0.0.1:%d" % port]
                                      + harness.tls_args(), str(port))

    def test_maildir_under_a_file(self):
        blocker = self.write("plainfile", "x")
        self.assertUsageError(["--smtp", "127.0.0.1:0", "--maildir",
                               os.path.join(blocker, "Maildir")], blocker)

    def test_window_without_a_display(self):
        # The window cannot open without a display: one line pointing at --no-gui, exit 2.
        stderr = self.assertUsageError(["--smtp", "127.0.0.1:0"], "--no-gui", no_gui=False)
        self.assertIn("DISPLAY", stderr)
        self.assertTrue(stderr.startswith("smtp-receiver"), stderr)

    def test_help_names_the_program(self):
        result = harness.run_usage(["--help"])
        self.assertEqual(result.returncode, 0, result.stderr)
        first = result.stdout.decode().splitlines()[0]
        self.assertEqual(first, "Usage: smtp-receiver [options]")
        self.assertIn("--no-gui", result.stdout.decode())


class LifecycleTest(harness.ServerTestCase):

    def test_signals_exit_zero(self):
        for number in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(signal=number):
                server = harness.Server()
                try:
                    client = self.raw(server.port)
                    client.expect(220)
                    client.expect(250, "EHLO sig.test")
                    client.expect(250, "MAIL FROM:<a@example.org>")
                    start = time.monotonic()
                    server.send_signal(number)
                    r = client.reply()
                    self.assertEqual((r.code, r.enhanced), (421, "4.3.2"), r)
                    client.assert_closed()
                    self.assertEqual(server.wait_exit(), 0, server.stderr_text())
                    self.assertLess(time.monotonic() - start, 3.0)
                finally:
                    server.kill()

    def test_signal_when_idle(self):
        for number in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(signal=number):
                server = harness.Server()
                try:
                    server.stop(number)
                finally:
                    server.kill()

    def test_human_readiness_line(self):
        server = self.start_server(json_output=False)
        self.assertIn("listening on 127.0.0.1:%d" % server.port, server.ready)
        client = self.raw(server.port)
        client.expect(220)
        client.expect(221, "QUIT")

    def test_ipv6_listener(self):
        server = self.start_server(smtp="[::1]:0")
        self.assertRegex(server.ready["smtp"], r"^\[::1\]:\d+$")
        self.assertEqual(server.host, "::1")
        with harness.RawSmtp(server.port, host="::1") as client:
            client.expect(220)
            client.expect(250, "EHLO v6.test")
            client.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n")
            for code in (250, 250, 354):
                client.expect(code)
            client.send(b"Subject: v6\r\n\r\nx\r\n.\r\n")
            client.expect(250)
        event = server.next_message()
        self.assertEqual(event["remoteAddress"], "::1", event)
        self.assertEqual(event["subject"], "v6", event)

    def test_hostname(self):
        server = self.start_server("--hostname", "catcher.test")
        client = self.raw(server.port)
        greeting = client.expect(220)
        self.assertTrue(greeting.lines[0].startswith("catcher.test "), greeting)
        ehlo = client.expect(250, "EHLO client.test")
        self.assertTrue(ehlo.lines[0].startswith("catcher.test"), ehlo)


class RawSmtpTest(harness.ServerTestCase):
    """The RFC promises of contract.md that are easiest to check with a bare socket."""

    def session(self, server, ehlo=True):
        start = time.monotonic()
        client = self.raw(server.port)
        client.expect(220)
        # no reverse DNS, no greeting delay
        self.assertLess(time.monotonic() - start, 1.0, "slow greeting")
        if ehlo:
            client.expect(250, "EHLO raw.test")
        return client

    def assertEnhanced(self, reply):
        """RFC 2034: an enhanced code whose class matches the reply code."""
        self.assertIsNotNone(reply.enhanced, reply)
        self.assertEqual(reply.enhanced[0], str(reply.code)[0], reply)

    def send_message(self, client, wire_body, mail="<a@example.org>", rcpt="<b@example.net>"):
        client.send("MAIL FROM:%s\r\nRCPT TO:%s\r\nDATA\r\n" % (mail, rcpt))
        client.expect(250)
        client.expect(250)
        client.expect(354)
        client.send(wire_body)
        return client.reply()

    def test_command_sequence_and_enhanced_codes(self):
        server = self.start_server()
        client = self.session(server, ehlo=False)
        expected = [
            ("MAIL FROM:<early@example.org>", 250),  # MAIL before HELO: lenient
            ("RSET", 250),
            ("HELO", 501),                           # HELO without a name
            ("EHLO first.test", 250),
            ("MAIL FROM:<a@example.org>", 250),
            ("RCPT TO:<b@example.net>", 250),
            ("EHLO second.test", 250),               # a second EHLO resets the transaction
            ("DATA", 503),
            ("RCPT TO:<b@example.net>", 503),        # RCPT before MAIL
            ("MAIL <a@example.org>", 501),           # MAIL without FROM:
            ("MAIL FROM:<a@example.org>", 250),
            ("MAIL FROM:<a@example.org>", 503),      # nested MAIL
            ("RCPT <b@example.net>", 501),           # RCPT without TO:
            ("DATA", 503),                           # DATA before RCPT
            ("RCPT TO:<b@example.net>", 250),
            ("DATA now", 501),                       # DATA with an argument
            ("RSET everything", 501),                # RSET with an argument
            ("NOOP whatever you like", 250),         # NOOP ignores its argument
            ("FROB", 500),                           # unknown command
            ("HELP", 214),
            ("VRFY b@example.net", 252),
            ("RSET", 250),
        ]
        for line, code in expected:
            with self.subTest(line=line):
                r = client.cmd(line)
                self.assertEqual(r.code, code, "%r -> %r" % (line, r))
                if not line.startswith(("HELO ", "EHLO ")) or code != 250:
                    self.assertEnhanced(r)
        r = client.cmd("QUIT")
        self.assertEqual(r.code, 221)
        self.assertEnhanced(r)
        client.assert_closed()
        server.assert_no_event()

    def test_ehlo_keywords(self):
        server = self.start_server("--max-message-size", "12345", "--auth-accept-any",
                                   *harness.tls_args())
        client = self.session(server, ehlo=False)
        keywords = [line.upper() for line in client.expect(250, "EHLO raw.test").lines[1:]]
        for keyword in ("PIPELINING", "SIZE 12345", "8BITMIME", "SMTPUTF8",
                        "ENHANCEDSTATUSCODES", "CHUNKING", "STARTTLS"):
            self.assertIn(keyword, keywords)
        auth = [k for k in keywords if k.startswith("AUTH ")]
        self.assertEqual(len(auth), 1, keywords)
        self.assertEqual(set(auth[0].split()[1:]), {"PLAIN", "LOGIN", "CRAM-MD5"})

    def test_command_line_length(self):
        server = self.start_server()
        client = self.session(server)
        exactly = "NOOP " + "x" * (1000 - 7)  # 1000 octets with CRLF: accepted
        self.assertEqual(len(exactly) + 2, 1000)
        self.assertEqual(client.cmd(exactly).code, 250)
        for length in (1001, 5000, 100000):
            with self.subTest(length=length):
                client.send(b"NOOP " + b"x" * (length - 7) + b"\r\nNOOP\r\n")
                r = client.reply()
                self.assertEqual(r.code, 500, r)
                self.assertEnhanced(r)
                self.assertEqual(client.reply().code, 250)  # the NOOP behind it
                client.assert_silent()                      # exactly one 500
        # the session is still fully usable
        r = self.send_message(client, b"Subject: after long lines\r\n\r\nok\r\n.\r\n")
        self.assertEqual(r.code, 250, r)
        self.assertMessageEvent(server.next_message(), subject="after long lines")

    def test_auth_line_length(self):
        server = self.start_server("--auth-accept-any")
        client = self.session(server)
        # RFC 4954: AUTH lines up to 12288 octets. "AUTH PLAIN " + base64 + CRLF = 12288.
        raw_len = (12288 - len("AUTH PLAIN ") - 2) // 4 * 3
        token = base64.b64encode(b"\0user\0" + b"p" * (raw_len - 6)).decode()
        line = "AUTH PLAIN " + token
        self.assertLessEqual(len(line) + 2, 12288)
        self.assertGreater(len(line) + 2, 12280)
        r = client.cmd(line)
        self.assertEqual(r.code, 235, r)

    def test_data_lines_unlimited_and_bare_line_ends(self):
        directory = os.path.join(self.make_tempdir(), "md")
        server = self.start_server("--maildir", directory)
        client = self.session(server)
        body = (b"Subject: long\r\n\r\n" + b"y" * 200000 + b"\r\n"
                b"bare LF\nbare CR\rmixed\n\r\nend\r\n")
        r = self.send_message(client, body + b".\r\n")
        self.assertEqual(r.code, 250, r)
        self.assertMessageEvent(server.next_message(), size=len(body), subject="long")
        files = harness.maildir_files(directory)
        with open(files[0], "rb") as f:
            self.assertEqual(f.read(), b"Return-Path: <a@example.org>\r\n"
                                       b"Delivered-To: <b@example.net>\r\n" + body)

    def test_maildir_failure_keeps_nothing(self):
        # contract.md: a 451 after DATA means the message was not kept, in the store or the
        # Maildir, so a client that tries again makes no duplicate.
        directory = self.make_tempdir()
        maildir = os.path.join(directory, "md")
        database = os.path.join(directory, "messages.sqlite")
        server = self.start_server("--maildir", maildir, "--database", database,
                                   "--http", "127.0.0.1:0")
        shutil.rmtree(os.path.join(maildir, "tmp"))  # every Maildir write fails from now on
        client = self.session(server)
        for attempt in range(2):
            r = self.send_message(client, b"Subject: refused\r\n\r\nbody\r\n.\r\n")
            self.assertEqual((r.code, r.enhanced), (451, "4.3.0"), (attempt, r))
        os.mkdir(os.path.join(maildir, "tmp"))
        r = self.send_message(client, b"Subject: kept\r\n\r\nbody\r\n.\r\n")
        self.assertEqual(r.code, 250, r)
        # Events come in order: the first is the kept message's, none came for the refused.
        event = self.assertMessageEvent(server.next_message(), subject="kept")
        host, port = harness.split_address(server.ready["http"])
        with urllib.request.urlopen("http://%s:%d/api/v1/messages" % (host, port),
                                    timeout=harness.IO_TIMEOUT) as response:
            listed = json.load(response)
        self.assertEqual([m["ID"] for m in listed["messages"]], [str(event["id"])], listed)
        self.assertEqual(listed["total"], 1, listed)
        self.assertEqual(len(harness.maildir_files(maildir)), 1)
        server.stop()
        result = harness.run_usage(["--list", "--json", "--database", database])
        self.assertEqual(result.returncode, 0, result.stderr)
        stored = [json.loads(line) for line in result.stdout.decode().splitlines()]
        self.assertEqual([m["id"] for m in stored], [event["id"]], stored)

    def test_bdat(self):
        directory = os.path.join(self.make_tempdir(), "md")
        server = self.start_server("--maildir", directory)
        client = self.session(server)
        first = b"Subject: chunked\r\n\r\n.not stuffed\r\n"
        second = b"\r\n.\r\nstill inside\r\n"  # BDAT has no terminator: this is data
        client.expect(250, "MAIL FROM:<a@example.org>")
        client.expect(250, "RCPT TO:<b@example.net>")
        client.send(b"BDAT %d\r\n" % len(first) + first)
        r = client.reply()
        self.assertEqual(r.code, 250, r)
        client.send(b"BDAT %d LAST\r\n" % len(second) + second)
        r = client.reply()
        self.assertEqual(r.code, 250, r)
        self.assertMessageEvent(server.next_message(), size=len(first + second),
                                subject="chunked")
        with open(harness.maildir_files(directory)[0], "rb") as f:
            self.assertTrue(f.read().endswith(b"\r\n" + first + second))

    def test_too_many_recipients(self):
        server = self.start_server()
        client = self.session(server)
        client.send("MAIL FROM:<a@example.org>\r\n"
                    + "".join("RCPT TO:<r%d@example.net>\r\n" % i for i in range(1001)))
        self.assertEqual(client.reply().code, 250)
        for i in range(1000):
            r = client.reply()
            self.assertEqual(r.code, 250, "recipient %d: %r" % (i, r))
        r = client.reply()
        self.assertEqual(r.code, 452, r)
        self.assertEnhanced(r)
        self.assertEqual(client.cmd("NOOP").code, 250)

    def test_too_many_bad_commands(self):
        server = self.start_server()
        client = self.session(server)
        for i in range(19):
            r = client.cmd("BOGUS%d" % i)
            self.assertEqual(r.code, 500, r)
        self.assertEqual(client.cmd("NOOP").code, 250)  # still open after 19
        client.send("BOGUS19\r\n")
        replies = []
        while True:
            r = client.reply()
            replies.append(r)
            if r.code == 421:
                break
            self.assertEqual(r.code, 500, replies)
        self.assertEqual(r.enhanced, "4.7.0", r)
        self.assertLessEqual(len(replies), 2, replies)
        client.assert_closed()

    def test_idle_timeout(self):
        server = self.start_server("--idle-timeout", "1")
        client = self.session(server)
        start = time.monotonic()
        r = client.reply(timeout=4)
        elapsed = time.monotonic() - start
        self.assertEqual((r.code, r.enhanced), (421, "4.4.2"), r)
        self.assertGreater(elapsed, 0.8)
        client.assert_closed()

    def test_idle_timeout_inside_data(self):
        server = self.start_server("--idle-timeout", "1")
        client = self.session(server)
        client.send("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n")
        for code in (250, 250, 354):
            client.expect(code)
        client.send(b"Subject: stalled\r\n\r\nhalf a mess")
        r = client.reply(timeout=4)
        self.assertEqual((r.code, r.enhanced), (421, "4.4.2"), r)
        client.assert_closed()
        server.assert_no_event()

    def test_idle_timeout_after_starttls_without_handshake(self):
        # A client that says STARTTLS and then never starts the handshake is idle too; it must
        # not hold a connection slot forever.
        server = self.start_server("--idle-timeout", "1", "--max-connections", "1",
                                   *harness.tls_args())
        client = self.session(server)
        r = client.cmd("STARTTLS")
        self.assertEqual(r.code, 220, r)
        client.assert_closed(timeout=4)
        self.assertEqual(self.raw(server.port).reply().code, 220)

    def test_idle_timeout_smtps_without_handshake(self):
        # On the implicit-TLS port a silent client never gets a greeting (RFC 8314); after the
        # idle timeout the server must still close it and free the slot.
        server = self.start_server("--idle-timeout", "1", "--max-connections", "1",
                                   "--smtps", "127.0.0.1:0", *harness.tls_args())
        silent = socket.create_connection(("127.0.0.1", server.smtps_port),
                                          timeout=harness.IO_TIMEOUT)
        self.addCleanup(silent.close)
        silent.settimeout(4)
        try:
            data = silent.recv(4096)
        except socket.timeout:
            self.fail("a silent client on the SMTPS port was not closed after --idle-timeout 1")
        except ConnectionResetError:
            data = b""
        self.assertEqual(data, b"")
        self.assertEqual(self.raw(server.port).reply().code, 220)

    def test_activity_defers_idle_timeout(self):
        server = self.start_server("--idle-timeout", "1")
        client = self.session(server)
        for _ in range(5):  # 2 s of a client that keeps talking
            time.sleep(0.4)
            self.assertEqual(client.cmd("NOOP").code, 250)

    def test_empty_message(self):
        server = self.start_server()
        client = self.session(server)
        r = self.send_message(client, b".\r\n", mail="<>")
        self.assertEqual(r.code, 250, r)
        self.assertMessageEvent(server.next_message(), size=0, subject="", mailfrom="")

    def test_bdat_size_limit(self):
        server = self.start_server("--max-message-size", "100")
        client = self.session(server)
        client.expect(250, "MAIL FROM:<a@example.org>")
        client.expect(250, "RCPT TO:<b@example.net>")
        client.send(b"BDAT 60\r\n" + b"a" * 60 + b"BDAT 41 LAST\r\n" + b"b" * 41)
        self.assertEqual(client.reply().code, 250)
        r = client.reply()
        self.assertEqual((r.code, r.enhanced), (552, "5.3.4"), r)
        # exactly the limit in chunks: accepted
        client.expect(250, "MAIL FROM:<a@example.org>")
        client.expect(250, "RCPT TO:<b@example.net>")
        client.send(b"BDAT 60\r\n" + b"a" * 60 + b"BDAT 40 LAST\r\n" + b"b" * 40)
        self.assertEqual(client.reply().code, 250)
        self.assertEqual(client.reply().code, 250)
        self.assertMessageEvent(server.next_message(), size=100)
        server.assert_no_event()

    def test_declared_size(self):
        server = self.start_server("--max-message-size", "1000")
        client = self.session(server)
        r = client.cmd("MAIL FROM:<a@example.org> SIZE=1001")
        self.assertEqual((r.code, r.enhanced), (552, "5.3.4"), r)
        client.expect(250, "MAIL FROM:<a@example.org> SIZE=1000")

    def test_open_files_limit_raised(self):
        # Started with a soft limit of 64 open files (hard limit untouched), the server must
        # raise it so that 200 concurrent sessions all get their greeting.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < 400:
            self.fail("hard open-files limit %d is too low for this test" % hard)

        def low_soft_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))

        server = self.start_server("--max-connections", "300", preexec_fn=low_soft_limit)
        clients = [self.raw(server.port) for _ in range(200)]
        for i, client in enumerate(clients):
            r = client.reply()
            self.assertEqual(r.code, 220, "connection %d: %r" % (i, r))
        self.assertEqual(clients[-1].cmd("NOOP").code, 250)

    def test_max_connections(self):
        server = self.start_server("--max-connections", "2")
        first = self.session(server)
        second = self.session(server)
        third = self.raw(server.port)
        r = third.reply()
        self.assertEqual((r.code, r.enhanced), (421, "4.7.0"), r)
        third.assert_closed()
        # The first two are untouched; when one leaves, a new client is served again.
        self.assertEqual(second.cmd("NOOP").code, 250)
        first.expect(221, "QUIT")
        first.assert_closed()
        deadline = time.monotonic() + 3
        while True:
            fourth = self.raw(server.port)
            r = fourth.reply()
            if r.code == 220 or time.monotonic() > deadline:
                break
            fourth.close()
            time.sleep(0.05)
        self.assertEqual(r.code, 220, r)

    @staticmethod
    def unstuff(wire):
        """RFC 5321 4.5.2 on CRLF-delimited lines: a leading dot is removed."""
        return b"\r\n".join(line[1:] if line.startswith(b".") else line
                            for line in wire.split(b"\r\n"))

    def test_smtp_smuggling(self):
        directory = os.path.join(self.make_tempdir(), "md")
        server = self.start_server("--maildir", directory)
        separators = {"LF.CRLF": b"\n.\r\n", "CRLF.LF": b"\r\n.\n", "LF.LF": b"\n.\n",
                      "CR.CRLF": b"\r.\r\n", "CRLF.CR": b"\r\n.\r", "CR.CR": b"\r.\r"}
        for name, separator in separators.items():
            with self.subTest(separator=name):
                wire = (b"Subject: smuggle " + name.encode() + b"\r\n\r\nhello" + separator
                        + b"MAIL FROM:<evil@example.org>\r\n"
                          b"RCPT TO:<victim@example.net>\r\n"
                          b"DATA\r\n"
                          b"Subject: smuggled\r\n\r\nevil\r\n")
                client = self.session(server)
                r = self.send_message(client, wire + b".\r\nQUIT\r\n")
                self.assertEqual(r.code, 250, r)
                r = client.reply()
                self.assertEqual(r.code, 221, "a smuggled command was executed: %r" % r)
                client.assert_closed()
                expected = self.unstuff(wire)
                self.assertIn(b"MAIL FROM:<evil@example.org>", expected)
                event = self.assertMessageEvent(server.next_message(), size=len(expected),
                                                subject="smuggle " + name,
                                                mailfrom="a@example.org",
                                                rcpttos=["b@example.net"])
                server.assert_no_event()
                files = harness.maildir_files(directory)
                self.assertEqual(len(files), 1, files)
                with open(files[0], "rb") as f:
                    self.assertEqual(f.read(), b"Return-Path: <a@example.org>\r\n"
                                               b"Delivered-To: <b@example.net>\r\n" + expected,
                                     event)
                os.unlink(files[0])

    def test_starttls_injection(self):
        server = self.start_server(*harness.tls_args())
        client = self.session(server)
        client.send("STARTTLS\r\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.net>\r\n")
        r = client.reply()
        self.assertEqual((r.code, r.enhanced), (220, "2.0.0"), r)
        client.starttls()  # fails if any plaintext reply followed the 220
        ehlo = client.expect(250, "EHLO raw.test")
        self.assertNotIn("STARTTLS", [line.upper() for line in ehlo.lines])
        # Had the injected MAIL run, this would be a nested MAIL (503).
        r = client.cmd("MAIL FROM:<good@example.org>")
        self.assertEqual(r.code, 250, "injected plaintext was executed: %r" % r)
        client.expect(250, "RCPT TO:<rcpt@example.net>")
        client.expect(354, "DATA")
        client.send(b"Subject: after injection\r\n\r\nok\r\n.\r\n")
        client.expect(250)
        self.assertMessageEvent(server.next_message(), mailfrom="good@example.org",
                                rcpttos=["rcpt@example.net"], tls=True,
                                subject="after injection")


if __name__ == "__main__":
    harness.main()
