#!/usr/bin/env python3
"""A faulty lab-1 echo server: no banner, and it drops the line endings it echoes."""
import os
import socket

port = int(os.environ.get("PORT", "50007"))
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.listen(8)
    while True:
        conn, _ = s.accept()
        with conn:
            while True:
                data = conn.recv(4096)
                if not data:
                    break
                conn.sendall(data.strip())
