#!/usr/bin/env python3
"""How long after the 250 a WebSocket client of /api/events gets the message's "new" frame.

Usage: ws-latency.py HTTP_PORT SMTP_PORT [COUNT]   (stdlib only; prints a RESULT line)
Connects to ws://127.0.0.1:HTTP_PORT/api/events (a hand-made RFC 6455 handshake), then sends
COUNT messages with smtplib, one at a time, and times from the end of each DATA (its 250) to the
"new" frame that carries that message's subject.
"""
import base64
import json
import os
import smtplib
import socket
import statistics
import sys
import time


def read_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("WebSocket closed")
        data += chunk
    return data


def read_frame(sock):
    """One unmasked server frame: (opcode, payload)."""
    first, second = read_exact(sock, 2)
    length = second & 0x7F
    if length == 126:
        length = int.from_bytes(read_exact(sock, 2), "big")
    elif length == 127:
        length = int.from_bytes(read_exact(sock, 8), "big")
    return first & 0x0F, read_exact(sock, length)


def main():
    http_port, smtp_port = int(sys.argv[1]), int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    ws = socket.create_connection(("127.0.0.1", http_port))
    key = base64.b64encode(os.urandom(16)).decode()
    ws.sendall((f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{http_port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += ws.recv(1)
    if b" 101 " not in head.split(b"\r\n")[0]:
        sys.exit(f"no upgrade: {head!r}")
    delays = []
    smtp = smtplib.SMTP("127.0.0.1", smtp_port)
    for i in range(count):
        subject = f"latency probe {i} {time.time()}"
        smtp.sendmail("probe@example.com", ["to@example.com"],
                      f"Subject: {subject}\r\n\r\nbody\r\n")
        acknowledged = time.monotonic()
        while True:
            opcode, payload = read_frame(ws)
            if opcode != 1:
                continue
            frame = json.loads(payload)
            if frame.get("Type") == "new" and frame["Data"].get("Subject") == subject:
                delays.append((time.monotonic() - acknowledged) * 1000)
                break
    smtp.quit()
    delays.sort()
    print(f"RESULT ws_new_after_250 n={count} median_ms={statistics.median(delays):.2f} "
          f"p95_ms={delays[int(len(delays) * 0.95) - 1]:.2f} max_ms={delays[-1]:.2f} (target < 100)")


if __name__ == "__main__":
    main()
