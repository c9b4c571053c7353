"""A bench-only SMS sender: hands each one-time code to the load generator over UDP.

Named in ``SMS_SENDER`` by bench/quiz_load.py for the server it starts, with
``BENCH_SMS_UDP=host:port``. The datagram carries a hash of the phone and the code, never
the number itself (DESIGN rule 2 holds for benches too). Never configure it elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import re
import socket

_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


def phone_key(phone: str) -> str:
    return hashlib.sha256(phone.encode()).hexdigest()[:16]


class UdpCodeSender:
    def send(self, phone: str, text: str) -> None:
        host, port = os.environ["BENCH_SMS_UDP"].rsplit(":", 1)
        code = re.search(r"\d{6}", text).group()
        _socket.sendto(f"{phone_key(phone)} {code}".encode(), (host, int(port)))
