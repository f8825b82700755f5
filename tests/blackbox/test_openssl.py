"""Blackbox: openssl s_client driving a scripted SMTP session over TLS (contract.md)."""

import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

BODY = (b"From: openssl@example.org\r\nTo: rcpt@example.net\r\nSubject: from s_client\r\n\r\n"
        b"hello over TLS\r\n")


def script(helo="openssl.test"):
    return (b"EHLO " + helo.encode() + b"\r\n"
            b"MAIL FROM:<openssl@example.org>\r\n"
            b"RCPT TO:<rcpt@example.net>\r\n"
            b"DATA\r\n" + BODY + b".\r\n"
            b"QUIT\r\n")


class OpensslTest(harness.ServerTestCase):

    def s_client(self, *args, input):
        cert, _ = harness.make_cert()
        result = harness.run_tool(["openssl", "s_client", "-quiet", "-CAfile", cert,
                                   "-verify_return_error", "-verify_hostname", "localhost"]
                                  + list(args), input=input, timeout=15)
        self.assertEqual(result.returncode, 0,
                         "s_client failed; stdout=%r stderr=%r" % (result.stdout, result.stderr))
        return result.stdout.decode("utf-8", "replace")

    def check_transcript(self, transcript):
        codes = [int(m) for m in re.findall(r"^(\d{3}) ", transcript, re.M)]
        # EHLO, MAIL, RCPT, DATA (354), the message (250), QUIT (221); pipelined by s_client.
        self.assertEqual(codes, [250, 250, 250, 354, 250, 221], transcript)
        self.assertNotIn("STARTTLS", transcript, "STARTTLS offered again inside TLS")

    def test_starttls_scripted_session(self):
        server = self.start_server(*harness.tls_args())
        transcript = self.s_client("-starttls", "smtp", "-name", "openssl.test",
                                   "-connect", "127.0.0.1:%d" % server.port, input=script())
        self.check_transcript(transcript)
        self.assertMessageEvent(server.next_message(), mailfrom="openssl@example.org",
                                rcpttos=["rcpt@example.net"], size=len(BODY),
                                subject="from s_client", helo="openssl.test", tls=True)

    def test_smtps_scripted_session(self):
        server = self.start_server("--smtps", "127.0.0.1:0", *harness.tls_args())
        transcript = self.s_client("-connect", "127.0.0.1:%d" % server.smtps_port,
                                   input=script())
        self.assertTrue(transcript.startswith("220 "), transcript)  # greeting after handshake
        self.check_transcript(transcript.split("\n", 1)[1])
        self.assertMessageEvent(server.next_message(), size=len(BODY), tls=True,
                                subject="from s_client", helo="openssl.test")


if __name__ == "__main__":
    harness.main()
