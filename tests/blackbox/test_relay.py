"""Release to a real server: smtp-receiver --relay against a second smtp-receiver (STARTTLS with a
self-signed certificate made here, AUTH), Postfix's smtp-sink, and scripted servers that refuse,
tempfail, stall or hang up. POST /api/v1/message/{ID}/release drives it; the JSON Lines report it.
"""

import json
import os
import smtplib
import socket
import subprocess
import time
import urllib.error
import urllib.request

import harness
from test_sendmail import FakeSmtp

ALLOWED = r".*@allowed\.test"
# Dots at line starts (stuffed on the wire, unstuffed at the other end), 8-bit text, a long line:
# what comes out at the other end must be these bytes exactly.
MESSAGE = ("From: Sender <sender@example.test>\r\nTo: rcpt@example.test\r\n"
           "Subject: release me\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: 8bit\r\n\r\n.leading dot\r\n..two dots\r\n.\r\n"
           "Grüße\r\n" + "x" * 900 + "\r\n").encode()


def http(server, method, path, body=None):
    """(status, body bytes) of one request to the server's HTTP API."""
    url = "http://%s%s" % (server.ready["http"], path)
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=harness.IO_TIMEOUT * 3) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class RelayCase(harness.ServerTestCase):

    def catch(self, server, sender="sender@example.test", recipients=("rcpt@example.test",)):
        """Sends MESSAGE to server over SMTP; returns its message event."""
        with smtplib.SMTP("127.0.0.1", server.port, timeout=harness.IO_TIMEOUT) as client:
            client.sendmail(sender, list(recipients), MESSAGE)
        return server.next_message()

    def release(self, server, message_id, to):
        return http(server, "POST", "/api/v1/message/%s/release" % message_id, {"To": to})

    def start_relaying(self, port, *extra):
        return self.start_server("--http", "127.0.0.1:0", "--relay", "127.0.0.1:%d" % port,
                                 *extra)


class SecondInstanceTest(RelayCase):
    """Into another smtp-receiver with STARTTLS (its own throwaway certificate) and AUTH."""

    def setUp(self):
        directory = self.make_tempdir()
        self.cert, key = harness.make_cert(directory)
        self.target = self.start_server("--tls-cert", self.cert, "--tls-key", key,
                                        "--auth", "relay:secret", "--http", "127.0.0.1:0")
        self.ours = self.start_relaying(self.target.port, "--relay-tls", "starttls",
                                        "--relay-auth", "relay:secret", "--relay-cert",
                                        self.cert, "--relay-allowed", ALLOWED)

    def test_release_arrives_unchanged(self):
        caught = self.catch(self.ours)
        status, body = self.release(self.ours, caught["id"], ["a@allowed.test", "b@allowed.test"])
        self.assertEqual((status, body), (200, b"ok"), body)
        event = self.ours.next_event()
        self.assertEqual(event["event"], "released", event)
        self.assertEqual(event["id"], caught["id"])
        self.assertEqual(event["to"], ["a@allowed.test", "b@allowed.test"])
        self.assertRegex(event["reply"], r"^250 ")
        arrived = self.target.next_message()
        self.assertEqual(arrived["mailfrom"], "sender@example.test")
        self.assertEqual(arrived["rcpttos"], ["a@allowed.test", "b@allowed.test"])
        self.assertTrue(arrived["tls"], arrived)
        _, theirs = http(self.target, "GET", "/api/v1/message/%d/raw" % arrived["id"])
        _, mine = http(self.ours, "GET", "/api/v1/message/%d/raw" % caught["id"])
        self.assertEqual(mine, MESSAGE)
        self.assertEqual(theirs, mine)

    def test_recipient_outside_the_pattern_is_refused_and_nothing_sent(self):
        caught = self.catch(self.ours)
        status, body = self.release(self.ours, caught["id"],
                                    ["a@allowed.test", "someone@elsewhere.test"])
        self.assertEqual(status, 400, body)
        self.assertIn(b"someone@elsewhere.test", body)
        # Proof that nothing went out: the next thing the target sees is the next release.
        status, _ = self.release(self.ours, caught["id"], ["c@allowed.test"])
        self.assertEqual(status, 200)
        self.assertEqual(self.ours.next_event()["event"], "released")
        self.assertEqual(self.target.next_message()["rcpttos"], ["c@allowed.test"])

    def test_bad_requests(self):
        caught = self.catch(self.ours)
        self.assertEqual(self.release(self.ours, 999999, ["a@allowed.test"])[0], 404)
        self.assertEqual(self.release(self.ours, caught["id"], [])[0], 400)
        self.assertEqual(http(self.ours, "POST", "/api/v1/message/%d/release" % caught["id"],
                              {"To": "a@allowed.test"})[0], 400)

    def test_wrong_password_is_the_relays_refusal(self):
        ours = self.start_relaying(self.target.port, "--relay-auth", "relay:wrong",
                                   "--relay-cert", self.cert)
        caught = self.catch(ours)
        status, body = self.release(ours, caught["id"], ["a@allowed.test"])
        self.assertEqual(status, 400, body)
        self.assertIn(b"535", body)
        event = ours.next_event()
        self.assertEqual(event["event"], "releaseFailed", event)
        self.assertIn("535", event["reply"])

    def test_untrusted_certificate_is_refused(self):
        ours = self.start_relaying(self.target.port, "--relay-tls", "starttls")
        caught = self.catch(ours)
        status, body = self.release(ours, caught["id"], ["a@allowed.test"])
        self.assertEqual(status, 400, body)
        self.assertIn(b"certificate", body)
        self.assertEqual(ours.next_event()["event"], "releaseFailed")


