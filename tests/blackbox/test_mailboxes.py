"""Blackbox: mailboxes (contract.md, "Mailboxes") with Python smtplib, curl and the binary's own
--list: two listeners, one routed to a mailbox, a rules file that routes a domain, the AUTH user
with --mailbox-from-auth; the readiness line's listeners, the message events' mailboxes,
--list --mailbox, search, and the HTTP API's Tags and /api/v1/tags. Usage errors exit 2."""

import json
import os
import smtplib
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


class MailboxesTest(harness.ServerTestCase):

    def setUp(self):
        harness.require_tool("curl")
        self.dir = self.make_tempdir()
        self.database = os.path.join(self.dir, "messages.sqlite")
        self.rules = os.path.join(self.dir, "rules.json")
        with open(self.rules, "w") as f:
            json.dump({"rules": [{"match": "*@billing.test", "action": "accept",
                                  "mailbox": "billing"}]}, f)

    def start(self, *args):
        return self.start_server("--smtp", "127.0.0.1:0=shop", "--rules", self.rules,
                                 "--database", self.database, "--http", "127.0.0.1:0", *args)

    def send(self, port, to, user=None, subject="hello"):
        with smtplib.SMTP("127.0.0.1", port, timeout=harness.IO_TIMEOUT) as client:
            if user:
                client.login(user, "any password")
            client.sendmail("app@x.test", [to], "Subject: %s\r\nTo: %s\r\n\r\nbody\r\n"
                            % (subject, to))

    def curl_json(self, server, path):
        host, port = harness.split_address(server.ready["http"])
        result = harness.run_tool(["curl", "--silent", "--show-error", "--fail", "--max-time",
                                   "10", "http://%s:%d%s" % (host, port, path)], timeout=15)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))
        return json.loads(result.stdout)

    def list_mailbox(self, name):
        result = harness.run_usage(["--list", "--json", "--database", self.database,
                                    "--mailbox", name])
        self.assertEqual(result.returncode, 0, result.stderr)
        return [json.loads(line) for line in result.stdout.decode().splitlines()]

    def test_routing_by_listener_rule_and_auth(self):
        server = self.start("--mailbox-from-auth")
        # The readiness line keeps its keys and lists the listeners in the order given.
        self.assertEqual(list(server.ready.keys())[:2], ["event", "smtp"], server.ready)
        listeners = server.ready["listeners"]
        self.assertEqual([entry["mailbox"] for entry in listeners], ["Inbox", "shop"])
        self.assertEqual(listeners[0]["smtp"], server.ready["smtp"])
        first = harness.split_address(listeners[0]["smtp"])[1]
        second = harness.split_address(listeners[1]["smtp"])[1]
        self.assertNotEqual(first, second)

        cases = [
            (first, "a@x.test", None, ["Inbox"]),
            (first, "b@billing.test", None, ["billing"]),
            (second, "c@x.test", None, ["shop"]),
            (first, "d@x.test", "crm", ["crm"]),
            (second, "e@x.test", "crm", ["crm"]),
            (second, "f@billing.test", "crm", ["billing"]),
        ]
        ids = {}
        for port, to, user, mailboxes in cases:
            self.send(port, to, user, subject="to " + to)
            event = server.next_message()
            self.assertMessageEvent(event, rcpttos=[to])
            self.assertEqual(event["mailboxes"], mailboxes, event)
            ids[to] = event["id"]

        # Search (the API's) by mailbox: and tag:, the same thing.
        for query, expected in (("mailbox:billing", ["f@billing.test", "b@billing.test"]),
                                ("tag:crm", ["e@x.test", "d@x.test"]),
                                ("mailbox:Inbox", ["a@x.test"]),
                                ("tag:shop", ["c@x.test"])):
            found = self.curl_json(server, "/api/v1/search?query="
                                   + urllib.parse.quote(query))
            self.assertEqual([m["ID"] for m in found["messages"]],
                             [str(ids[to]) for to in expected], (query, found))
            self.assertEqual(found["messages_count"], len(expected))
        # Tags: the mailboxes other than Inbox.
        listed = self.curl_json(server, "/api/v1/messages")
        tags = {m["ID"]: m["Tags"] for m in listed["messages"]}
        self.assertEqual(tags[str(ids["a@x.test"])], [])
        self.assertEqual(tags[str(ids["b@billing.test"])], ["billing"])
        self.assertEqual(tags[str(ids["c@x.test"])], ["shop"])
        self.assertEqual(listed["tags"], ["billing", "crm", "shop"])
        self.assertEqual(self.curl_json(server, "/api/v1/tags"), ["billing", "crm", "shop"])
        self.assertEqual(self.curl_json(server, "/api/v1/info")["Tags"],
                         {"billing": 2, "crm": 2, "shop": 1})
        one = self.curl_json(server, "/api/v1/message/%d" % ids["d@x.test"])
        self.assertEqual(one["Tags"], ["crm"])
        server.stop()

        # --list --mailbox: one mailbox, oldest first, with the mailboxes in each line.
        billing = self.list_mailbox("billing")
        self.assertEqual([m["rcpttos"] for m in billing], [["b@billing.test"], ["f@billing.test"]])
        self.assertEqual([m["mailboxes"] for m in billing], [["billing"], ["billing"]])
        self.assertEqual([m["id"] for m in self.list_mailbox("Inbox")], [ids["a@x.test"]])
        self.assertEqual(self.list_mailbox("nothing-here"), [])
        everything = harness.run_usage(["--list", "--json", "--database", self.database])
        lines = [json.loads(line) for line in everything.stdout.decode().splitlines()]
        self.assertEqual(len(lines), len(cases))
        self.assertTrue(all("mailboxes" in line for line in lines), lines)

    def test_listeners_in_the_order_given_across_smtp_and_smtps(self):
        # --smtps before --smtp: the readiness line lists them so, whatever the flag.
        server = self.start_server("--smtps", "127.0.0.1:0=secure", "--smtp", "127.0.0.1:0=plain",
                                   "--database", ":memory:", *harness.tls_args(), smtp=None)
        listeners = server.ready["listeners"]
        self.assertEqual([(list(entry)[0], entry["mailbox"]) for entry in listeners],
                         [("smtps", "secure"), ("smtp", "plain")], server.ready)
        # "smtp" and "smtps" stay the first of each kind.
        self.assertEqual(listeners[0]["smtps"], server.ready["smtps"])
        self.assertEqual(listeners[1]["smtp"], server.ready["smtp"])
        # Each port routes as listed: the plain one to "plain".
        self.send(server.port, "a@x.test")
        self.assertEqual(server.next_message()["mailboxes"], ["plain"])

    def test_auth_user_that_is_no_mailbox_name_is_refused(self):
        # With --mailbox-from-auth the AUTH user name is to name the mailbox: one that cannot
        # (an address here) is refused at AUTH with a line that says why, so that its mail does
        # not land in the listener's mailbox unasked.
        server = self.start("--mailbox-from-auth")
        port = harness.split_address(server.ready["listeners"][1]["smtp"])[1]
        with smtplib.SMTP("127.0.0.1", port, timeout=harness.IO_TIMEOUT) as client:
            with self.assertRaises(smtplib.SMTPAuthenticationError) as caught:
                client.login("dev@example.com", "any password")
            self.assertEqual(caught.exception.smtp_code, 535)
            self.assertEqual(caught.exception.smtp_error.decode(),
                             "5.7.8 AUTH user name 'dev@example.com' is no mailbox name "
                             "(1-64 of A-Z a-z 0-9 . _ -)")
        # --auth checks the passwords too, and a configured user that could never name a
        # mailbox is a usage error at start.
        server.stop()
        result = harness.run_usage(["--no-gui", "--smtp", "127.0.0.1:0", "--mailbox-from-auth",
                                    "--auth", "dev@example.com:pw", "--auth", "crm:pw"])
        self.assertEqual(result.returncode, 2, result.stderr)
        lines = result.stderr.decode().strip().splitlines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("--auth: user 'dev@example.com' is no mailbox name", lines[0])
        server = self.start("--mailbox-from-auth", "--auth", "crm:pw")
        port = harness.split_address(server.ready["listeners"][1]["smtp"])[1]
        with smtplib.SMTP("127.0.0.1", port, timeout=harness.IO_TIMEOUT) as client:
            with self.assertRaises(smtplib.SMTPAuthenticationError) as caught:
                client.login("crm", "wrong")
            self.assertIn(b"credentials invalid", caught.exception.smtp_error)
        with smtplib.SMTP("127.0.0.1", port, timeout=harness.IO_TIMEOUT) as client:
            client.login("crm", "pw")
            client.sendmail("app@x.test", ["a@x.test"], "Subject: s\r\n\r\nbody\r\n")
        self.assertEqual(server.next_message()["mailboxes"], ["crm"])

    def test_auth_user_without_the_flag_is_no_mailbox(self):
        server = self.start("--auth-accept-any")
        port = harness.split_address(server.ready["listeners"][1]["smtp"])[1]
        self.send(port, "a@x.test", "crm")
        self.assertEqual(server.next_message()["mailboxes"], ["shop"])

    def test_send_api_tags_are_mailboxes(self):
        server = self.start()
        host, port = harness.split_address(server.ready["http"])
        body = json.dumps({"From": {"Email": "app@x.test"}, "To": [{"Email": "a@y.test"}],
                           "Subject": "sent", "Text": "hi", "Tags": ["shop", "not a name"]})
        result = harness.run_tool(["curl", "--silent", "--fail", "--max-time", "10", "-H",
                                   "Content-Type: application/json", "--data-binary", body,
                                   "http://%s:%d/api/v1/send" % (host, port)], timeout=15)
        self.assertEqual(result.returncode, 0, result.stderr)
        event = server.next_message()
        self.assertEqual(event["mailboxes"], ["shop"], event)
        self.assertEqual(self.curl_json(server, "/api/v1/message/%d" % event["id"])["Tags"],
                         ["shop"])

    def test_usage_errors(self):
        for args, flag in ((["--no-gui", "--smtp", "127.0.0.1:0=bad name"], "--smtp"),
                           (["--no-gui", "--smtp", "127.0.0.1:0="], "--smtp"),
                           (["--no-gui", "--smtp", "127.0.0.1:0=" + "x" * 65], "--smtp"),
                           (["--list", "--mailbox", "a/b"], "--mailbox"),
                           (["--no-gui", "--mailbox", "shop"], "--mailbox")):
            result = harness.run_usage(args)
            self.assertEqual(result.returncode, 2, (args, result.stderr))
            lines = result.stderr.decode().strip().splitlines()
            self.assertEqual(len(lines), 1, lines)
            self.assertIn(flag, lines[0])
        with open(self.rules, "w") as f:
            json.dump({"rules": [{"match": "*", "action": "accept", "mailbox": "no way"}]}, f)
        result = harness.run_usage(["--no-gui", "--smtp", "127.0.0.1:0", "--rules", self.rules])
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("no way", result.stderr.decode())
        self.assertIn("--rules", result.stderr.decode())

    def test_help_names_the_flags(self):
        result = harness.run_usage(["--help"])
        text = " ".join(result.stdout.decode().split())
        for flag in ("ADDR:PORT[=MAILBOX]", "--mailbox-from-auth", "--mailbox <NAME>",
                     "in each mailbox"):
            self.assertIn(flag, text)

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_import(self):
        eml = self.write("one.eml", b"From: A <a@x.test>\r\nTo: b@y.test, \"C\" <c@y.test>\r\n"
                                    b"Subject: one\r\n\r\nbody\r\n")
        mbox = self.write("box.mbox", b"From a@x.test Sat Jan  1 00:00:00 2026\nFrom: a@x.test\n"
                                      b"To: d@y.test\nSubject: m1\n\n>From the start\n\n"
                                      b"From b@x.test Sat Jan  1 00:00:00 2026\nFrom: b@x.test\n"
                                      b"Subject: m2\n\nbye\n")
        text = self.write("notes.txt", b"just some text\n")
        binary = self.write("blob.bin", bytes(range(256)))
        empty = self.write("empty.eml", b"")
        missing = os.path.join(self.dir, "missing.eml")

        # Any bad file: one line each naming it, exit 2, nothing stored (no store made even).
        result = harness.run_usage(["import", "--database", self.database, eml, text, binary,
                                    empty, missing, mbox])
        self.assertEqual(result.returncode, 2, result.stderr)
        lines = result.stderr.decode().strip().splitlines()
        self.assertEqual(len(lines), 4, lines)
        for bad, line in zip((text, binary, empty, missing), lines):
            self.assertIn(bad, line)
        self.assertFalse(os.path.exists(self.database))

        result = harness.run_usage(["import", "--database", self.database, "--mailbox", "old",
                                    eml, mbox])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"imported 3 messages into old\n")
        listed = self.list_mailbox("old")
        self.assertEqual([m["subject"] for m in listed], ["one", "m1", "m2"])
        self.assertEqual(listed[0]["rcpttos"], ["b@y.test", "c@y.test"])
        self.assertEqual(listed[0]["mailfrom"], "a@x.test")
        self.assertEqual(listed[1]["rcpttos"], ["d@y.test"])
        self.assertRegex(listed[0]["receivedAt"], harness.RECEIVED_AT)
        # The bytes as they were (an mbox's ">From " unescaped).
        server = self.start_server("--database", self.database, "--http", "127.0.0.1:0")
        host, port = harness.split_address(server.ready["http"])
        for message, expected in ((listed[0], open(eml, "rb").read()),
                                  (listed[1], b"From: a@x.test\nTo: d@y.test\nSubject: m1\n\n"
                                              b"From the start\n")):
            raw = harness.run_tool(["curl", "--silent", "--fail", "http://%s:%d/api/v1/message/"
                                    "%d/raw" % (host, port, message["id"])])
            self.assertEqual(raw.stdout, expected)

        # Without --mailbox: Inbox; a bad --mailbox is a usage error.
        result = harness.run_usage(["import", "--database", self.database, eml])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"imported 1 message into Inbox\n")
        self.assertEqual(len(self.list_mailbox("Inbox")), 1)
        result = harness.run_usage(["import", "--database", self.database, "--mailbox", "a b",
                                    eml])
        self.assertEqual(result.returncode, 2)
        self.assertIn("--mailbox", result.stderr.decode())


if __name__ == "__main__":
    unittest.main()
