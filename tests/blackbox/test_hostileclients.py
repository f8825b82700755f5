"""Blackbox: clients that misbehave at the socket level, where the session's pure state machine
(unit-tested and fuzzed) cannot see them: one that never reads its replies, one that leaves its
last reply unread, one that trickles a byte at a time, one that closes its side behind
pipelined messages.
"""

import os
import socket
import time

import harness


def proc_number(pid, file, name):
    """A number of /proc/PID/FILE, from its line "NAME: number ..."."""
    with open("/proc/%d/%s" % (pid, file)) as lines:
        for line in lines:
            if line.startswith(name + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s in /proc/%d/%s" % (name, pid, file))


def rss_kib(pid):
    return proc_number(pid, "status", "VmRSS")


def read_bytes(pid):
    """What the process has read through system calls so far (sockets included)."""
    return proc_number(pid, "io", "rchar")


def push_without_reading(sock, data, seconds):
    """Sends data over and over for `seconds` without reading; returns the bytes the server took
    (a send that would block is the server not reading)."""
    sock.setblocking(False)
    sent = 0
    view = memoryview(data)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            sent += sock.send(view[sent % len(data):])
        except BlockingIOError:
            time.sleep(0.01)
    sock.setblocking(True)
    return sent


def message(n):
    return ("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n"
            "Subject: pipelined %d\r\n\r\nbody %d\r\n.\r\n" % (n, n)).encode()


class HostileClientTests(harness.ServerTestCase):
    def test_unread_replies_stop_the_reading(self):
        # A client that pipelines without reading: each 8-byte EHLO makes about 180 bytes of
        # reply. The server must stop reading once its replies pile up (TCP flow control then
        # stops the client), not keep them all: 46 MB of EHLOs once took it to 760 MB of RSS.
        server = self.start_server()
        client = self.raw(server.port)
        client.expect(220)
        before = rss_kib(server.proc.pid)
        read_before = read_bytes(server.proc.pid)
        sent = push_without_reading(client.sock, b"EHLO a\r\n" * 8192, seconds=2.0)
        grown_mib = (rss_kib(server.proc.pid) - before) / 1024
        read_mib = (read_bytes(server.proc.pid) - read_before) / 1024 / 1024
        # It read what its 1 MiB read buffer holds and the little it answered before the
        # kernel's buffers filled with replies (1.3 MiB here); without the back-pressure it read
        # on for as long as the client sent (12 MiB in these 2 s), and kept the replies.
        self.assertGreater(sent, read_mib * 1024 * 1024)
        self.assertLess(read_mib, 4, "the server read on: %.1f MiB" % read_mib)
        # Under AddressSanitizer freed memory waits in a quarantine: RSS tells nothing there.
        if "ASAN_OPTIONS" not in os.environ:
            self.assertLess(grown_mib, 48, "the server kept the replies: +%.0f MiB" % grown_mib)
        # Once the client reads, the session goes on: more replies come than the kernel's
        # buffers held when it stopped (a few MB), all of them 250.
        client.sock.settimeout(harness.IO_TIMEOUT)
        received = b""
        total = 0
        while total < 16 * 1024 * 1024:
            chunk = client.sock.recv(1024 * 1024)
            self.assertTrue(chunk, "the server closed the connection")
            total += len(chunk)
            received = received[-8:] + chunk
            self.assertNotIn(b"\r\n5", received)
            self.assertNotIn(b"\r\n4", received)
        client.close()
        # And the server still serves others.
        self.assertEqual(self.raw(server.port).reply().code, 220)

    def test_clients_that_left_still_count_until_their_mail_is_done(self):
        # Clients that send a message behind a slow answer (a rule's 2 s delay after the body)
        # and leave at once: their sessions go on without them, and each keeps its place under
        # --max-connections until done. Before, they did not count, and such clients piled up
        # thousands of them (2.7 GB of RSS under --max-connections 5).
        rules = self.make_tempdir() + "/rules.json"
        with open(rules, "w") as f:
            f.write('{"rules": [{"match": "*", "action": "fail", "stage": "data", '
                    '"code": 451, "message": "later", "delayMs": 2000}]}')
        server = self.start_server("--max-connections", "2", "--rules", rules)
        for n in range(2):
            leaver = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            self.addCleanup(leaver.close)
            leaver.sendall(b"EHLO c\r\n" + message(n))
            leaver.shutdown(socket.SHUT_WR)
        time.sleep(0.5)
        with harness.RawSmtp(server.port) as third:
            self.assertEqual(third.reply().code, 421)
        deadline = time.monotonic() + 6
        while True:
            with harness.RawSmtp(server.port) as later:
                if later.reply().code == 220:
                    break
            self.assertLess(time.monotonic(), deadline, "the places were never given back")
            time.sleep(0.1)

    def test_last_reply_unread_frees_the_slot(self):
        # A client that leaves its replies unread, then falls silent: the idle timeout's 421
        # cannot reach it, and the connection (and its place under --max-connections) must go
        # all the same, not wait for ever behind the unread replies.
        server = self.start_server("--idle-timeout", "1", "--max-connections", "1")
        hog = self.raw(server.port)
        hog.expect(220)
        hog.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        push_without_reading(hog.sock, b"NOOP\r\n" * 8192, seconds=1.0)
        deadline = time.monotonic() + 8
        while True:
            with harness.RawSmtp(server.port) as other:
                code = other.reply().code
            if code == 220:
                break
            self.assertEqual(code, 421)
            self.assertLess(time.monotonic(), deadline, "the silent client kept its slot")
            time.sleep(0.25)

    def trickle_until_answered(self, client, byte, every=0.3, limit=8.0):
        """Sends `byte` every `every` seconds until the server answers; returns the reply and
        the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < limit:
            client.send(byte)
            try:
                return client.reply(timeout=every), time.monotonic() - start
            except AssertionError:
                continue
        self.fail("the trickling client was never answered")

    def test_a_trickled_command_line_is_idle(self):
        # A byte every 0.3 s of a command line that never ends: no command comes whole, so the
        # client is idle, however often bytes arrive (before, each byte restarted the timer and
        # the session stayed for good).
        server = self.start_server("--idle-timeout", "2")
        client = self.raw(server.port)
        client.expect(220)
        reply, seconds = self.trickle_until_answered(client, b"N")
        self.assertEqual((reply.code, reply.enhanced), (421, "4.4.2"), reply)
        self.assertLess(seconds, 5)
        client.assert_closed()

    def test_a_trickled_body_is_idle(self):
        server = self.start_server("--idle-timeout", "2")
        client = self.raw(server.port)
        client.expect(220)
        client.send(b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n")
        for code in (250, 250, 354):
            client.expect(code)
        reply, seconds = self.trickle_until_answered(client, b"x")
        self.assertEqual((reply.code, reply.enhanced), (421, "4.4.2"), reply)
        self.assertLess(seconds, 5)
        client.assert_closed()
        server.assert_no_event()

    def test_a_slow_body_is_not_idle(self):
        # 1,000 octets a second, for twice the idle timeout: slow, not idle.
        server = self.start_server("--idle-timeout", "2")
        client = self.raw(server.port)
        client.expect(220)
        client.send(b"MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n"
                    b"Subject: slow\r\n\r\n")
        for code in (250, 250, 354):
            client.expect(code)
        for _ in range(40):
            client.send(b"y" * 98 + b"\r\n")
            time.sleep(0.1)
        client.send(b".\r\n")
        client.expect(250)
        self.assertEqual(server.next_message()["subject"], "slow")

    def test_messages_before_a_half_close_are_all_kept(self):
        # Three messages and QUIT in one write, then the client shuts its side down: the server
        # sees the end of the input while it waits for the store's answer to the first. Every
        # whole message the client sent is kept, once; before, only the first was.
        server = self.start_server()
        client = self.raw(server.port)
        client.expect(220)
        client.cmd("EHLO pipeliner")
        client.send(b"".join(message(n) for n in range(3)) + b"QUIT\r\n")
        client.sock.shutdown(socket.SHUT_WR)
        subjects = sorted(server.next_message()["subject"] for _ in range(3))
        self.assertEqual(subjects, ["pipelined 0", "pipelined 1", "pipelined 2"])
        server.assert_no_event(wait=0.5)
        # And the replies reach it all the same, then the end of the connection (`nc -N` shows
        # them): three times MAIL, RCPT, DATA and the 250 of the message, then the 221.
        codes = []
        while True:
            try:
                codes.append(client.reply().code)
            except AssertionError as closed:
                self.assertIn("connection closed", str(closed))
                break
        self.assertEqual(codes, [250, 250, 354, 250] * 3 + [221])

    def test_replies_more_than_the_buffers_hold_reach_a_half_closed_client(self):
        # Pipelined EHLOs whose replies (about 8 MB) outgrow the socket buffers, unread; then QUIT
        # and the client's half-close; then it reads. The server stopped reading at its reply
        # backlog, so the end of input finds most EHLOs and the QUIT unanswered: the session
        # answers them after the client has gone. Every reply and the 221 must still arrive;
        # before, the replies the kernel had not taken were dropped with the connection.
        server = self.start_server()
        count = 60000
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        sock.sendall(b"".join(b"EHLO h%d\r\n" % n for n in range(count)) + b"QUIT\r\n")
        time.sleep(0.5)
        sock.shutdown(socket.SHUT_WR)
        received = []
        while True:
            chunk = sock.recv(1 << 16)
            if not chunk:
                break
            received.append(chunk)
        sock.close()
        replies = b"".join(received)
        self.assertEqual(replies.count(b" greets h"), count)
        self.assertTrue(replies.endswith(b"221 2.0.0 Bye\r\n"), replies[-40:])

    def test_messages_before_a_reset_are_kept(self):
        # A client that writes its whole session at once (`nc -q0`, a test's raw socket) and
        # closes without reading: the unread greeting makes its close a reset, and the server's
        # first reply meets it. What arrived before is still carried out; before, with the
        # input read a piece at a time, the rest was lost with the socket.
        server = self.start_server()
        body = b"x" * 78 + b"\r\n"
        for n in range(10):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            sock.sendall(b"EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n"
                         b"DATA\r\nSubject: reset %d\r\n\r\n" % n + body * 256 + b".\r\nQUIT\r\n")
            sock.close()
            self.assertEqual(server.next_message()["subject"], "reset %d" % n)
        server.assert_no_event(wait=0.5)

    def test_a_body_cut_off_by_a_half_close_is_not_kept(self):
        # The other side of the same rule: what did not arrive whole is not a message.
        server = self.start_server()
        client = self.raw(server.port)
        client.expect(220)
        client.cmd("EHLO pipeliner")
        client.send(message(0) + message(1)[:-5])
        client.sock.shutdown(socket.SHUT_WR)
        self.assertEqual(server.next_message()["subject"], "pipelined 0")
        server.assert_no_event(wait=0.5)


if __name__ == "__main__":
    harness.main()