class RelayRuleTest(RelayCase):
    """An accept rule with "relay": true releases what it accepts after the 250, by itself."""

    def test_relay_rule_releases_its_recipients_only(self):
        directory = self.make_tempdir()
        rules = os.path.join(directory, "rules.json")
        with open(rules, "w") as f:
            json.dump({"default": "accept", "rules": [
                {"match": "/^([^+@]+)\\+[^@]*(@.*)$/", "action": "rewrite", "to": "\\1\\2"},
                {"match": "*@allowed.test", "action": "accept", "relay": True}]}, f)
        target = self.start_server()
        ours = self.start_relaying(target.port, "--relay-tls", "none", "--rules", rules)
        caught = self.catch(ours, recipients=("dev+tag@allowed.test", "other@kept.test"))
        self.assertEqual(caught["rcpttos"], ["dev@allowed.test", "other@kept.test"])
        event = ours.next_event()
        self.assertEqual(event["event"], "released", event)
        self.assertEqual((event["id"], event["to"]), (caught["id"], ["dev@allowed.test"]))
        arrived = target.next_message()
        self.assertEqual(arrived["rcpttos"], ["dev@allowed.test"])
        self.assertEqual(arrived["mailfrom"], "sender@example.test")
        # A message with no recipient under a relay rule is only caught: the next thing the
        # target sees is the release of the message after it.
        self.catch(ours, recipients=("other@kept.test",))
        self.catch(ours, recipients=("second@allowed.test",))
        self.assertEqual(ours.next_event()["event"], "released")
        self.assertEqual(target.next_message()["rcpttos"], ["second@allowed.test"])

    def write_rules(self, rules):
        path = os.path.join(self.make_tempdir(), "rules.json")
        with open(path, "w") as f:
            json.dump({"default": "accept", "rules": rules}, f)
        return path

    def test_release_follows_the_decision_at_rcpt(self):
        # What decided each recipient at RCPT releases it, not the first accept rule that the
        # rewritten address would meet again.
        rules = self.write_rules([
            {"match": "*@x.test", "action": "accept"},
            {"match": "/^(.*)@y\\.test$/", "action": "rewrite", "to": "\\1@x.test"},
            {"match": "*@x.test", "action": "accept", "relay": True},
            {"match": "*@r.test", "action": "accept", "relay": True},
            {"match": "/^(.*)@w\\.test$/", "action": "rewrite", "to": "\\1@r.test"},
            {"match": "*@r.test", "action": "accept"}])
        target = self.start_server()
        ours = self.start_relaying(target.port, "--relay-tls", "none", "--rules", rules)
        caught = self.catch(ours, recipients=("a@x.test", "b@y.test", "c@r.test", "d@w.test"))
        self.assertEqual(caught["rcpttos"], ["a@x.test", "b@x.test", "c@r.test", "d@r.test"])
        event = ours.next_event()
        self.assertEqual(event["event"], "released", event)
        self.assertEqual((event["id"], event["to"]), (caught["id"], ["b@x.test", "c@r.test"]))
        self.assertEqual(target.next_message()["rcpttos"], ["b@x.test", "c@r.test"])
        # The send API's mail met no RCPT rule: caught only. The next thing the target sees is
        # the release of the message after it.
        status, body = http(ours, "POST", "/api/v1/send",
                            {"From": {"Email": "app@example.test"},
                             "To": [{"Email": "user@r.test"}], "Subject": "api", "Text": "hi"})
        self.assertEqual(status, 200, body)
        self.assertEqual(ours.next_message()["rcpttos"], ["user@r.test"])
        self.catch(ours, recipients=("second@r.test",))
        self.assertEqual(ours.next_event()["to"], ["second@r.test"])
        self.assertEqual(target.next_message()["rcpttos"], ["second@r.test"])

    def test_relay_allowed_releases_the_allowed_and_reports_the_others(self):
        rules = self.write_rules([{"match": "*@r.test", "action": "accept", "relay": True}])
        target = self.start_server()
        ours = self.start_relaying(target.port, "--relay-tls", "none", "--rules", rules,
                                   "--relay-allowed", r"ok.*@r\.test")
        caught = self.catch(ours, recipients=("ok1@r.test", "no@r.test", "ok2@r.test"))
        events = sorted((ours.next_event(), ours.next_event()), key=lambda e: e["event"])
        refused, released = events[0], events[1]
        self.assertEqual(refused["event"], "releaseFailed", events)
        self.assertEqual((refused["id"], refused["to"]), (caught["id"], ["no@r.test"]))
        self.assertEqual(refused["reply"],
                         "'no@r.test' is not allowed by the relay's allowed pattern")
        self.assertEqual(released["event"], "released", events)
        self.assertEqual((released["id"], released["to"]),
                         (caught["id"], ["ok1@r.test", "ok2@r.test"]))
        self.assertEqual(target.next_message()["rcpttos"], ["ok1@r.test", "ok2@r.test"])


