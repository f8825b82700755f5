"""Blackbox: curl's SMTP client against the real smtp-receiver binary (contract.md)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# Ends in CRLF, so curl sends it as is and then ".\r\n"; the ".dot" line is stuffed on the wire.
MESSAGE = (b"From: curl@example.org\r\nTo: rcpt@example.net\r\nSubject: from curl\r\n\r\n"
           b"line one\r\n.dot line\r\n\r\nlast line\r\n")


class CurlTest(harness.ServerTestCase):

    def setUp(self):
        harness.require_tool("curl")
        self.upload = os.path.join(self.make_tempdir(), "message.eml")
        with open(self.upload, "wb") as f:
            f.write(MESSAGE)

    def curl(self, url, *args, expect_rc=0, rcpts=("rcpt@example.net",)):
        command = ["curl", "--silent", "--show-error", "--max-time", "10", url,
                   "--mail-from", "curl@example.org", "--upload-file", self.upload]
        for rcpt in rcpts:
            command += ["--mail-rcpt", rcpt]
        result = harness.run_tool(command + list(args), timeout=15)
        self.assertEqual(result.returncode, expect_rc,
                         "curl exit code; stderr: %s" % result.stderr.decode(errors="replace"))
        return result

    def expect_message(self, server, tls, rcpts=("rcpt@example.net",)):
        return self.assertMessageEvent(server.next_message(), mailfrom="curl@example.org",
                                       rcpttos=list(rcpts), size=len(MESSAGE),
                                       subject="from curl", helo="curl.test", tls=tls)

    def test_plain(self):
        server = self.start_server()
        self.curl("smtp://127.0.0.1:%d/curl.test" % server.port,
                  rcpts=("rcpt@example.net", "other@example.net"))
        self.expect_message(server, tls=False, rcpts=("rcpt@example.net", "other@example.net"))

    def test_starttls_required(self):
        server = self.start_server(*harness.tls_args())
        self.curl("smtp://127.0.0.1:%d/curl.test" % server.port, "--ssl-reqd", "-k")
        self.expect_message(server, tls=True)

    def test_starttls_verified(self):
        cert, _ = harness.make_cert()
        server = self.start_server(*harness.tls_args())
        self.curl("smtp://localhost:%d/curl.test" % server.port, "--ssl-reqd", "--cacert", cert,
                  "--resolve", "localhost:%d:127.0.0.1" % server.port)
        self.expect_message(server, tls=True)

    def test_ssl_reqd_without_starttls_fails(self):
        server = self.start_server()
        # No certificate, so no STARTTLS: curl must refuse to send (CURLE_USE_SSL_FAILED = 64).
        self.curl("smtp://127.0.0.1:%d/curl.test" % server.port, "--ssl-reqd", "-k",
                  expect_rc=64)
        server.assert_no_event()

    def test_smtps(self):
        server = self.start_server("--smtps", "127.0.0.1:0", *harness.tls_args())
        self.curl("smtps://127.0.0.1:%d/curl.test" % server.smtps_port, "-k")
        self.expect_message(server, tls=True)

    def test_auth(self):
        server = self.start_server("--auth", "user:secret")
        for mechanism in ("PLAIN", "LOGIN", "CRAM-MD5", "*"):
            with self.subTest(mechanism=mechanism):
                self.curl("smtp://127.0.0.1:%d/curl.test" % server.port, "--user", "user:secret",
                          "--login-options", "AUTH=" + mechanism)
                self.expect_message(server, tls=False)

    def test_auth_wrong_password(self):
        server = self.start_server("--auth", "user:secret")
        # CURLE_LOGIN_DENIED = 67
        self.curl("smtp://127.0.0.1:%d/curl.test" % server.port, "--user", "user:wrong",
                  "--login-options", "AUTH=PLAIN", expect_rc=67)
        server.assert_no_event()

    def test_rejected_recipient(self):
        rules = os.path.join(self.make_tempdir(), "rules.json")
        with open(rules, "w") as f:
            f.write('{"default":"reject","rules":[]}')
        server = self.start_server("--rules", rules)
        # CURLE_SEND_ERROR = 55 ("RCPT failed: 550")
        result = self.curl("smtp://127.0.0.1:%d/curl.test" % server.port, expect_rc=55)
        self.assertIn(b"550", result.stderr)
        server.assert_no_event()


if __name__ == "__main__":
    harness.main()
