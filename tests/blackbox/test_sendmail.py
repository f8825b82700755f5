"""Blackbox: `smtp-receiver sendmail` and a link named sendmail, driven the way PHP's mail(),
cron and scripts drive sendmail, against a real `smtp-receiver --no-gui` (contract.md)."""

import json
import os
import re
import socket
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

USER = "tester"  # the default envelope sender is $USER@localhost

RULES = {
    "default": "accept",
    "rules": [
        {"match": "*@blocked.test", "action": "reject", "code": 553,
         "message": "Mailbox name invalid"},
        {"match": "*@later.test", "action": "reject", "code": 450, "message": "Try later"},
    ],
}

# What PHP's mail() writes into popen("sendmail -t -i") (ext/standard/mail.c): a To and a
# Subject line, the extra headers (joined by CRLF since PHP 8), a blank line, the message. Line
# ends are mixed LF and CRLF, as PHP has written them (mail.mixed_lf_and_crlf in later versions).
# The message has a line that starts with a dot and a lone dot line, which -i must keep.
PHP_LIKE_INPUT = (b"To: to@example.org, \"Doe, J\" <j@example.net>\n"
                  b"Subject: Welcome\n"
                  b"From: App <app@example.org>\r\n"
                  b"Cc: cc@example.net\r\n"
                  b"Bcc: hidden1@example.net,\r\n"
                  b" hidden2@example.net\r\n"
                  b"X-Mailer: PHP/8\n"
                  b"\n"
                  b"Hello,\n"
                  b".a line that starts with a dot\n"
                  b".\n"
                  b"after the lone dot\n")


def message_part(path, recipients):
    """The message octets of a Maildir file: what follows Return-Path and Delivered-To."""
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\r\n", 1 + len(recipients))
    if not lines[0].startswith(b"Return-Path: <"):
        raise AssertionError("no Return-Path line in %r" % data[:200])
    for line, rcpt in zip(lines[1:], recipients):
        if line != b"Delivered-To: <" + rcpt.encode() + b">":
            raise AssertionError("unexpected Delivered-To line %r" % line)
    return lines[-1]


def header_of(message):
    return message.split(b"\r\n\r\n", 1)[0]


class SendmailCase(harness.ServerTestCase):
    """Runs sendmail as `smtp-receiver sendmail` or through a link named sendmail."""

    def setUp(self):
        super().setUp()
        self.home = self.make_tempdir()
        # Where PHP and cron expect it: an executable named sendmail, here a link to the binary.
        self.link = os.path.join(self.make_tempdir(), "sendmail")
        os.symlink(harness.binary(), self.link)

    def env(self, **extra):
        env = harness.server_env(self.home)
        env.pop("SMTP_RECEIVER_SMTP", None)
        env["USER"] = USER
        env.update(extra)
        return env

    def sendmail(self, args, input=b"", via_link=False, **env):
        """Runs sendmail to completion (bounded): (returncode, stdout, stderr text)."""
        command = [self.link] if via_link else [harness.binary(), "sendmail"]
        try:
            result = subprocess.run(command + list(args), input=input, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, timeout=harness.IO_TIMEOUT * 2,
                                    env=self.env(**env))
        except subprocess.TimeoutExpired as e:
            raise AssertionError("sendmail %r did not finish; stderr=%r" % (args, e.stderr))
        return result.returncode, result.stdout, result.stderr.decode("utf-8", "replace")

    def assertOneLine(self, stderr, *mentions):
        self.assertTrue(stderr.endswith("\n"), repr(stderr))
        self.assertEqual(len(stderr.splitlines()), 1, repr(stderr))
        self.assertTrue(stderr.startswith("smtp-receiver sendmail: "), repr(stderr))
        for mention in mentions:
            self.assertIn(mention, stderr)

    def start_catcher(self, *args):
        self.maildir = os.path.join(self.make_tempdir(), "md")
        return self.start_server("--database", ":memory:", "--maildir", self.maildir, *args)

    def stored(self, event):
        files = harness.maildir_files(self.maildir)
        self.assertEqual(len(files), 1, files)
        message = message_part(files[0], event["rcpttos"])
        self.assertEqual(len(message), event["size"], event)
        os.unlink(files[0])
        return message

    def assertWellFormed(self, message):
        """CRLF everywhere, and the fields sendmail adds when they are missing."""
        self.assertNotIn(b"\n", message.replace(b"\r\n", b""), "a bare LF reached the wire")
        self.assertNotIn(b"\r", message.replace(b"\r\n", b""), "a bare CR reached the wire")
        header = header_of(message)
        self.assertRegex(header, rb"(?m)^Date: [A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} "
                                 rb"\d\d:\d\d:\d\d [+-]\d{4}\r?$")
        self.assertRegex(header, rb"(?m)^Message-ID: <[^<>@\s]+@[^<>@\s]+>\r?$")
        self.assertRegex(header, rb"(?m)^From: ")