class NoRelayTest(RelayCase):
    def test_no_relay_configured(self):
        server = self.start_server("--http", "127.0.0.1:0")
        caught = self.catch(server)
        status, body = self.release(server, caught["id"], ["a@example.test"])
        self.assertEqual(status, 400)
        self.assertIn(b"no relay", body)

    def test_usage_errors(self):
        cases = [(["--relay", "nohost"], "--relay"),
                 (["--relay", "127.0.0.1:0"], "--relay"),
                 (["--relay", "127.0.0.1:25", "--relay-tls", "maybe"], "--relay-tls"),
                 (["--relay", "127.0.0.1:25", "--relay-auth", "nocolon"], "--relay-auth"),
                 (["--relay", "127.0.0.1:25", "--relay-allowed", "("], "--relay-allowed"),
                 (["--relay-tls", "none"], "--relay-tls"),
                 (["--relay", "127.0.0.1:25", "--relay-timeout", "soon"], "--relay-timeout")]
        for args, flag in cases:
            with self.subTest(args=args):
                result = harness.run_usage(["--no-gui"] + args)
                self.assertEqual(result.returncode, 2, result.stderr)
                lines = result.stderr.decode().splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertIn(flag, lines[0])

    def test_help_mentions_the_flags(self):
        result = harness.run_usage(["--help"])
        for flag in (b"--relay ", b"--relay-tls", b"--relay-auth", b"--relay-allowed"):
            self.assertIn(flag, result.stdout)


