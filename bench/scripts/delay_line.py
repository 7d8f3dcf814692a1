#!/usr/bin/env python3
"""A point-to-point link with a fixed delay, for kernels without netem: two TUN devices, and every
IP packet read from one is written to the other DELAY_MS later. Unlike a TCP proxy, the two ends
keep one TCP connection, so their stacks see the delay as round-trip time (ss -ti shows it) and
grow their windows as over a real long link. Rate limits go on the devices (tc tbf).

Usage: delay_line.py NAME_A NAME_B DELAY_MS [SECONDS]
Opens the devices and prints "ready" once they exist; the caller then moves them into network
namespaces and configures them (the open descriptors follow a device into its namespace). Runs
until killed, or SECONDS. Needs root (CAP_NET_ADMIN)."""
import fcntl, heapq, os, select, struct, sys, time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main():
    a_name, b_name, delay_ms = sys.argv[1], sys.argv[2], float(sys.argv[3])
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else float("inf")
    a, b = open_tun(a_name), open_tun(b_name)
    peer = {a: b, b: a}
    print("ready", flush=True)
    delay = delay_ms / 1000.0
    queue = []  # (due, sequence, fd to write, packet)
    seq = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, packet = heapq.heappop(queue)
            try:
                os.write(out, packet)
            except OSError:
                pass  # the device is down or its queue full: the packet is lost, as on a wire
        timeout = max(0.0, queue[0][0] - now) if queue else 0.5
        readable, _, _ = select.select([a, b], [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            for _ in range(64):  # drain a burst, bounded, then serve the other side
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                seq += 1
                heapq.heappush(queue, (now + delay, seq, peer[fd], packet))


if __name__ == "__main__":
    main()
