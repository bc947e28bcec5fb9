#!/usr/bin/env python3
"""The kernel's own cost of a sock_diag dump, without any Java in the way.

Opens N loopback TCP connections (both ends in this process, 1 KiB written to each client end
and never read), then times a raw NETLINK_SOCK_DIAG dump of the established IPv4 sockets that
does nothing with the reply but count messages: one request, then recv() until NLMSG_DONE.
Once without extensions (idiag_ext = 0) and once asking for INET_DIAG_INFO (the tcp_info that
KIST needs). Prints the median of --repeat dumps and the cost per socket returned.

The result is a floor for any dump client: what the kernel spends walking its hash tables,
filling one message per socket and copying them out. Usage (root not needed):

    python3 bench/tools/dump_floor.py --pairs 9000 --repeat 9

The open-file limit must hold 2 x pairs + a few descriptors (the script raises the soft
limit to the hard one).
"""
import argparse
import resource
import socket
import statistics
import struct
import time

NETLINK_SOCK_DIAG = 4
SOCK_DIAG_BY_FAMILY = 20
NLM_F_REQUEST_DUMP = 0x301  # NLM_F_REQUEST | NLM_F_ROOT | NLM_F_MATCH
NLMSG_DONE = 3
NLMSG_ERROR = 2
TCP_ESTABLISHED = 1
INET_DIAG_INFO = 2  # idiag_ext bit (1 << (INET_DIAG_INFO - 1))


def dump_once(ext_bits: int) -> tuple[int, float, int]:
    """One dump of established IPv4 TCP sockets; returns (sockets, seconds, datagrams)."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, NETLINK_SOCK_DIAG)
    try:
        # struct inet_diag_req_v2: family, protocol, ext, pad, states, then a 48-byte inet_diag_sockid.
        req = struct.pack("=BBBBI", socket.AF_INET, socket.IPPROTO_TCP, ext_bits, 0,
                          1 << TCP_ESTABLISHED) + bytes(48)
        msg = struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST_DUMP, 1, 0) + req
        count = datagrams = 0
        t0 = time.perf_counter()
        s.send(msg)
        while True:
            data = s.recv(65536)
            datagrams += 1
            off = 0
            while off + 16 <= len(data):
                length, kind = struct.unpack_from("=IH", data, off)
                if kind == NLMSG_DONE:
                    return count, time.perf_counter() - t0, datagrams
                if kind == NLMSG_ERROR or length < 16:
                    raise RuntimeError(f"netlink error or malformed message (type {kind}, length {length})")
                count += 1
                off += (length + 3) & ~3
    finally:
        s.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pairs", type=int, default=5000, help="loopback connections (default 5000)")
    p.add_argument("--repeat", type=int, default=9, help="timed dumps per variant (default 9)")
    a = p.parse_args()
    if a.pairs < 1 or a.repeat < 1:
        p.error("--pairs and --repeat must be positive")
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard != resource.RLIM_INFINITY and 2 * a.pairs + 50 > hard:
        p.error(f"--pairs {a.pairs} needs about {2 * a.pairs + 50} descriptors; the hard limit is {hard}")

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4096)
    port = listener.getsockname()[1]
    ends = []
    payload = b"x" * 1024
    for _ in range(a.pairs):
        c = socket.create_connection(("127.0.0.1", port))
        ends.append(c)
        ends.append(listener.accept()[0])
        c.sendall(payload)

    print(f"{a.pairs} loopback connections; median of {a.repeat} dumps of all established IPv4 sockets")
    print("| idiag_ext | sockets | median ms | ns per socket | datagrams |")
    print("|---|---:|---:|---:|---:|")
    for name, bits in (("none", 0), ("INET_DIAG_INFO", 1 << (INET_DIAG_INFO - 1))):
        dump_once(bits)  # untimed: warms the page cache of the netlink path
        runs = [dump_once(bits) for _ in range(a.repeat)]
        sockets = runs[-1][0]
        ms = statistics.median(r[1] for r in runs) * 1e3
        print(f"| {name} | {sockets:,} | {ms:,.2f} | {ms * 1e6 / max(1, sockets):,.0f} | {runs[-1][2]} |")
    for e in ends:
        e.close()
    listener.close()


if __name__ == "__main__":
    main()
