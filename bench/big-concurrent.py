#!/usr/bin/env python3
"""Big concurrent mail: CLIENTS sessions each send one SIZE MiB message at the same moment.

Usage: big-concurrent.py SMTP_PORT HTTP_PORT SERVER_PID [--clients 40] [--size-mib 20]
(stdlib only; prints one RESULT line, exit 1 when a message was refused or stored differently)

Every client connects and walks to DATA's 354 first; then all of them stream their message at
once (dot-stuffed, in 64 KiB writes) and wait for the 250. A message is a text part (with lines
that start with "." to exercise the unstuffing) and a base64 attachment, with a header that makes
each one different. After the last 250 the script waits until the server's search finds all of
them (its background indexer has parsed them too, which belongs to the peak), then reads the
server's peak RSS (VmHWM of /proc/SERVER_PID/status) and compares the SHA-256 of every message as
sent with that of the API's /api/v1/message/{ID}/raw.
"""
import argparse
import asyncio
import base64
import hashlib
import json
import os
import sys
import time
import urllib.request

CHUNK = 64 * 1024


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return -1


def make_body(size):
    """The part of every message after its own headers: (unstuffed, stuffed) bytes."""
    text_lines = []
    for i in range(20000):
        # Every tenth line starts with a dot, which the client stuffs and the server removes.
        lead = "." if i % 10 == 0 else ""
        text_lines.append(f"{lead}spoolbench line {i} of the text part, quite ordinary words")
    text = ("\r\n".join(text_lines) + "\r\n").encode()
    head = (
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text
        + b"--b1\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="blob.bin"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n"
    )
    tail = b"\r\n--b1--\r\n"
    room = size - len(head) - len(tail) - 200  # about 200 octets of per-client headers
    raw = os.urandom(room * 3 // 4 * 76 // 78)
    encoded = base64.encodebytes(raw).replace(b"\n", b"\r\n")
    body = head + encoded[:room].rstrip(b"\r\n") + tail
    stuffed = body.replace(b"\r\n.", b"\r\n..")
    return body, stuffed


async def expect(reader, code):
    while True:
        line = await reader.readline()
        if not line:
            raise EOFError("connection closed")
        if line[3:4] != b"-":
            if not line.startswith(code):
                raise RuntimeError(f"expected {code!r}, got {line!r}")
            return line


async def client(n, port, body, stuffed, ready, go, results):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"From: Sender {n} <sender{n}@example.com>\r\n"
        f"To: rcpt{n}@example.com\r\n"
        f"Subject: spoolbench message {n}\r\n"
        f"X-Client: {n}\r\n"
    ).encode()
    digest = hashlib.sha256(head)
    digest.update(body)
    try:
        await expect(reader, b"220")
        writer.write(b"EHLO bench\r\n")
        await expect(reader, b"250")
        writer.write(b"MAIL FROM:<sender%d@example.com>\r\n" % n)
        await expect(reader, b"250")
        writer.write(b"RCPT TO:<rcpt%d@example.com>\r\n" % n)
        await expect(reader, b"250")
        writer.write(b"DATA\r\n")
        await expect(reader, b"354")
        ready.release()
        await go.wait()
        writer.write(head)
        view = memoryview(stuffed)
        for at in range(0, len(view), CHUNK):
            writer.write(view[at:at + CHUNK])
            await writer.drain()
        writer.write(b".\r\n")
        line = await expect(reader, b"250")
        writer.write(b"QUIT\r\n")
        await writer.drain()
        results[n] = (digest.hexdigest(), line.decode().strip())
    except Exception as e:  # a refusal is a result, not a crash of the benchmark
        results[n] = (digest.hexdigest(), f"error: {e}")
        ready.release()
    finally:
        writer.close()


def http_get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as r:
        return r.read()


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("smtp_port", type=int)
    p.add_argument("http_port", type=int)
    p.add_argument("pid", type=int)
    p.add_argument("--clients", type=int, default=40)
    p.add_argument("--size-mib", type=float, default=20)
    a = p.parse_args()

    body, stuffed = make_body(int(a.size_mib * 1024 * 1024))
    idle = status_kib(a.pid, "VmRSS:")
    ready = asyncio.Semaphore(0)
    go = asyncio.Event()
    results = {}
    tasks = [asyncio.create_task(client(n, a.smtp_port, body, stuffed, ready, go, results))
             for n in range(a.clients)]
    for _ in range(a.clients):
        await ready.acquire()
    start = time.monotonic()
    go.set()
    await asyncio.gather(*tasks)
    secs = time.monotonic() - start
    acked = sum(1 for _, line in results.values() if line.startswith("250"))
    peak_acked = status_kib(a.pid, "VmHWM:")

    # Until the indexer has parsed every message (or two minutes went by).
    deadline = time.monotonic() + 120
    found = 0
    while time.monotonic() < deadline:
        answer = json.loads(http_get(a.http_port, "/api/v1/search?query=spoolbench&limit=1000"))
        found = answer.get("messages_count", 0)
        if found >= acked:
            break
        await asyncio.sleep(0.5)
    indexed_secs = time.monotonic() - start
    peak = status_kib(a.pid, "VmHWM:")

    listing = json.loads(http_get(a.http_port, "/api/v1/messages?limit=1000"))
    identical = 0
    for m in listing.get("messages", []):
        subject = m.get("Subject", "")
        n = int(subject.rsplit(" ", 1)[1]) if subject.startswith("spoolbench message ") else -1
        if n not in results:
            continue
        raw = http_get(a.http_port, f"/api/v1/message/{m['ID']}/raw")
        if hashlib.sha256(raw).hexdigest() == results[n][0]:
            identical += 1
    for n, (_, line) in sorted(results.items()):
        if not line.startswith("250"):
            print(f"client {n}: {line}", file=sys.stderr)
    print(f"RESULT clients={a.clients} size_mib={a.size_mib:g} acked={acked} "
          f"identical={identical} secs={secs:.1f} indexed_secs={indexed_secs:.1f} "
          f"idle_rss_mib={idle / 1024:.1f} peak_rss_at_last_250_mib={peak_acked / 1024:.1f} "
          f"peak_rss_mib={peak / 1024:.1f}")
    return 0 if acked == a.clients and identical == a.clients else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
