#!/usr/bin/env python3
"""Leave one half-open IKE SA on the responder (it triggers strongSwan's COOKIE logic when
charon.cookie_threshold = 1): send a minimal IKE_SA_INIT request (RFC 7296 §1.2) offering
AES-CBC-256 / PRF-HMAC-SHA2-256 / HMAC-SHA2-256-128 / MODP-2048 and never continue.
The KE value is the generator 2 (a valid, if weak, public value); nothing here is captured.
usage: halfopen.py <source ip> <hub ip>"""
import os
import socket
import struct
import sys


def payload(next_type, body):
    return struct.pack(">BBH", next_type, 0, 4 + len(body)) + body


def transform(last, ttype, tid, attrs=b""):
    body = struct.pack(">BxH", ttype, tid) + attrs
    return struct.pack(">BBH", 0 if last else 3, 0, 4 + len(body)) + body


trans = (transform(False, 1, 12, struct.pack(">HH", 0x800E, 256)) + transform(False, 2, 5)
         + transform(False, 3, 12) + transform(True, 4, 14))
prop_body = struct.pack(">BBBB", 1, 1, 0, 4) + trans
prop = struct.pack(">BBH", 0, 0, 4 + len(prop_body)) + prop_body
sa = payload(34, prop)                                     # next: KE
ke = payload(40, struct.pack(">HH", 14, 0) + (2).to_bytes(256, "big"))  # next: Nonce
nonce = payload(0, os.urandom(32))
body = sa + ke + nonce
header = os.urandom(8) + bytes(8) + struct.pack(">BBBBII", 33, 0x20, 34, 0x08, 0, 28 + len(body))
src, dst = sys.argv[1:3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 5500))  # port 500 belongs to the client charon
s.settimeout(3)
s.sendto(header + body, (dst, 500))
try:
    data, _ = s.recvfrom(4096)
    print(f"half-open IKE SA: responder answered with {len(data)} octets")
except socket.timeout:
    sys.exit("no IKE_SA_INIT response from the hub")
