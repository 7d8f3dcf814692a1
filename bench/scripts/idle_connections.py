"""Opens N keep-alive connections to a loopback server, sends one GET on each, reads the
response, then holds them all idle for a few seconds. Writes the number of connections that got
a 200 to /tmp/idle-ready-<pid> when all are open. Bounded in count and time."""
import os
import socket
import sys
import time

host, port, count, path, hold = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
if host not in ("127.0.0.1", "localhost", "::1"):
    sys.exit("loopback only")
deadline = time.monotonic() + 120
request = f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
socks, ok = [], 0
for _ in range(count):
    if time.monotonic() > deadline:
        break
    s = socket.create_connection((host, port), timeout=10)
    s.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
    while len(body) < length:
        body += s.recv(65536)
    if head.startswith(b"HTTP/1.1 200"):
        ok += 1
    socks.append(s)
with open(f"/tmp/idle-ready-{os.getpid()}", "w") as f:
    f.write(str(ok))
time.sleep(hold)
for s in socks:
    s.close()
