"""Blackbox: failure injection (fail rules, --chaos-seed, GET|PUT /api/v1/chaos) against the real
smtp-receiver binary, with swaks, Python smtplib and curl as clients (contract.md, "Failure
injection (rules)")."""

import json
import os
import smtplib
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

MESSAGE = b"From: a@example.org\r\nTo: x@flaky.test\r\nSubject: chaos\r\n\r\nbody\r\n"


class FailInjectionTest(harness.ServerTestCase):

    def rules_file(self, *rules, **top):
        path = os.path.join(self.make_tempdir(), "rules.json")
        document = dict(top)
        document["rules"] = list(rules)
        with open(path, "w") as f:
            json.dump(document, f)
        return path

    def expect_rejected(self, server, **expected):
        event = server.next_event()
        self.assertEqual(event.get("event"), "rejected", event)
        for key in ("time", "stage", "code", "address", "message", "injected", "delayMs",
                    "disconnect", "remoteAddress"):
            self.assertIn(key, event, event)
        self.assertEqual(event["remoteAddress"], "127.0.0.1", event)
        for key, value in expected.items():
            self.assertEqual(event[key], value, "field %r of %r" % (key, event))
        return event

    # -- the Done-when: swaks sees 451, the JSON line shows the injection ---------------

    def test_swaks_rcpt_451(self):
        harness.require_tool("swaks")
        rules = self.rules_file({"match": "*@flaky.test", "action": "fail", "stage": "rcpt",
                                 "code": 451, "message": "try later"})
        server = self.start_server("--rules", rules)
        result = harness.run_tool(["swaks", "--server", "127.0.0.1", "--port", str(server.port),
                                   "--from", "a@example.org", "--to", "x@flaky.test",
                                   "--timeout", "5"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(b"<** 451 4.3.0 try later", result.stdout + result.stderr)
        self.expect_rejected(server, stage="rcpt", code=451, address="x@flaky.test",
                             message="try later", injected=True, delayMs=0, disconnect=False)
        server.assert_no_event()

    # -- smtplib: the other stages ------------------------------------------------------------------

    def test_smtplib_mail_stage(self):
        rules = self.rules_file({"match": "*@bad.test", "action": "fail", "stage": "mail",
                                 "code": 421, "message": "sender flaky"})
        server = self.start_server("--rules", rules)
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            with self.assertRaises(smtplib.SMTPSenderRefused) as caught:
                client.sendmail("s@bad.test", ["r@example.net"], MESSAGE)
            self.assertEqual(caught.exception.smtp_code, 421)
        self.expect_rejected(server, stage="mail", code=421, address="s@bad.test",
                             injected=True)
        # Another sender goes through.
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.sendmail("s@good.test", ["r@example.net"], MESSAGE)
        self.assertEqual(server.next_message()["mailfrom"], "s@good.test")

    def test_smtplib_data_stage_not_stored(self):
        rules = self.rules_file({"match": "*", "action": "fail", "stage": "data", "code": 554,
                                 "message": "content refused"})
        server = self.start_server("--rules", rules)
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            with self.assertRaises(smtplib.SMTPDataError) as caught:
                client.sendmail("s@example.org", ["r@example.net"], MESSAGE)
            self.assertEqual(caught.exception.smtp_code, 554)
            # The session goes on: RSET and NOOP still answer.
            self.assertEqual(client.noop()[0], 250)
        self.expect_rejected(server, stage="data", code=554, address="s@example.org")
        server.assert_no_event()  # no message event: nothing was stored

    def test_smtplib_auth_stage(self):
        rules = self.rules_file({"match": "mallory", "action": "fail", "stage": "auth",
                                 "code": 454, "message": "auth backend down"})
        server = self.start_server("--rules", rules, "--auth-accept-any")
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.ehlo()
            with self.assertRaises(smtplib.SMTPAuthenticationError) as caught:
                client.login("mallory", "pw")
            self.assertEqual(caught.exception.smtp_code, 454)
        self.expect_rejected(server, stage="auth", code=454, address="mallory")
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.ehlo()
            self.assertEqual(client.login("alice", "pw")[0], 235)

    def test_smtplib_delay_within_20_percent(self):
        rules = self.rules_file({"match": "slow@example.net", "action": "fail", "stage": "rcpt",
                                 "code": 450, "message": "slow", "delayMs": 600})
        server = self.start_server("--rules", rules)
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.ehlo()
            client.mail("s@example.org")
            started = time.monotonic()
            code, _ = client.rcpt("slow@example.net")
            elapsed = time.monotonic() - started
        self.assertEqual(code, 450)
        self.assertGreaterEqual(elapsed, 0.6 * 0.8)
        self.assertLessEqual(elapsed, 0.6 * 1.2)
        self.expect_rejected(server, stage="rcpt", code=450, delayMs=600)

    def test_disconnect_without_reply(self):
        rules = self.rules_file({"match": "*", "action": "fail", "stage": "mail",
                                 "disconnect": True})
        server = self.start_server("--rules", rules)
        raw = self.raw(server.port)
        raw.expect(220)
        raw.expect(250, "EHLO client.test")
        raw.send(b"MAIL FROM:<s@example.org>\r\n")
        raw.assert_closed()
        self.expect_rejected(server, stage="mail", disconnect=True, injected=True)

    def test_pipelined_commands_wait_for_the_delayed_reply(self):
        rules = self.rules_file({"match": "a@example.net", "action": "fail", "stage": "rcpt",
                                 "code": 451, "message": "later", "delayMs": 300})
        server = self.start_server("--rules", rules)
        raw = self.raw(server.port)
        raw.expect(220)
        raw.expect(250, "EHLO client.test")
        raw.send(b"MAIL FROM:<s@example.org>\r\nRCPT TO:<a@example.net>\r\n"
                 b"RCPT TO:<b@example.net>\r\nNOOP\r\n")
        self.assertEqual(raw.reply().code, 250)
        self.assertEqual(raw.reply().code, 451)  # in order, after the delay
        self.assertEqual(raw.reply().code, 250)
        self.assertEqual(raw.reply().code, 250)

    # -- curl -----------------------------------------------------------------------------------

    def test_curl_rcpt(self):
        rules = self.rules_file({"match": "*@flaky.test", "action": "fail", "stage": "rcpt",
                                 "code": 550, "message": "no such user here"})
        server = self.start_server("--rules", rules)
        data = os.path.join(self.make_tempdir(), "m.eml")
        with open(data, "wb") as f:
            f.write(MESSAGE)
        result = harness.run_tool(["curl", "-sS", "-v", "smtp://127.0.0.1:%d" % server.port,
                                   "--mail-from", "a@example.org", "--mail-rcpt", "x@flaky.test",
                                   "--upload-file", data])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn(b"550", result.stderr)
        self.expect_rejected(server, stage="rcpt", code=550, address="x@flaky.test")

    # -- probability with a fixed seed ------------------------------------------------------------

    def test_probability_is_repeatable_with_a_seed(self):
        rules = self.rules_file({"match": "*", "action": "fail", "stage": "rcpt", "code": 451,
                                 "message": "coin", "probability": 50})

        def outcomes():
            server = self.start_server("--rules", rules, "--chaos-seed", "42")
            codes = []
            with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
                client.ehlo()
                client.mail("s@example.org")
                for i in range(40):
                    codes.append(client.rcpt("r%d@example.net" % i)[0])
            return codes

        first, second = outcomes(), outcomes()
        self.assertEqual(first, second)
        self.assertIn(451, first)
        self.assertIn(250, first)

    def test_chaos_seed_must_be_a_number(self):
        result = harness.run_usage(["--no-gui", "--chaos-seed", "x"])
        self.assertEqual(result.returncode, 2)
        self.assertIn(b"--chaos-seed", result.stderr)

    def test_bad_fail_rule_is_a_usage_error(self):
        rules = self.rules_file({"match": "*@flaky.test", "action": "fail", "code": 451})
        result = harness.run_usage(["--no-gui", "--rules", rules])
        self.assertEqual(result.returncode, 2)
        self.assertIn(b'rule 1 ("*@flaky.test")', result.stderr)
        self.assertIn(b"stage", result.stderr)

    # -- GET|PUT /api/v1/chaos ----------------------------------------------------------------------

    def test_chaos_api_round_trip(self):
        server = self.start_server("--http", "127.0.0.1:0")
        _, http_port = harness.split_address(server.ready["http"])
        url = "http://127.0.0.1:%d/api/v1/chaos" % http_port

        def call(method, body=None):
            request = urllib.request.Request(url, method=method, data=body)
            with urllib.request.urlopen(request, timeout=5) as response:
                self.assertEqual(response.status, 200)
                return json.loads(response.read())

        off = {"ErrorCode": 451, "Probability": 0}
        self.assertEqual(call("GET"), {"Sender": off, "Recipient": off, "Authentication": off})
        put = {"Triggers": {"Recipient": {"ErrorCode": 452, "Probability": 100}}}
        answer = call("PUT", json.dumps(put).encode())
        self.assertEqual(answer["Recipient"], {"ErrorCode": 452, "Probability": 100})
        self.assertEqual(answer["Sender"], off)
        self.assertEqual(call("GET"), answer)
        # The next SMTP command sees it.
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.ehlo()
            client.mail("s@example.org")
            self.assertEqual(client.rcpt("r@example.net")[0], 452)
        self.expect_rejected(server, stage="rcpt", code=452, injected=True)
        # curl too, with Mailpit's unwrapped shape; a trigger left out is reset.
        result = harness.run_tool(["curl", "-sS", "-X", "PUT", "--data",
                                   '{"Sender":{"ErrorCode":500,"Probability":0}}', url])
        self.assertEqual(json.loads(result.stdout)["Recipient"], off)
        self.assertEqual(json.loads(result.stdout)["Sender"],
                         {"ErrorCode": 500, "Probability": 0})
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.sendmail("s@example.org", ["r@example.net"], MESSAGE)
        self.assertEqual(server.next_message()["rcpttos"], ["r@example.net"])
        # Bad input: 400 with one line.
        result = harness.run_tool(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                                   "-X", "PUT", "--data",
                                   '{"Sender":{"ErrorCode":200,"Probability":10}}', url])
        self.assertEqual(result.stdout, b"400")

    def chaos(self, server, method, body=None):
        _, http_port = harness.split_address(server.ready["http"])
        request = urllib.request.Request("http://127.0.0.1:%d/api/v1/chaos" % http_port,
                                         method=method, data=body)
        with urllib.request.urlopen(request, timeout=5) as response:
            self.assertEqual(response.status, 200)
            return json.loads(response.read())

    def test_chaos_api_leaves_the_rules_files_fail_rules_alone(self):
        # The rules file's fail rules and its switch are the user's configuration; the API's
        # triggers are the API's. A PUT changes neither the file's rules nor its switch, and GET
        # reports the API's triggers alone, even where a file rule looks like one ("*" at mail).
        off = {"ErrorCode": 451, "Probability": 0}
        rules = self.rules_file(
            {"match": "*", "action": "fail", "stage": "mail", "code": 421, "message": "file"},
            {"match": "*@flaky.test", "action": "fail", "stage": "rcpt", "code": 450,
             "message": "file"},
            failureInjection=False)
        server = self.start_server("--rules", rules, "--http", "127.0.0.1:0")
        self.assertEqual(self.chaos(server, "GET"),
                         {"Sender": off, "Recipient": off, "Authentication": off})
        # A trigger switched on does not switch the file's fail rules on.
        put = {"Authentication": {"ErrorCode": 535, "Probability": 100}}
        self.assertEqual(self.chaos(server, "PUT", json.dumps(put).encode())["Authentication"],
                         put["Authentication"])
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.sendmail("s@example.org", ["x@flaky.test"], MESSAGE)
        self.assertEqual(server.next_message()["rcpttos"], ["x@flaky.test"])
        server.assert_no_event()
        server.stop()

        # With the file's fail rules on: a PUT of no triggers leaves them (a "*" rcpt rule
        # included), and a trigger strikes before them.
        rules = self.rules_file(
            {"match": "*", "action": "fail", "stage": "rcpt", "code": 450, "message": "file"})
        server = self.start_server("--rules", rules, "--http", "127.0.0.1:0")
        self.assertEqual(self.chaos(server, "GET")["Recipient"], off)
        self.assertEqual(self.chaos(server, "PUT", b"{}"),
                         {"Sender": off, "Recipient": off, "Authentication": off})
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.ehlo()
            client.mail("s@example.org")
            self.assertEqual(client.rcpt("r@example.net"), (450, b"4.2.0 file"))
        self.expect_rejected(server, stage="rcpt", code=450, message="file")
        put = {"Recipient": {"ErrorCode": 452, "Probability": 100}}
        self.chaos(server, "PUT", json.dumps(put).encode())
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.ehlo()
            client.mail("s@example.org")
            self.assertEqual(client.rcpt("r@example.net")[0], 452)
        self.expect_rejected(server, stage="rcpt", code=452,
                             message="Chaos: recipient failure injected")
        # Triggers off again: the file's rule is back in charge, unchanged.
        self.chaos(server, "PUT", b'{"Recipient": null}')
        with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as client:
            client.ehlo()
            client.mail("s@example.org")
            self.assertEqual(client.rcpt("r@example.net")[0], 450)
        self.expect_rejected(server, stage="rcpt", code=450, message="file")


if __name__ == "__main__":
    harness.main()
