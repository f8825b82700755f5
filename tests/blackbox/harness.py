"""Blackbox harness: runs the real smtp-receiver binary and talks to it from outside.

Stdlib only. The binary comes from $SMTP_RECEIVER (set by CTest), else build/bin/smtp-receiver
next to the source tree. Every wait is bounded; a server that misbehaves is killed, never left
running.
"""

import atexit
import json
import os
import queue
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))

READY_TIMEOUT = 5.0   # from start to the readiness line
EVENT_TIMEOUT = 5.0   # from a client's 250 to the message event
STOP_TIMEOUT = 8.0    # from SIGTERM to exit (the server waits up to 5 s for sessions)
IO_TIMEOUT = 5.0      # any single socket read or client process

RECEIVED_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def binary():
    path = os.environ.get("SMTP_RECEIVER") or os.path.join(SOURCE_ROOT, "build", "bin",
                                                            "smtp-receiver")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        raise AssertionError("smtp-receiver binary not found at %r (set SMTP_RECEIVER)" % path)
    return path


def server_env(home):
    """The environment for the binary: the caller's, with the XDG data, config, cache and state
    homes moved under `home`, so a default store or settings file never touches the user's own
    and every server starts empty."""
    env = dict(os.environ)
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = os.path.join(home, name.lower())
    # No display: a run without --no-gui must answer, never open a window.
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    return env


def require_tool(name):
    """The path of a client tool. A missing tool is a failure, not a skip: CI installs them."""
    path = shutil.which(name)
    if not path:
        raise AssertionError("required tool %r is not installed" % name)
    return path


