"""Blackbox: swaks against the real smtp-receiver binary (contract.md).

swaks' TLS support needs the Perl module Net::SSLeay (Debian: libnet-ssleay-perl); without it
the TLS tests fail, as a missing tool must."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

# The data swaks sends verbatim when it ends with the terminator (CRLF "." CRLF): swaks stuffs the
# ".dot" line on the wire, the server unstuffs it again.
MESSAGE = (b"From: swaks@example.org\r\nTo: rcpt@example.net\r\nSubject: from swaks\r\n\r\n"
           b"line one\r\n.dot line\r\nlast line\r\n")


class SwaksTest(harness.ServerTestCase):

    def setUp(self):
        harness.require_tool("swaks")
        self.data_file = os.path.join(self.make_tempdir(), "message.eml")
        with open(self.data_file, "wb") as f:
            f.write(MESSAGE + b".\r\n")

    def swaks(self, port, *args, expect_rc=0):
        result = harness.run_tool(["swaks", "--server", "127.0.0.1", "--port", str(port),
                                   "--from", "swaks@example.org", "--to", "rcpt@example.net",
                                   "--helo", "swaks.test", "--timeout", "5",
                                   "--data", "@" + self.data_file] + list(args))
        self.assertEqual(result.returncode, expect_rc,
                         "swaks exit code; transcript:\n%s\n%s"
                         % (result.stdout.decode(errors="replace"),
                            result.stderr.decode(errors="replace")))
        return result

    def expect_message(self, server, tls):
        return self.assertMessageEvent(server.next_message(), mailfrom="swaks@example.org",
                                       rcpttos=["rcpt@example.net"], size=len(MESSAGE),
                                       subject="from swaks", helo="swaks.test", tls=tls)

    def test_plain(self):
        server = self.start_server()
        self.swaks(server.port)
        self.expect_message(server, tls=False)

    def test_pipeline(self):
        server = self.start_server()
        result = self.swaks(server.port, "--pipeline")
        self.assertIn(b"PIPELINING", result.stdout)
        self.expect_message(server, tls=False)

    def test_starttls(self):
        server = self.start_server(*harness.tls_args())
        result = self.swaks(server.port, "--tls")
        self.assertIn(b"STARTTLS", result.stdout)
        self.expect_message(server, tls=True)

    def test_starttls_pipeline(self):
        server = self.start_server(*harness.tls_args())
        self.swaks(server.port, "--tls", "--pipeline")
        self.expect_message(server, tls=True)

    def test_smtps(self):
        server = self.start_server("--smtps", "127.0.0.1:0", *harness.tls_args())
        self.swaks(server.smtps_port, "--tls-on-connect")
        self.expect_message(server, tls=True)

    def test_auth(self):
        server = self.start_server("--auth", "user:secret")
        for mechanism in ("PLAIN", "LOGIN", "CRAM-MD5"):
            with self.subTest(mechanism=mechanism):
                self.swaks(server.port, "--auth", mechanism, "--auth-user", "user",
                           "--auth-password", "secret")
                self.expect_message(server, tls=False)

    def test_auth_wrong_password(self):
        server = self.start_server("--auth", "user:secret")
        for mechanism in ("PLAIN", "LOGIN", "CRAM-MD5"):
            with self.subTest(mechanism=mechanism):
                result = self.swaks(server.port, "--auth", mechanism, "--auth-user", "user",
                                    "--auth-password", "wrong", expect_rc=28)
                self.assertIn(b"535 5.7.8", result.stdout)
        server.assert_no_event()

    def test_auth_after_starttls_with_require_tls(self):
        server = self.start_server("--require-tls", "--auth", "user:secret",
                                   *harness.tls_args())
        self.swaks(server.port, "--tls", "--auth", "PLAIN", "--auth-user", "user",
                   "--auth-password", "secret", "--pipeline")
        self.expect_message(server, tls=True)


if __name__ == "__main__":
    harness.main()