class SmtpSinkTest(RelayCase):
    """Into Postfix's smtp-sink, which dumps what it receives."""

    def test_release_into_smtp_sink(self):
        sink = "/usr/sbin/smtp-sink"
        if not os.access(sink, os.X_OK):
            raise AssertionError("smtp-sink is not installed (package postfix)")
        directory = self.make_tempdir()
        os.chmod(directory, 0o777)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        process = subprocess.Popen([sink, "-u", "nobody", "-d", os.path.join(directory, "%H%M%S."),
                                    "127.0.0.1:%d" % port, "10"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(process.wait, 5)
        self.addCleanup(process.kill)
        self.wait_port(port)
        ours = self.start_relaying(port)
        caught = self.catch(ours)
        status, body = self.release(ours, caught["id"], ["a@sink.test"])
        self.assertEqual((status, body), (200, b"ok"))
        self.assertEqual(ours.next_event()["event"], "released")
        dumps = [os.path.join(directory, name) for name in os.listdir(directory)]
        self.assertEqual(len(dumps), 1, dumps)
        with open(dumps[0], "rb") as f:
            dumped = f.read()
        self.assertIn(b"sender@example.test", dumped)
        self.assertIn(b"a@sink.test", dumped)
        # smtp-sink writes the message after its own envelope lines, with LF line ends (and a
        # blank line after it).
        self.assertIn(MESSAGE.replace(b"\r\n", b"\n"), dumped.replace(b"\r\n", b"\n"))

    def wait_port(self, port):
        deadline = time.monotonic() + harness.IO_TIMEOUT
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("smtp-sink did not listen on %d" % port)


class FailingRelayTest(RelayCase):
    """A relay that refuses, tempfails, stalls or hangs up: a clear error, nothing recorded."""

    def check_failure(self, server, extra, expected):
        ours = self.start_relaying(server.port, "--relay-timeout", "1", *extra)
        caught = self.catch(ours)
        status, body = self.release(ours, caught["id"], ["a@example.test"])
        server.join()
        self.assertEqual(status, 400, body)
        self.assertRegex(body.decode(), expected)
        event = ours.next_event()
        self.assertEqual(event["event"], "releaseFailed", event)
        self.assertEqual(event["id"], caught["id"])
        self.assertRegex(event["reply"], expected)
        return server

    def test_refused_5xx(self):
        server = FakeSmtp(self, RCPT="550 5.1.1 no such user")
        self.check_failure(server, (), r"550 5\.1\.1 no such user")
        self.assertNotIn("DATA", server.commands)

    def test_tempfail_4xx(self):
        self.check_failure(FakeSmtp(self, END="451 4.3.0 try later"), (),
                           r"451 4\.3\.0 try later")

    def test_stall(self):
        server = StallingSmtp(self)
        self.check_failure(server, (), r"no reply within 1 s")

    def test_drop(self):
        self.check_failure(FakeSmtp(self, MAIL=None), (), r"closed")

    def test_starttls_required_but_not_offered(self):
        server = FakeSmtp(self)
        self.check_failure(server, ("--relay-tls", "starttls"), r"does not offer STARTTLS")


class StallingSmtp(FakeSmtp):
    """Greets, answers EHLO, then reads and says nothing until the client gives up."""

    def _serve(self):
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(harness.IO_TIMEOUT * 2)
            conn.sendall(b"220 stall.test ESMTP\r\n")
            reader = conn.makefile("rb")
            line = reader.readline()
            self.commands.append(line.decode(errors="replace").strip())
            conn.sendall(b"250 stall.test\r\n")
            while reader.readline():  # until the client hangs up
                pass


if __name__ == "__main__":
    harness.main()