def run_tool(args, input=None, timeout=IO_TIMEOUT * 2, env=None):
    """Runs a client to completion (bounded); returns the CompletedProcess."""
    require_tool(args[0])
    try:
        return subprocess.run(args, input=input, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        raise AssertionError("%s did not finish within %ss; stdout=%r stderr=%r"
                             % (args[0], timeout, e.stdout, e.stderr))


# ---------------------------------------------------------------------------------------------
# TLS material

_cert_lock = threading.Lock()
_cert_cache = {}


def make_cert(directory=None):
    """A throwaway self-signed certificate for localhost/127.0.0.1: (cert.pem, key.pem).

    Without a directory, one pair is made per process and removed at exit."""
    with _cert_lock:
        if directory is None and "default" in _cert_cache:
            return _cert_cache["default"]
        target = directory
        if target is None:
            target = tempfile.mkdtemp(prefix="smtp-bb-cert-")
            atexit.register(shutil.rmtree, target, True)
        key = os.path.join(target, "key.pem")
        cert = os.path.join(target, "cert.pem")
        result = run_tool(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", key, "-out", cert, "-days", "30", "-subj", "/CN=localhost",
                           "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                          timeout=30)
        if result.returncode != 0 or not os.path.exists(cert):
            raise AssertionError("openssl req failed: %s" % result.stderr.decode(errors="replace"))
        if directory is None:
            _cert_cache["default"] = (cert, key)
        return cert, key


def tls_args():
    cert, key = make_cert()
    return ["--tls-cert", cert, "--tls-key", key]


def client_context():
    """A client TLS context that trusts exactly the throwaway certificate (and checks the name)."""
    cert, _ = make_cert()
    return ssl.create_default_context(cafile=cert)


# ---------------------------------------------------------------------------------------------
# The server process

_running = set()


def _kill_leftovers():
    for server in list(_running):
        server.kill()


atexit.register(_kill_leftovers)


class Server:
    """One smtp-receiver --no-gui process.

    Server(*args) runs `smtp-receiver --no-gui [--json] --smtp 127.0.0.1:0 *args`, waits for the
    readiness line and exposes .port (and .smtps_port when --smtps was given). Later stdout lines
    are collected by a reader thread: next_event() returns the next one."""

    def __init__(self, *args, json_output=True, smtp="127.0.0.1:0", ready_timeout=READY_TIMEOUT,
                 preexec_fn=None):
        self.args = [binary(), "--no-gui"]
        if json_output:
            self.args.append("--json")
        if smtp is not None:
            self.args += ["--smtp", smtp]
        self.args += [str(a) for a in args]
        self.json_output = json_output
        self.host = "127.0.0.1"
        self.port = None
        self.smtps_port = None
        self.ready = None
        self.returncode = None
        self._lines = queue.Queue()
        self._stderr = []
        self.home = tempfile.mkdtemp(prefix="smtp-bb-home-")
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=server_env(self.home),
                                     preexec_fn=preexec_fn)
        _running.add(self)
        self._readers = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_stderr, daemon=True)]
        for reader in self._readers:
            reader.start()
        try:
            self._wait_ready(ready_timeout)
        except BaseException:
            self.kill()
            raise

    # -- readers ---------------------------------------------------------------------------

    def _read_stdout(self):
        for raw in self.proc.stdout:
            self._lines.put(raw)
        self._lines.put(None)  # EOF

    def _read_stderr(self):
        for raw in self.proc.stderr:
            self._stderr.append(raw.decode("utf-8", "replace"))

    def stderr_text(self):
        return "".join(self._stderr)

    def _next_line(self, timeout):
        try:
            raw = self._lines.get(timeout=timeout)
        except queue.Empty:
            return ...
        return raw

    def _describe(self):
        return "args=%r rc=%r stderr=%r" % (self.args, self.proc.poll(), self.stderr_text())

    def _wait_ready(self, timeout):
        raw = self._next_line(timeout)
        if raw is ...:
            raise AssertionError("no readiness line within %ss (%s)" % (timeout, self._describe()))
        if raw is None:
            self.proc.wait(timeout=STOP_TIMEOUT)
            raise AssertionError("server exited before the readiness line (%s)" % self._describe())
        text = raw.decode("utf-8")
        if self.json_output:
            try:
                ready = json.loads(text)
            except ValueError:
                raise AssertionError("readiness line is not JSON: %r" % text)
            if ready.get("event") != "listening" or "smtp" not in ready:
                raise AssertionError("unexpected readiness line: %r" % text)
            self.ready = ready
            self.host, self.port = split_address(ready["smtp"])
            if "smtps" in ready:
                _, self.smtps_port = split_address(ready["smtps"])
        else:
            self.ready = text
            m = re.search(r"listening on (\S+):(\d+)", text)
            if not m:
                raise AssertionError("readiness line lacks 'listening on ADDR:PORT': %r" % text)
            self.port = int(m.group(2))

    # -- events ----------------------------------------------------------------------------

    def next_line(self, timeout=EVENT_TIMEOUT):
        """The next stdout line after the readiness line, as text."""
        raw = self._next_line(timeout)
        if raw is ...:
            raise AssertionError("no output line within %ss (%s)" % (timeout, self._describe()))
        if raw is None:
            self._lines.put(None)
            raise AssertionError("server stdout closed (%s)" % self._describe())
        return raw.decode("utf-8")

    def next_event(self, timeout=EVENT_TIMEOUT):
        """The next JSON event (a dict); fails unless the line is a JSON object."""
        text = self.next_line(timeout)
        try:
            event = json.loads(text)
        except ValueError:
            raise AssertionError("stdout line is not JSON: %r" % text)
        if not isinstance(event, dict):
            raise AssertionError("stdout line is not a JSON object: %r" % text)
        return event

    def next_message(self, timeout=EVENT_TIMEOUT):
        event = self.next_event(timeout)
        if event.get("event") != "message":
            raise AssertionError("expected a message event, got %r" % event)
        return event

    def assert_no_event(self, wait=0.3):
        raw = self._next_line(wait)
        if raw is None:
            self._lines.put(None)
            return
        if raw is not ...:
            raise AssertionError("unexpected output line: %r" % raw)

    # -- lifetime --------------------------------------------------------------------------

    def send_signal(self, number):
        self.proc.send_signal(number)

    def wait_exit(self, timeout=STOP_TIMEOUT):
        try:
            self.returncode = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("server did not exit within %ss (%s)" % (timeout, self._describe()))
        self._finish()
        return self.returncode

    def _finish(self):
        # After exit the pipes reach EOF; let the readers drain them, then close them.
        for reader in self._readers:
            reader.join(timeout=STOP_TIMEOUT)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if not any(r.is_alive() for r in self._readers):
                pipe.close()
        shutil.rmtree(self.home, ignore_errors=True)
        _running.discard(self)

    def stop(self, number=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Signals the server and fails unless it exits with code 0 in time."""
        if self.proc.poll() is None:
            self.send_signal(number)
        rc = self.wait_exit(timeout)
        if rc != 0:
            raise AssertionError("server exited with %r after signal %d (stderr=%r)"
                                 % (rc, number, self.stderr_text()))
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is not None:
            self._finish()
        _running.discard(self)


def split_address(text):
    m = re.match(r"^(\[[^\]]+\]|[^:]+):(\d+)$", text)
    if not m:
        raise AssertionError("not ADDR:PORT: %r" % text)
    return m.group(1).strip("[]"), int(m.group(2))


def run_usage(args, timeout=IO_TIMEOUT):
    """Runs the binary with exactly these arguments and waits for it (bounded)."""
    home = tempfile.mkdtemp(prefix="smtp-bb-home-")
    try:
        return subprocess.run([binary()] + [str(a) for a in args], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                              env=server_env(home))
    except subprocess.TimeoutExpired as e:
        raise AssertionError("smtp-receiver %r did not exit within %ss (stdout=%r stderr=%r)"
                             % (args, timeout, e.stdout, e.stderr))
    finally:
        shutil.rmtree(home, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# A raw SMTP client for what no polite client will send

class Reply:
    def __init__(self, code, lines):
        self.code = code
        self.lines = lines  # text after "NNN-" / "NNN "

    @property
    def text(self):
        return "\n".join(self.lines)

    @property
    def enhanced(self):
        m = re.match(r"^(\d\.\d{1,3}\.\d{1,3})(?: |$)", self.lines[0]) if self.lines else None
        return m.group(1) if m else None

    def __repr__(self):
        return "Reply(%d, %r)" % (self.code, self.lines)


class RawSmtp:
    def __init__(self, port, host="127.0.0.1", timeout=IO_TIMEOUT):
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        self.sock.sendall(data)

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        chunk = self.sock.recv(65536)
        if not chunk:
            return False
        self.buf += chunk
        return True

    def read_line(self, timeout=None):
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while b"\r\n" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no complete reply line in time; have %r" % self.buf)
            try:
                if not self._fill(left):
                    raise AssertionError("connection closed; have %r" % self.buf)
            except socket.timeout:
                raise AssertionError("no complete reply line in time; have %r" % self.buf)
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("utf-8", "replace")

    def reply(self, timeout=None):
        lines = []
        while True:
            line = self.read_line(timeout)
            m = re.match(r"^(\d{3})([ -])(.*)$", line)
            if not m:
                raise AssertionError("malformed reply line %r" % line)
            lines.append(m.group(3))
            if m.group(2) == " ":
                return Reply(int(m.group(1)), lines)

    def cmd(self, line, timeout=None):
        self.send(line + "\r\n")
        return self.reply(timeout)

    def expect(self, code, line=None, timeout=None):
        r = self.cmd(line, timeout) if line is not None else self.reply(timeout)
        if r.code != code:
            raise AssertionError("expected %d to %r, got %r" % (code, line, r))
        return r

    def assert_closed(self, timeout=None):
        """Fails unless the server closes the connection (nothing more than what is buffered)."""
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("connection still open; unread %r" % self.buf)
            try:
                if not self._fill(left):
                    return
            except socket.timeout:
                raise AssertionError("connection still open; unread %r" % self.buf) from None
            except ConnectionResetError:
                return

    def assert_silent(self, wait=0.3):
        """Fails if the server sends anything within `wait` seconds."""
        if self.buf:
            raise AssertionError("unexpected bytes from server: %r" % self.buf)
        try:
            if self._fill(wait):
                raise AssertionError("unexpected bytes from server: %r" % self.buf)
            raise AssertionError("server closed the connection unexpectedly")
        except socket.timeout:
            pass

    def starttls(self, context=None, server_hostname="localhost"):
        self.sock.settimeout(self.timeout)
        self.sock = (context or client_context()).wrap_socket(self.sock,
                                                              server_hostname=server_hostname)
        if self.buf:
            raise AssertionError("plaintext bytes arrived behind the STARTTLS reply: %r"
                                 % self.buf)


# ---------------------------------------------------------------------------------------------
# unittest glue

class ServerTestCase(unittest.TestCase):
    maxDiff = None

    def start_server(self, *args, **kwargs):
        """Starts a server that is stopped (SIGTERM, exit code 0 asserted) when the test ends."""
        server = Server(*args, **kwargs)
        self.addCleanup(server.kill)          # runs last: whatever happened, no leftovers
        self.addCleanup(server.stop)          # runs first: asserts the clean exit
        return server

    def make_tempdir(self):
        path = tempfile.mkdtemp(prefix="smtp-bb-")
        self.addCleanup(shutil.rmtree, path, True)
        return path

    def raw(self, port, **kwargs):
        client = RawSmtp(port, **kwargs)
        self.addCleanup(client.close)
        return client

    def assertMessageEvent(self, event, **expected):
        """Checks the shape every message event has, then the given fields exactly."""
        self.assertEqual(event.get("event"), "message", event)
        for key in ("id", "receivedAt", "remoteAddress", "helo", "mailfrom", "rcpttos", "size",
                    "subject", "tls"):
            self.assertIn(key, event, event)
        self.assertIsInstance(event["id"], int, event)
        self.assertRegex(event["receivedAt"], RECEIVED_AT)
        self.assertIsInstance(event["rcpttos"], list, event)
        self.assertIsInstance(event["size"], int, event)
        self.assertIsInstance(event["tls"], bool, event)
        self.assertEqual(event["remoteAddress"], "127.0.0.1", event)
        for key, value in expected.items():
            self.assertEqual(event[key], value, "field %r of %r" % (key, event))
        return event


def maildir_files(directory):
    new = os.path.join(directory, "new")
    return sorted(os.path.join(new, name) for name in os.listdir(new))


def main():
    unittest.main(verbosity=2)
