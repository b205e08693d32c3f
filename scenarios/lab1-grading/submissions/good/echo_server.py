#!/usr/bin/env python3
"""A student's lab-1 echo server: a welcome banner, then every line echoed back."""
import os
import socket
import threading

BANNER = b"Welcome to COMPENG 4DN4 Echo Server!\n"


def serve(conn):
    with conn:
        conn.sendall(BANNER)
        buf = b""
        while True:
            data = conn.recv(4096)
            if not data:
                break
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                conn.sendall(line + b"\n")


def main():
    port = int(os.environ.get("PORT", "50007"))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", port))
        s.listen(8)
        while True:
            conn, _ = s.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
