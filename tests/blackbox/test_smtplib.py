"""Blackbox: Python's smtplib against the real smtp-receiver binary (contract.md)."""

import base64
import json
import os
import smtplib
import sys
import threading
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

HELO = "client.example"  # never let smtplib look up the FQDN (slow, varies)
SUBJECT = "Grüße aus Köln – テスト ✓ 📧 with enough text to make the encoded header fold"

RULES = {
    "default": "accept",
    "rules": [
        {"match": "/^([^+@]+)\\+[^@]*(@.*)$/", "action": "rewrite", "to": "\\1\\2"},
        {"match": "alice@example.com", "action": "accept"},
        {"match": "*@example.com", "action": "reject", "code": 553,
         "message": "Mailbox name invalid"},
        {"match": "/^spam[0-9]+@/", "action": "reject"},
    ],
}


def multipart_message(sender="sender@example.org", to="rcpt@example.net"):
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = SUBJECT
    msg.set_content("Hello in plain text.\n"
                    ".a line that starts with a dot (stuffed on the wire)\n"
                    "..and one with two\n"
                    ".\n"
                    "the line above was a lone dot\n")
    msg.add_alternative("<html><body><p>Hällo <b>HTML</b> – ✓</p>\n"
                        "<p>.dot</p></body></html>\n", subtype="html")
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename="report.pdf")
    return msg


def wire_bytes(msg):
    """The message octets as smtplib sends them (CRLF line ends), before dot-stuffing."""
    data = msg.as_bytes(policy=SMTP_POLICY)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b""), "bare LF would be rewritten by smtplib"
    assert b"\r" not in data.replace(b"\r\n", b""), "bare CR would be rewritten by smtplib"
    return data


def simple_message(subject="hi", body="hello\r\n"):
    return ("From: a@example.org\r\nTo: b@example.net\r\nSubject: %s\r\n\r\n%s"
            % (subject, body)).encode("utf-8")


