#!/usr/bin/env python3
"""Checks that an example program catches mail: starts it (offscreen) with a free port as its
only argument, sends it one message with smtplib, and waits for it to print
"caught: <subject>". Usage: check-example.py PROGRAM"""
import os
import smtplib
import socket
import subprocess
import sys
import threading
import time
import uuid


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    program = sys.argv[1]
    port = free_port()
    subject = "example check " + uuid.uuid4().hex[:8]
    proc = subprocess.Popen([program, str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=os.environ)
    output = []
    caught = threading.Event()

    def read():
        for line in proc.stdout:
            output.append(line)
            if "caught: " + subject in line:
                caught.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.monotonic() + 30
        while True:  # until the example listens
            if proc.poll() is not None:
                sys.exit("%s exited with %s:\n%s" % (program, proc.returncode, "".join(output)))
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                    smtp.sendmail("dev@example.test", ["you@example.test"],
                                  "From: dev@example.test\r\nTo: you@example.test\r\n"
                                  "Subject: %s\r\n\r\nHello from the example check.\r\n" % subject)
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("%s never listened on port %d:\n%s" % (program, port, "".join(output)))
                time.sleep(0.1)
        if not caught.wait(30):
            sys.exit("%s did not report the message:\n%s" % (program, "".join(output)))
        print("ok: %s caught %r" % (os.path.basename(program), subject))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
