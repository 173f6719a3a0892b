"""Holds N connections subscribed to one channel and discards what they receive.

Used by vs-redis.sh for the PUBLISH workloads: one process reading every
subscriber's socket in large chunks costs far less than N redis-cli processes
printing each message, so the server under test stays the bottleneck.

Usage: python3 subscribers.py PORT N CHANNEL
"""

import selectors
import socket
import sys


def main() -> None:
    port, count, channel = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode()
    command = b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n" % (len(channel), channel)
    selector = selectors.DefaultSelector()
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(command)
        connection.setblocking(False)
        selector.register(connection, selectors.EVENT_READ)
    while True:
        for key, _ in selector.select():
            if not key.fileobj.recv(1 << 20):
                return  # the server went away


if __name__ == "__main__":
    main()