class SendmailTest(SendmailCase):

    # -- (a) what PHP's mail() does, through a link named sendmail ----------------------------

    def test_php_like_invocation_through_link(self):
        server = self.start_catcher()
        # popen("sendmail -t -i", "w"): write everything, close, wait.
        proc = subprocess.Popen([self.link, "-t", "-i"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.env(SMTP_RECEIVER_SMTP="127.0.0.1:%d" % server.port))
        try:
            stdout, stderr = proc.communicate(PHP_LIKE_INPUT, timeout=harness.IO_TIMEOUT * 2)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise AssertionError("sendmail -t -i did not finish")
        self.assertEqual((proc.returncode, stdout, stderr), (0, b"", b""))
        event = self.assertMessageEvent(
            server.next_message(), mailfrom=USER + "@localhost", subject="Welcome",
            rcpttos=["to@example.org", "j@example.net", "cc@example.net", "hidden1@example.net",
                     "hidden2@example.net"])
        message = self.stored(event)
        self.assertWellFormed(message)
        header = header_of(message)
        # Bcc recipients are in the envelope, never in the data: not the field, not its
        # continuation line.
        self.assertNotRegex(header, rb"(?im)^bcc:")
        self.assertNotIn(b"hidden", message)
        self.assertIn(b"\r\nFrom: App <app@example.org>\r\n", header + b"\r\n")
        self.assertEqual(len(re.findall(rb"(?m)^From: ", header)), 1, header)
        self.assertIn(b"\r\nTo: to@example.org, \"Doe, J\" <j@example.net>\r\n", b"\r\n" + header)
        self.assertIn(b"\r\nX-Mailer: PHP/8", header)
        # -i: the lone dot is text; dot-stuffing went there and back unharmed.
        self.assertTrue(message.endswith(b"\r\n\r\nHello,\r\n.a line that starts with a dot\r\n"
                                         b".\r\nafter the lone dot\r\n"), message)
        server.assert_no_event()

    # -- (b) real PHP ------------------------------------------------------------------------

    def test_php_mail(self):
        php = harness.require_tool("php")
        server = self.start_catcher()
        sendmail_path = "%s -t -i --smtp 127.0.0.1:%d" % (self.link, server.port)
        script = ('var_dump(mail("rcpt@example.net", "From PHP", "Line one\\n.\\nLine three",'
                  ' ["From" => "php@example.org", "Bcc" => "secret@example.net"],'
                  ' "-fbounce@example.org"));')
        result = harness.run_tool([php, "-n", "-d", "sendmail_path=" + sendmail_path,
                                   "-r", script], env=self.env())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), b"bool(true)", result)
        event = self.assertMessageEvent(server.next_message(), subject="From PHP",
                                        mailfrom="bounce@example.org",
                                        rcpttos=["rcpt@example.net", "secret@example.net"])
        message = self.stored(event)
        self.assertWellFormed(message)
        self.assertNotIn(b"secret", message)
        self.assertIn(b"\r\nFrom: php@example.org\r\n", b"\r\n" + header_of(message) + b"\r\n")
        self.assertTrue(message.endswith(b"\r\n\r\nLine one\r\n.\r\nLine three\r\n"), message)

    def test_php_mail_failure_is_false(self):
        # PHP's mail() returns false when sendmail exits non-zero.
        php = harness.require_tool("php")
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
            sendmail_path = "%s -t -i --smtp 127.0.0.1:%d" % (self.link, closed.getsockname()[1])
            result = harness.run_tool([php, "-n", "-d", "sendmail_path=" + sendmail_path, "-r",
                                       'var_dump(mail("rcpt@example.net", "s", "b"));'],
                                      env=self.env())
        self.assertEqual(result.stdout.strip(), b"bool(false)", result)
        self.assertIn(b"connection refused", result.stderr)

    # -- (c) explicit recipients, -f, -F, and the lone dot ------------------------------------

    def test_explicit_recipients_with_f(self):
        server = self.start_catcher()
        code, stdout, stderr = self.sendmail(
            ["--smtp", "127.0.0.1:%d" % server.port, "-f", "sender@example.org",
             "-F", "Cron Daemon", "-oi", "-odi", "-oem", "-B", "8BITMIME", "-N", "never",
             "one@example.net, \"Doe, J\" <two@example.net>", "root"],
            input=b"Subject: explicit\n\nBcc: in the body is text\n")
        self.assertEqual((code, stdout, stderr), (0, b"", ""))
        event = self.assertMessageEvent(server.next_message(), subject="explicit",
                                        mailfrom="sender@example.org",
                                        rcpttos=["one@example.net", "two@example.net",
                                                 "root@localhost"])
        message = self.stored(event)
        self.assertWellFormed(message)
        self.assertIn(b"\r\nFrom: Cron Daemon <sender@example.org>\r\n",
                      b"\r\n" + header_of(message) + b"\r\n")
        self.assertTrue(message.endswith(b"\r\n\r\nBcc: in the body is text\r\n"), message)

    def test_lone_dot_ends_input_with_the_pipe_open(self):
        # Without -i, "." ends the message: sendmail must submit and exit although the writer
        # has not closed its end.
        server = self.start_catcher()
        proc = subprocess.Popen([self.link, "--smtp", "127.0.0.1:%d" % server.port,
                                 "-f", "<>", "dot@example.net"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self.env())
        try:
            proc.stdin.write(b"Subject: dot\r\n\r\nbefore\r\n.\r\nafter\r\n")
            proc.stdin.flush()
            try:
                code = proc.wait(timeout=harness.IO_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.fail("sendmail waited for end of input after a lone dot")
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.stdin.close()
            stderr = proc.stderr.read()
            proc.stdout.close()
            proc.stderr.close()
            proc.wait()
        self.assertEqual(code, 0, stderr)
        event = self.assertMessageEvent(server.next_message(), subject="dot", mailfrom="",
                                        rcpttos=["dot@example.net"])
        message = self.stored(event)
        self.assertWellFormed(message)
        # The null sender still gets a From field: the default user.
        self.assertIn(b"\r\nFrom: %s@localhost\r\n" % USER.encode(),
                      b"\r\n" + header_of(message) + b"\r\n")
        self.assertTrue(message.endswith(b"\r\n\r\nbefore\r\n"), message)

    # -- (d) nothing listens -----------------------------------------------------------------

    def test_connection_refused(self):
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
            port = closed.getsockname()[1]
            code, stdout, stderr = self.sendmail(["--smtp", "127.0.0.1:%d" % port,
                                                  "a@example.net"], input=b"Subject: x\n\ny\n")
        self.assertEqual(code, 75, stderr)
        self.assertEqual(stdout, b"")
        self.assertOneLine(stderr, "127.0.0.1:%d" % port, "connection refused")

    def test_default_target_from_environment(self):
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
            code, _, stderr = self.sendmail(["a@example.net"], via_link=True,
                                            SMTP_RECEIVER_SMTP="127.0.0.1:%d" % port)
        self.assertEqual(code, 75, stderr)
        self.assertOneLine(stderr, "127.0.0.1:%d" % port)

    # -- (e) refused recipients --------------------------------------------------------------

    def rules_file(self):
        path = os.path.join(self.make_tempdir(), "rules.json")
        with open(path, "w") as f:
            json.dump(RULES, f)
        return path

    def test_rejected_recipient(self):
        server = self.start_catcher("--rules", self.rules_file())
        target = ["--smtp", "127.0.0.1:%d" % server.port]
        with self.subTest("one of two refused: the other still gets it"):
            code, stdout, stderr = self.sendmail(target + ["ok@example.net", "no@blocked.test"],
                                                 input=b"Subject: partly\n\nx\n")
            self.assertEqual(code, 1, stderr)
            self.assertEqual(stdout, b"")
            self.assertOneLine(stderr, "<no@blocked.test>", "553", "Mailbox name invalid")
            self.assertMessageEvent(server.next_message(), subject="partly",
                                    rcpttos=["ok@example.net"])
        with self.subTest("the only recipient refused: nothing sent"):
            code, _, stderr = self.sendmail(target + ["-t"], via_link=True,
                                            input=b"To: no@blocked.test\nSubject: none\n\nx\n")
            self.assertEqual(code, 1, stderr)
            self.assertOneLine(stderr, "recipient <no@blocked.test> rejected: 553")
            server.assert_no_event()
        with self.subTest("two refused: a line each"):
            code, _, stderr = self.sendmail(target + ["a@blocked.test", "b@blocked.test"],
                                            input=b"Subject: none\n\nx\n")
            self.assertEqual(code, 1, stderr)
            lines = stderr.splitlines()
            self.assertEqual(len(lines), 2, stderr)
            self.assertIn("<a@blocked.test>", lines[0])
            self.assertIn("<b@blocked.test>", lines[1])
            server.assert_no_event()
        with self.subTest("refused for now: 75"):
            code, _, stderr = self.sendmail(target + ["ok@example.net", "x@later.test"],
                                            input=b"Subject: later\n\nx\n")
            self.assertEqual(code, 75, stderr)
            self.assertOneLine(stderr, "<x@later.test>", "450")
            self.assertMessageEvent(server.next_message(), subject="later",
                                    rcpttos=["ok@example.net"])
        with self.subTest("refused for good outranks refused for now"):
            code, _, stderr = self.sendmail(target + ["x@later.test", "no@blocked.test",
                                                      "ok@example.net"],
                                            input=b"Subject: both\n\nx\n")
            self.assertEqual(code, 1, stderr)
            self.assertEqual(len(stderr.splitlines()), 2, stderr)
            self.assertMessageEvent(server.next_message(), subject="both",
                                    rcpttos=["ok@example.net"])

    def test_message_too_big(self):
        server = self.start_catcher("--max-message-size", "100")
        code, _, stderr = self.sendmail(["--smtp", "127.0.0.1:%d" % server.port, "a@example.net"],
                                        input=b"Subject: big\n\n" + b"x" * 200 + b"\n")
        self.assertEqual(code, 1, stderr)
        self.assertOneLine(stderr, "552")
        server.assert_no_event()

    # -- (f) usage errors --------------------------------------------------------------------

    def test_usage_errors(self):
        cases = [
            (["-Z", "a@example.net"], "-Z"),
            (["--bogus", "a@example.net"], "--bogus"),
            (["-bs"], "-bs"),
            (["-bp"], "-bp"),
            (["-q"], "-q"),
            (["-i"], "recipients"),
            (["-f"], "-f"),
            (["--smtp", "nonsense", "a@example.net"], "nonsense"),
            (["John Doe"], "John Doe"),
        ]
        for via_link in (False, True):
            for args, mention in cases:
                with self.subTest(args=args, via_link=via_link):
                    code, stdout, stderr = self.sendmail(args, via_link=via_link,
                                                         input=b"Subject: x\n\ny\n")
                    self.assertEqual(code, 2, stderr)
                    self.assertEqual(stdout, b"")
                    self.assertOneLine(stderr, mention)
        with self.subTest("bad SMTP_RECEIVER_SMTP"):
            code, _, stderr = self.sendmail(["a@example.net"], SMTP_RECEIVER_SMTP="nowhere:x")
            self.assertEqual(code, 2, stderr)
            self.assertOneLine(stderr, "SMTP_RECEIVER_SMTP")

    def test_no_recipient_in_the_header(self):
        code, _, stderr = self.sendmail(["-t"], input=b"To: undisclosed-recipients:;\n\nx\n")
        self.assertEqual(code, 2, stderr)
        self.assertOneLine(stderr, "no recipients")
        code, _, stderr = self.sendmail(["-t"], input=b"To: John Doe\n\nx\n")
        self.assertEqual(code, 2, stderr)
        self.assertOneLine(stderr, "John Doe")

    def test_help(self):
        code, stdout, stderr = self.sendmail(["--help"])
        self.assertEqual((code, stderr), (0, ""))
        for mention in (b"-t", b"-i", b"--smtp", b"SMTP_RECEIVER_SMTP", b"75"):
            self.assertIn(mention, stdout)
        result = harness.run_usage(["--help"])
        self.assertEqual(result.returncode, 0)
        self.assertIn(b"smtp-receiver sendmail", result.stdout)


class FakeSmtp:
    """A scripted one-connection SMTP server, for the replies smtp-receiver never gives.

    replies maps a verb (EHLO, HELO, MAIL, RCPT, DATA, QUIT, and END for the reply to the end of
    the data) to the reply lines to send, or to None to hang up instead."""

    DEFAULTS = {"GREETING": "220 fake.test ESMTP", "EHLO": "250 fake.test",
                "HELO": "250 fake.test", "MAIL": "250 2.1.0 ok", "RCPT": "250 2.1.5 ok",
                "DATA": "354 go ahead",
                "END": "250 2.0.0 queued", "QUIT": "221 2.0.0 bye"}

    def __init__(self, test, **replies):
        self.replies = dict(self.DEFAULTS, **replies)
        self.commands = []
        self.data = None
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.settimeout(harness.IO_TIMEOUT * 2)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()
        test.addCleanup(self.listener.close)

    def _reply(self, conn, key):
        reply = self.replies[key]
        if reply is None:
            return False
        conn.sendall(reply.replace("\n", "\r\n").encode() + b"\r\n")
        return True

    def _serve(self):
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(harness.IO_TIMEOUT * 2)
            reader = conn.makefile("rb")
            if not self._reply(conn, "GREETING"):
                return
            while True:
                line = reader.readline()
                if not line:
                    return
                command = line.rstrip(b"\r\n").decode("utf-8", "replace")
                self.commands.append(command)
                verb = re.split(r"[ :]", command, 1)[0].upper()
                if not self._reply(conn, verb if verb in self.replies else "QUIT"):
                    return
                if verb == "DATA" and self.replies["DATA"].startswith("354"):
                    data = b""
                    while not (data == b".\r\n" or data.endswith(b"\r\n.\r\n")):
                        chunk = reader.readline()
                        if not chunk:
                            return
                        data += chunk
                    self.data = data
                    if not self._reply(conn, "END"):
                        return
                if verb == "QUIT":
                    return

    def join(self):
        self.thread.join(timeout=harness.IO_TIMEOUT * 2)


class FakeServerTest(SendmailCase):
    """The client side of sendmail against replies the catcher never gives."""

    def submit(self, server, input=b"Subject: fake\n\nbody\n", args=("a@example.net",)):
        result = self.sendmail(["--smtp", "127.0.0.1:%d" % server.port] + list(args),
                               input=input)
        server.join()
        return result

    def test_helo_fallback_and_dot_stuffing(self):
        server = FakeSmtp(self, EHLO="502 5.5.1 what is EHLO")
        code, _, stderr = self.submit(server, input=b"Subject: s\n\n.one\n..two\n")
        self.assertEqual(code, 0, stderr)
        verbs = [c.split(" ")[0] for c in server.commands]
        self.assertEqual(verbs, ["EHLO", "HELO", "MAIL", "RCPT", "DATA", "QUIT"])
        self.assertEqual(server.commands[2], "MAIL FROM:<%s@localhost>" % USER)  # no extensions
        self.assertEqual(server.commands[3], "RCPT TO:<a@example.net>")
        self.assertTrue(server.data.endswith(b"\r\n\r\n..one\r\n...two\r\n.\r\n"),
                        server.data)

    def test_extensions_used(self):
        server = FakeSmtp(self, EHLO="250-fake.test\n250-SIZE 100000\n250-8BITMIME\n"
                                     "250 SMTPUTF8")
        body = "Subject: s\n\nGrüße\n".encode()
        code, _, stderr = self.submit(server, input=body, args=["jürgen@exämple.test"])
        self.assertEqual(code, 0, stderr)
        mail = server.commands[1]
        size = int(re.search(r" SIZE=(\d+)", mail).group(1))
        self.assertEqual(size, len(server.data) - len(b".\r\n"))  # nothing to stuff here
        self.assertIn(" BODY=8BITMIME", mail)
        self.assertIn(" SMTPUTF8", mail)
        self.assertEqual(server.commands[2], "RCPT TO:<jürgen@exämple.test>")

    def test_refused_after_data(self):
        for reply, expected in (("451 4.3.0 disk full", 75), ("554 5.6.0 no thanks", 1)):
            with self.subTest(reply=reply):
                server = FakeSmtp(self, END=reply)
                code, _, stderr = self.submit(server)
                self.assertEqual(code, expected, stderr)
                self.assertOneLine(stderr, "127.0.0.1:%d" % server.port, reply)

    def test_refused_greeting_and_sender(self):
        cases = (dict(GREETING="554 5.3.2 go away"), dict(GREETING="421 4.3.2 busy"),
                 dict(MAIL="553 5.7.1 not you"), dict(DATA="451 4.3.0 later"))
        for replies in cases:
            with self.subTest(replies=replies):
                server = FakeSmtp(self, **replies)
                code, _, stderr = self.submit(server)
                reply = list(replies.values())[0]
                self.assertEqual(code, 75 if reply.startswith("4") else 1, stderr)
                self.assertOneLine(stderr, reply)

    def test_connection_lost(self):
        for verb in ("EHLO", "RCPT", "END"):
            with self.subTest(hang_up_at=verb):
                server = FakeSmtp(self, **{verb: None})
                code, _, stderr = self.submit(server)
                self.assertEqual(code, 75, stderr)
                self.assertOneLine(stderr, "127.0.0.1:%d" % server.port)
                self.assertRegex(stderr, "closed|reset")

    def test_malformed_reply(self):
        server = FakeSmtp(self, EHLO="hello there")
        code, _, stderr = self.submit(server)
        self.assertEqual(code, 75, stderr)
        self.assertOneLine(stderr, "malformed reply")


if __name__ == "__main__":
    harness.main()