class SmtplibTest(harness.ServerTestCase):

    def connect(self, server, port=None):
        client = smtplib.SMTP("127.0.0.1", port or server.port, local_hostname=HELO,
                              timeout=harness.IO_TIMEOUT)
        self.addCleanup(client.close)
        return client

    # -- plain ------------------------------------------------------------------------------

    def test_plain_multipart_message_event(self):
        server = self.start_server()
        msg = multipart_message()
        data = wire_bytes(msg)
        with self.connect(server) as client:
            client.ehlo()
            self.assertTrue(client.has_extn("pipelining"))
            self.assertTrue(client.has_extn("8bitmime"))
            self.assertTrue(client.has_extn("smtputf8"))
            self.assertTrue(client.has_extn("enhancedstatuscodes"))
            self.assertTrue(client.has_extn("chunking"))
            self.assertEqual(client.esmtp_features.get("size"), "26214400")
            self.assertFalse(client.has_extn("starttls"), "STARTTLS offered without a cert")
            self.assertFalse(client.has_extn("auth"), "AUTH offered without --auth")
            refused = client.sendmail("sender@example.org", ["rcpt@example.net",
                                                             "second@example.net"], data)
            self.assertEqual(refused, {})
            first = server.next_message()
            self.assertMessageEvent(first, mailfrom="sender@example.org",
                                    rcpttos=["rcpt@example.net", "second@example.net"],
                                    size=len(data), subject=SUBJECT, tls=False, helo=HELO)
            # A second message: ids increase; the null reverse path is "".
            client.sendmail("<>", ["rcpt@example.net"], simple_message("second"))
            second = server.next_message()
            self.assertMessageEvent(second, mailfrom="", rcpttos=["rcpt@example.net"],
                                    size=len(simple_message("second")), subject="second",
                                    tls=False)
            self.assertGreater(second["id"], first["id"])
        server.assert_no_event()

    def test_send_message_and_no_subject(self):
        server = self.start_server()
        with self.connect(server) as client:
            body = b"From: a@example.org\r\nTo: b@example.net\r\n\r\nno subject here\r\n"
            client.sendmail("a@example.org", ["b@example.net"], body)
            self.assertMessageEvent(server.next_message(), subject="", size=len(body))

    def test_reply_codes_carry_enhanced_status(self):
        server = self.start_server()
        with self.connect(server) as client:
            client.ehlo()
            code, text = client.mail("a@example.org")
            self.assertEqual((code, text[:6]), (250, b"2.1.0 "))
            code, text = client.rcpt("b@example.net")
            self.assertEqual((code, text[:6]), (250, b"2.1.5 "))
            code, text = client.mail("c@example.org")
            self.assertEqual((code, text[:6]), (503, b"5.5.1 "))
            code, text = client.rset()
            self.assertEqual(code, 250)
            self.assertRegex(text, rb"^2\.\d{1,3}\.\d{1,3} ")
            code, text = client.noop()
            self.assertEqual(code, 250)
            self.assertRegex(text, rb"^2\.\d{1,3}\.\d{1,3} ")

    # -- TLS --------------------------------------------------------------------------------

    def test_starttls(self):
        server = self.start_server(*harness.tls_args())
        with self.connect(server) as client:
            client.ehlo()
            self.assertTrue(client.has_extn("starttls"))
            client.starttls(context=harness.client_context())
            client.ehlo()
            self.assertFalse(client.has_extn("starttls"), "STARTTLS offered again after TLS")
            data = simple_message("over tls")
            client.sendmail("a@example.org", ["b@example.net"], data)
            self.assertMessageEvent(server.next_message(), tls=True, subject="over tls",
                                    size=len(data), helo=HELO)

    def test_require_tls(self):
        server = self.start_server("--require-tls", *harness.tls_args())
        with self.connect(server) as client:
            client.ehlo()
            code, text = client.mail("a@example.org")
            self.assertEqual(code, 530, text)
            self.assertTrue(text.startswith(b"5.7.0"), text)
            code, _ = client.noop()
            self.assertEqual(code, 250)
            client.starttls(context=harness.client_context())
            client.ehlo()
            client.sendmail("a@example.org", ["b@example.net"], simple_message("after tls"))
            self.assertMessageEvent(server.next_message(), tls=True, subject="after tls")

    def test_require_tls_with_auth(self):
        server = self.start_server("--require-tls", "--auth", "user:secret", *harness.tls_args())
        with self.connect(server) as client:
            client.ehlo()
            self.assertFalse(client.has_extn("auth"), "AUTH offered before STARTTLS")
            # everything but EHLO, HELO, NOOP, RSET, STARTTLS and QUIT: 530 5.7.0
            for command in ("AUTH PLAIN AHVzZXIAc2VjcmV0", "VRFY b@example.net", "HELP",
                            "MAIL FROM:<a@example.org>", "RCPT TO:<b@example.net>", "DATA"):
                with self.subTest(command=command):
                    code, text = client.docmd(command)
                    self.assertEqual(code, 530, text)
                    self.assertTrue(text.startswith(b"5.7.0"), text)
            for command in ("NOOP", "RSET", "HELO client.example"):
                with self.subTest(command=command):
                    self.assertEqual(client.docmd(command)[0], 250)
            client.ehlo()
            client.starttls(context=harness.client_context())
            client.ehlo()
            self.assertTrue(client.has_extn("auth"), "AUTH not offered after STARTTLS")
            code, text = client.mail("a@example.org")
            self.assertEqual(code, 530, text)  # TLS alone is not AUTH
            client.rset()
            client.login("user", "secret")
            client.sendmail("a@example.org", ["b@example.net"], simple_message("tls+auth"))
            self.assertMessageEvent(server.next_message(), tls=True, subject="tls+auth")

    def test_smtps(self):
        server = self.start_server("--smtps", "127.0.0.1:0", *harness.tls_args())
        self.assertIn("smtps", server.ready)
        self.assertIsNotNone(server.smtps_port)
        self.assertNotEqual(server.smtps_port, server.port)
        client = smtplib.SMTP_SSL("127.0.0.1", server.smtps_port, local_hostname=HELO,
                                  timeout=harness.IO_TIMEOUT, context=harness.client_context())
        self.addCleanup(client.close)
        with client:
            client.ehlo()
            self.assertFalse(client.has_extn("starttls"), "STARTTLS offered on implicit TLS")
            data = simple_message("implicit")
            client.sendmail("a@example.org", ["b@example.net"], data)
            self.assertMessageEvent(server.next_message(), tls=True, subject="implicit",
                                    size=len(data))
        # The plain listener still serves plaintext next to it.
        with self.connect(server) as client:
            client.sendmail("a@example.org", ["b@example.net"], simple_message("plain"))
            self.assertMessageEvent(server.next_message(), tls=False, subject="plain")

    # -- AUTH -------------------------------------------------------------------------------

    def login_with(self, server, mechanism, password="secret"):
        client = self.connect(server)
        client.ehlo()
        self.assertTrue(client.has_extn("auth"))
        offered = client.esmtp_features["auth"].upper().split()
        for m in ("PLAIN", "LOGIN", "CRAM-MD5"):
            self.assertIn(m, offered)
        if mechanism:
            client.esmtp_features["auth"] = mechanism  # make login() pick exactly this one
        client.login("user", password)
        return client

    def test_auth_mechanisms(self):
        server = self.start_server("--auth", "user:secret")
        for mechanism in ("PLAIN", "LOGIN", "CRAM-MD5", None):
            with self.subTest(mechanism=mechanism):
                with self.login_with(server, mechanism) as client:
                    client.sendmail("a@example.org", ["b@example.net"],
                                    simple_message("auth %s" % mechanism))
                    self.assertMessageEvent(server.next_message(),
                                            subject="auth %s" % mechanism)

    def test_auth_wrong_password(self):
        server = self.start_server("--auth", "user:secret")
        for mechanism in ("PLAIN", "LOGIN", "CRAM-MD5"):
            with self.subTest(mechanism=mechanism):
                with self.assertRaises(smtplib.SMTPAuthenticationError) as caught:
                    self.login_with(server, mechanism, password="wrong")
                self.assertEqual(caught.exception.smtp_code, 535)
                self.assertTrue(caught.exception.smtp_error.startswith(b"5.7.8"),
                                caught.exception.smtp_error)
        server.assert_no_event()

    def test_auth_several_users_and_colon_in_password(self):
        server = self.start_server("--auth", "user:secret", "--auth", "other:pa:ss")
        for user, password in (("user", "secret"), ("other", "pa:ss")):
            with self.subTest(user=user):
                client = self.connect(server)
                client.ehlo()
                client.login(user, password)
                client.sendmail("a@example.org", ["b@example.net"], simple_message(user))
                self.assertMessageEvent(server.next_message(), subject=user)
                client.quit()
        with self.connect(server) as client:
            client.ehlo()
            with self.assertRaises(smtplib.SMTPAuthenticationError):
                client.login("other", "secret")  # another user's password

    def test_auth_accept_any(self):
        server = self.start_server("--auth-accept-any")
        with self.connect(server) as client:
            client.ehlo()
            self.assertTrue(client.has_extn("auth"))
            client.login("anyone", "anything")
            client.sendmail("a@example.org", ["b@example.net"], simple_message("any"))
            self.assertMessageEvent(server.next_message(), subject="any")

    def test_auth_required_for_mail(self):
        server = self.start_server("--auth", "user:secret")
        with self.connect(server) as client:
            client.ehlo()
            code, text = client.mail("a@example.org")
            self.assertEqual(code, 530, text)
            self.assertTrue(text.startswith(b"5.7.0"), text)
            with self.assertRaises(smtplib.SMTPSenderRefused):
                client.sendmail("a@example.org", ["b@example.net"], simple_message())
        server.assert_no_event()

    def test_subject_decoding(self):
        server = self.start_server()
        cases = [
            ("=?ISO-8859-1?Q?Caf=E9?= au lait", "Café au lait"),
            ("=?UTF-8?B?w7xiZXI=?= =?UTF-8?B?IGFsbGVz?=", "über alles"),  # RFC 2047 6.2
            ("=?utf-8?q?a_b?= c", "a b c"),
            ("plain text\r\n folded", "plain text folded"),
            ("=?UTF-8?Q?=E2=9C=93?=\r\n =?UTF-8?Q?_done?=", "✓ done"),
        ]
        with self.connect(server) as client:
            for raw, decoded in cases:
                with self.subTest(raw=raw):
                    data = ("From: a@example.org\r\nSubject: %s\r\nTo: b@example.net\r\n\r\n"
                            "x\r\n" % raw).encode()
                    client.sendmail("a@example.org", ["b@example.net"], data)
                    self.assertMessageEvent(server.next_message(), subject=decoded,
                                            size=len(data))

    def test_json_escaping(self):
        server = self.start_server()
        subject = 'He said "hi" \\ back\tslash, line1\nline2 \x01 end'
        encoded = "=?UTF-8?B?%s?=" % base64.b64encode(subject.encode()).decode()
        sender = '"john \\"q\\" doe"@example.org'
        data = ("Subject: %s\r\n\r\nx\r\n" % encoded).encode()
        with self.connect(server) as client:
            client.ehlo()
            self.assertEqual(client.docmd("MAIL FROM:<%s>" % sender)[0], 250)
            self.assertEqual(client.rcpt("b@example.net")[0], 250)
            self.assertEqual(client.data(data)[0], 250)
        line = server.next_line()
        self.assertEqual(line.count("\n"), 1, line)  # one line whatever the subject holds
        event = json.loads(line)
        self.assertMessageEvent(event, subject=subject, mailfrom=sender)

    def test_concurrent_clients(self):
        server = self.start_server()
        count = 40
        errors = []

        def send(i):
            try:
                with smtplib.SMTP("127.0.0.1", server.port, local_hostname=HELO,
                                  timeout=harness.IO_TIMEOUT) as client:
                    client.sendmail("a@example.org", ["r%d@example.net" % i],
                                    simple_message("parallel %d" % i))
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append((i, e))

        threads = [threading.Thread(target=send, args=(i,)) for i in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(harness.IO_TIMEOUT * 2)
        self.assertEqual(errors, [])
        events = [server.next_message() for _ in range(count)]
        self.assertEqual(sorted(e["subject"] for e in events),
                         sorted("parallel %d" % i for i in range(count)))
        self.assertEqual(len({e["id"] for e in events}), count, "ids are not unique")
        for e in events:
            self.assertEqual(e["rcpttos"], ["r%s@example.net" % e["subject"].split()[1]])
        server.assert_no_event()

    def test_large_message(self):
        server = self.start_server()
        line = b"0123456789" * 7 + b"\r\n"
        data = b"Subject: large\r\n\r\n" + line * (8 * 1024 * 1024 // len(line))
        with self.connect(server) as client:
            client.sendmail("a@example.org", ["b@example.net"], data)
        self.assertMessageEvent(server.next_message(), subject="large", size=len(data))

    # -- Maildir ----------------------------------------------------------------------------

    def test_maildir(self):
        directory = os.path.join(self.make_tempdir(), "Maildir")
        server = self.start_server("--maildir", directory)
        for sub in ("new", "cur", "tmp"):
            self.assertTrue(os.path.isdir(os.path.join(directory, sub)), sub)
        data = wire_bytes(multipart_message())
        with self.connect(server) as client:
            client.sendmail("sender@example.org", ["rcpt@example.net", "cc@example.net"], data)
        event = self.assertMessageEvent(server.next_message(), size=len(data))
        files = harness.maildir_files(directory)
        self.assertEqual(len(files), 1, files)
        with open(files[0], "rb") as f:
            content = f.read()
        self.assertEqual(content,
                         b"Return-Path: <sender@example.org>\r\n"
                         b"Delivered-To: <rcpt@example.net>\r\n"
                         b"Delivered-To: <cc@example.net>\r\n" + data)
        self.assertEqual(os.listdir(os.path.join(directory, "tmp")), [])
        self.assertEqual(event["rcpttos"], ["rcpt@example.net", "cc@example.net"])

    # -- rules and VRFY ---------------------------------------------------------------------

    def write_rules(self, rules):
        path = os.path.join(self.make_tempdir(), "rules.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(rules, f)
        return path

    def test_rules(self):
        server = self.start_server("--rules", self.write_rules(RULES))
        with self.connect(server) as client:
            client.ehlo()
            self.assertEqual(client.mail("a@example.org")[0], 250)
            # rewrite, then the default accept
            self.assertEqual(client.rcpt("bob+news@example.org")[0], 250)
            # rewrite, then the explicit accept that precedes the *@example.com reject
            self.assertEqual(client.rcpt("alice+tag@example.com")[0], 250)
            code, text = client.rcpt("carol@example.com")
            self.assertEqual(code, 553, text)
            self.assertIn(b"Mailbox name invalid", text)
            self.assertRegex(text, rb"^5\.\d{1,3}\.\d{1,3} ")
            code, text = client.rcpt("CAROL@EXAMPLE.COM")  # globs are case-insensitive
            self.assertEqual(code, 553, text)
            code, text = client.rcpt("spam42@example.net")  # regex reject, default code
            self.assertEqual(code, 550, text)
            self.assertEqual(text, b"5.1.1 Mailbox unavailable")
            self.assertEqual(client.rcpt("ham@example.net")[0], 250)
            code, text = client.data(simple_message("rules"))
            self.assertEqual(code, 250, text)
        self.assertMessageEvent(server.next_message(), subject="rules",
                                rcpttos=["bob@example.org", "alice@example.com",
                                         "ham@example.net"])

    def test_rules_default_reject(self):
        rules = {"default": "reject",
                 "rules": [{"match": "later?@allowed.test", "action": "reject", "code": 451,
                            "message": "Try again later"},
                           {"match": "*@allowed.test", "action": "accept"}]}
        server = self.start_server("--rules", self.write_rules(rules))
        with self.connect(server) as client:
            client.ehlo()
            client.mail("a@example.org")
            code, text = client.rcpt("x@other.test")
            self.assertEqual((code, text), (550, b"5.1.1 Mailbox unavailable"))
            self.assertEqual(client.rcpt("x@allowed.test")[0], 250)
            code, text = client.rcpt("later1@allowed.test")  # '?' is one character
            self.assertEqual(code, 451, text)
            self.assertRegex(text, rb"^4\.\d{1,3}\.\d{1,3} Try again later$")
            self.assertEqual(client.rcpt("later12@allowed.test")[0], 250)

    def test_vrfy(self):
        server = self.start_server("--rules", self.write_rules(RULES))
        with self.connect(server) as client:
            client.ehlo()
            for address in ("alice@example.com", "bob+x@example.org", "someone@example.net"):
                with self.subTest(address=address):
                    code, text = client.verify(address)
                    self.assertIn(code, (250, 252), text)
            for address, expected in (("carol@example.com", 553), ("spam1@example.net", 550)):
                with self.subTest(address=address):
                    code, text = client.verify(address)
                    self.assertEqual(code, expected, text)
            # a path in angle brackets is the same address
            self.assertEqual(client.docmd("VRFY <carol@example.com>")[0], 553)
            self.assertIn(client.docmd("VRFY <alice@example.com>")[0], (250, 252))
        server.assert_no_event()

    # -- size -------------------------------------------------------------------------------

    def sized_message(self, size):
        """A message of exactly `size` octets whose body lines start with dots (stuffed)."""
        head = b"Subject: sized\r\n\r\n"
        lines = []
        left = size - len(head)
        while left > 0:
            n = min(60, left)
            if n < 3:
                lines[-1] = lines[-1][:-2] + b"x" * n + b"\r\n"
                break
            lines.append(b"." + b"a" * (n - 3) + b"\r\n")
            left -= n
        data = head + b"".join(lines)
        self.assertEqual(len(data), size)
        return data

    def test_max_message_size(self):
        server = self.start_server("--max-message-size", "1000")
        with self.connect(server) as client:
            client.ehlo()
            self.assertEqual(client.esmtp_features.get("size"), "1000")
            # exactly the limit (after dot-unstuffing; the wire carries more): accepted
            exact = self.sized_message(1000)
            client.sendmail("a@example.org", ["b@example.net"], exact)  # declares SIZE=1000
            self.assertMessageEvent(server.next_message(), size=1000, subject="sized")
            # declared SIZE above the limit: 552 at MAIL
            with self.assertRaises(smtplib.SMTPSenderRefused) as caught:
                client.sendmail("a@example.org", ["b@example.net"], self.sized_message(1001))
            self.assertEqual(caught.exception.smtp_code, 552)
            client.rset()
            # undeclared, one octet too many: the body is read to its end, then 552
            self.assertEqual(client.mail("a@example.org")[0], 250)
            self.assertEqual(client.rcpt("b@example.net")[0], 250)
            code, text = client.data(self.sized_message(1001))
            self.assertEqual(code, 552, text)
            self.assertTrue(text.startswith(b"5.3.4"), text)
            # the session goes on
            self.assertEqual(client.noop()[0], 250)
            client.sendmail("a@example.org", ["b@example.net"], simple_message("small"))
            self.assertMessageEvent(server.next_message(), subject="small")
        server.assert_no_event()

    # -- SMTPUTF8 ---------------------------------------------------------------------------

    def test_smtputf8(self):
        server = self.start_server()
        sender = "jörg@exämple.org"
        rcpt = "用户@例子.广告"
        data = ("From: %s\r\nTo: %s\r\nSubject: ünïcödé ✓\r\n\r\nbody ✓\r\n"
                % (sender, rcpt)).encode("utf-8")
        with self.connect(server) as client:
            client.ehlo()
            self.assertTrue(client.has_extn("smtputf8"))
            refused = client.sendmail(sender, [rcpt], data,
                                      mail_options=["SMTPUTF8", "BODY=8BITMIME"])
            self.assertEqual(refused, {})
        self.assertMessageEvent(server.next_message(), mailfrom=sender, rcpttos=[rcpt],
                                size=len(data), subject="ünïcödé ✓")


if __name__ == "__main__":
    harness.main()
