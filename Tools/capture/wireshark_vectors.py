#!/usr/bin/env python3
"""Convert Wireshark's IKEv2 decryption test captures into our vector files.

Input: a Wireshark source tree (e.g. Debian's wireshark 4.0.17 source package: `apt-get source
--download-only wireshark`, unpacked), which ships test/captures/ikev2-decrypt-*.pcap(ng),
the key table test/config/ikev2_decryption_table.tmpl and, in test/suite_decryption.py, the
expected `isakmp.auth.data` of every capture.

Output:
  <out-wire>/wireshark-<name>-<nn>-<exchange>-<request|response>.hex   one per IKE message
  <out-keys>/wireshark-<name>.keys    the published key table row + expected AUTH data

Before writing, every SK payload is decrypted (and its ICV / AEAD tag verified) with the
published keys using Python 'cryptography', and the AUTH payload found in the decrypted
IKE_AUTH messages must equal Wireshark's published expected value; the decrypted payload
chains are written as plain_NN, labelled as produced by this script.
"""
import argparse
import hashlib
import hmac
import os
import re
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESCCM

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract import EXCHANGES, Msg, hexwrap, inner_payload  # noqa: E402

try:  # TripleDES moved to the 'decrepit' module in newer cryptography releases
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
except ImportError:  # pragma: no cover
    TripleDES = algorithms.TripleDES

CAPTURES = {
    # name: (file, short description of the algorithms as in the Wireshark test)
    "3des-sha1_160": "ikev2-decrypt-3des-sha1_160.pcap",
    "aes128ccm12": "ikev2-decrypt-aes128ccm12.pcap",
    "aes128ccm12-2": "ikev2-decrypt-aes128ccm12-2.pcap",
    "aes192ctr": "ikev2-decrypt-aes192ctr.pcap",
    "aes256cbc": "ikev2-decrypt-aes256cbc.pcapng",
    "aes256ccm16": "ikev2-decrypt-aes256ccm16.pcapng",
    "aes256gcm16": "ikev2-decrypt-aes256gcm16.pcap",
    "aes256gcm8": "ikev2-decrypt-aes256gcm8.pcap",
}


def die(msg):
    sys.exit("wireshark_vectors.py: " + msg)


# ------------------------------------------------------------------ capture files
def frames(path):
    """Yield (linktype, timestamp, frame bytes) from a pcap or pcapng file."""
    data = open(path, "rb").read()
    if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4"):
        e = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
        lt = struct.unpack(e + "I", data[20:24])[0]
        off = 24
        while off + 16 <= len(data):
            sec, usec, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
            yield lt, sec + usec / 1e6, data[off + 16:off + 16 + incl]
            off += 16 + incl
        return
    if data[:4] != b"\x0a\x0d\x0d\x0a":
        die(f"{path}: unknown capture format")
    off, e, links = 0, "<", []
    while off + 12 <= len(data):
        btype = struct.unpack(e + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            links.append(struct.unpack(e + "H", body[0:2])[0])
        elif btype == 6:
            iface, tsh, tsl, caplen, _ = struct.unpack(e + "IIIII", body[:20])
            yield links[iface], ((tsh << 32) | tsl) / 1e6, body[20:20 + caplen]
        off += blen


def udp_payloads(path):
    for lt, ts, fr in frames(path):
        if lt == 1:
            et, ip = struct.unpack(">H", fr[12:14])[0], fr[14:]
        elif lt == 113:
            et, ip = struct.unpack(">H", fr[14:16])[0], fr[16:]
        elif lt in (101, 228):
            et, ip = 0x0800, fr
        else:
            die(f"link type {lt} not handled")
        if et != 0x0800 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        total = struct.unpack(">H", ip[2:4])[0]
        udp = ip[ihl:total]
        sport, dport, ulen = struct.unpack(">HHH", udp[:6])
        yield ts, ".".join(map(str, ip[12:16])), sport, ".".join(map(str, ip[16:20])), dport, udp[8:ulen]


# ------------------------------------------------------------------ ciphers (Wireshark table names)
def integ_of(name):
    return {"HMAC_SHA1_160 [RFC4595]": (hashlib.sha1, 20),
            "HMAC_SHA2_512_256 [RFC4868]": (hashlib.sha512, 32),
            "HMAC_SHA2_256_128 [RFC4868]": (hashlib.sha256, 16)}.get(name)


def decrypt(msg, enc_name, integ_name, ke, ka):
    """Return (payload chain, padding incl. pad length octet, description of the check)."""
    body, off = msg.payloads[-1][1], msg.payloads[-1][2]
    hl = 4
    aad = msg.data[:off + hl]
    integ = integ_of(integ_name)
    if enc_name.startswith("3DES") or enc_name.startswith("AES-CBC") or enc_name.startswith("AES-CTR"):
        ivlen = 8 if (enc_name.startswith("3DES") or enc_name.startswith("AES-CTR")) else 16
        if integ is not None:
            icvlen = integ[1]
        elif integ_name.startswith("ANY 96-bits"):
            icvlen = 12
        else:
            die("no integrity for " + enc_name)
        iv, ct, icv = body[hl:hl + ivlen], body[hl + ivlen:len(body) - icvlen], body[len(body) - icvlen:]
        check = "none"
        if integ is not None:
            mac = hmac.new(ka, msg.data[:len(msg.data) - icvlen], integ[0]).digest()[:icvlen]
            if mac != icv:
                die("ICV mismatch")
            check = f"ICV verified ({integ_name})"
        if enc_name.startswith("3DES"):
            d = Cipher(TripleDES(ke), modes.CBC(iv)).decryptor()
        elif enc_name.startswith("AES-CBC"):
            d = Cipher(algorithms.AES(ke), modes.CBC(iv)).decryptor()
        else:  # RFC 5930: key || 4-octet nonce; counter block = nonce | IV | 00000001
            d = Cipher(algorithms.AES(ke[:-4]), modes.CTR(ke[-4:] + iv + b"\x00\x00\x00\x01")).decryptor()
        pt = d.update(ct) + d.finalize()
    elif enc_name.startswith("AES-CCM"):
        icvlen = int(re.search(r"with (\d+) octet ICV", enc_name).group(1))
        iv, rest = body[hl:hl + 8], body[hl + 8:]
        # RFC 5282: key || 3-octet salt, nonce = salt | IV (11 octets)
        pt = AESCCM(ke[:-3], tag_length=icvlen).decrypt(ke[-3:] + iv, rest, aad)
        check = f"CCM tag ({icvlen} octets) verified"
    elif enc_name.startswith("AES-GCM"):
        icvlen = int(re.search(r"with (\d+) octet ICV", enc_name).group(1))
        iv, ct, tag = body[hl:hl + 8], body[hl + 8:len(body) - icvlen], body[len(body) - icvlen:]
        d = Cipher(algorithms.AES(ke[:-4]), modes.GCM(ke[-4:] + iv, tag, min_tag_length=icvlen)).decryptor()
        d.authenticate_additional_data(aad)
        pt = d.update(ct) + d.finalize()
        check = f"GCM tag ({icvlen} octets) verified"
    else:
        die("cipher not handled: " + enc_name)
    padlen = pt[-1]
    return pt[:len(pt) - 1 - padlen], pt[len(pt) - 1 - padlen:], check


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wireshark-src", required=True, help="unpacked Wireshark source tree")
    ap.add_argument("--source-label", required=True, help="e.g. 'Debian bookworm wireshark 4.0.17 source package'")
    ap.add_argument("--out-wire", required=True)
    ap.add_argument("--out-keys", required=True)
    a = ap.parse_args()
    src = a.wireshark_src
    table = {}
    for line in open(os.path.join(src, "test/config/ikev2_decryption_table.tmpl")):
        if line.startswith("#") or not line.strip():
            continue
        cols = next(iter([list(_csv_split(line.strip()))]))
        table[cols[0]] = cols
    suite = open(os.path.join(src, "test/suite_decryption.py")).read()
    expected = {}
    for m in re.finditer(r"def (test_ikev2_\w+)\(self.*?'''(.*?)'''.*?capture_file\('([^']+)'\).*?"
                         r"grepOutput\('([0-9a-f]+)'\)", suite, re.S):
        expected[m.group(3)] = (m.group(1), m.group(2), m.group(4))

    for name, fn in CAPTURES.items():
        path = os.path.join(src, "test/captures", fn)
        msgs = []
        for ts, s, sp, d, dp, payload in udp_payloads(path):
            if sp not in (500, 4500) and dp not in (500, 4500):
                continue
            marker = False
            if 4500 in (sp, dp):
                if payload[:4] != b"\x00\x00\x00\x00":
                    continue
                payload, marker = payload[4:], True
            msgs.append(Msg(ts, s, sp, d, dp, payload, marker))
        spi_i = msgs[0].spi_i.hex()
        row = table.get(spi_i)
        if row is None:
            die(f"{fn}: no key table row for SPIi {spi_i}")
        _, spi_r, sk_ei, sk_er, enc_name, sk_ai, sk_ar, integ_name = row
        test_name, test_doc, auth_expect = expected[fn]
        found_auth = []
        checks = set()
        for m in msgs:
            m.plain = None
            if m.payloads[-1][0] != 46:
                continue
            ke = bytes.fromhex(sk_ei if m.from_initiator else sk_er)
            ka = bytes.fromhex(sk_ai if m.from_initiator else sk_ar) if sk_ai else b""
            if name == "aes128ccm12-2":
                # published as AES-CTR (key || 03 salt); decrypt as the CCM it really is (see note)
                if ke[16] != 0x03:
                    die("aes128ccm12-2: CTR nonce does not start with the CCM flags octet 0x03")
                m.plain, m.padding, chk = decrypt(m, "AES-CCM-128 with 12 octet ICV", "NONE", ke[:16] + ke[17:], b"")
            else:
                m.plain, m.padding, chk = decrypt(m, enc_name, integ_name, ke, ka)
            checks.add(chk)
            for t, b in inner_payload(m.plain, m.payloads[-1][1][0]):
                if t == 39:
                    found_auth.append(b[8:].hex())
        if auth_expect not in found_auth:
            die(f"{fn}: expected AUTH data {auth_expect} not found after decryption (found {found_auth})")
        # write
        for f in os.listdir(a.out_wire):
            if f.startswith(f"wireshark-{name}-") and f.endswith(".hex"):
                os.remove(os.path.join(a.out_wire, f))
        for i, m in enumerate(msgs, 1):
            kind = "response" if m.is_response else "request"
            exch = EXCHANGES.get(m.exchange, str(m.exchange)).lower().replace("_", "-")
            lines = [
                f"# Wireshark IKEv2 decryption test capture '{fn}', message {i:02d} of {len(msgs)}",
                f"# source: Wireshark test suite file test/captures/{fn} (upstream repository wireshark/wireshark,",
                f"#         same path), taken from the {a.source_label}; key table row in",
                "#         test/config/ikev2_decryption_table.tmpl, expected AUTH data in test/suite_decryption.py",
                f"#         {test_name}: {test_doc}",
                "# peer implementations: not stated by Wireshark (two hosts 192.168.1.2 and 192.168.1.14, UDP 500);",
                "#         the IKE_SA_INIT response carries N(MULTIPLE_AUTH_SUPPORTED) as strongSwan sends it, but",
                "#         no vendor is claimed here",
                f"# direction: {m.src}:{m.sport} -> {m.dst}:{m.dport} ({'initiator' if m.from_initiator else 'responder'} sent it)",
                f"# UDP port: {m.dport if m.dport in (500, 4500) else m.sport}; UDP payload = IKE message"
                + (" (4-octet non-ESP marker removed)" if m.marker else ""),
                f"# IKE header: SPIi {m.spi_i.hex()} SPIr {m.spi_r.hex()} exchange {m.exchange} "
                f"({EXCHANGES.get(m.exchange, '?')}) flags 0x{m.flags:02x} message ID {m.msgid} length {m.length}",
            ]
            if m.plain is not None:
                lines.append(f"# encrypted ({enc_name}); keys in Tests/IKECryptoTests/Vectors/wireshark-{name}.keys,"
                             f" decrypted payloads there as plain_{i:02d}")
            lines += hexwrap(m.data)
            with open(os.path.join(a.out_wire, f"wireshark-{name}-{i:02d}-{exch}-{kind}.hex"), "w") as f:
                f.write("\n".join(lines) + "\n")
        K = [
            f"# Keys for the Wireshark IKEv2 decryption test capture test/captures/{fn}",
            f"# source: Wireshark test suite ({a.source_label}; upstream repository wireshark/wireshark):",
            "#   test/config/ikev2_decryption_table.tmpl (columns: SPIi, SPIr, SK_ei, SK_er, encryption, SK_ai,",
            "#   SK_ar, integrity) and test/suite_decryption.py " + test_name + " (expected isakmp.auth.data).",
            "# Wireshark publishes only these; SK_d, SK_pi/SK_pr, the DH secret and the PSK are NOT known, so",
            "# these captures test SK payload decryption + parsing, not key derivation or AUTH computation.",
            "# Check done by Tools/capture/wireshark_vectors.py (Python 'cryptography') before writing:",
            "#   every SK payload decrypts with these keys: " + "; ".join(sorted(checks)) + ";",
            "#   the AUTH payload data in the decrypted IKE_AUTH equals expected_auth_data.",
            "# plain_NN / pad_NN were produced by that script (not published by Wireshark): payload chain",
            "# starting at the SK header's Next Payload type / padding incl. the pad length octet.",
            "",
            f"spi_i = {spi_i}",
            f"spi_r = {spi_r}",
            f"encryption = {enc_name}",
            f"integrity = {integ_name}",
            f"sk_ei = {sk_ei}",
            f"sk_er = {sk_er}",
            f"sk_ai = {sk_ai}",
            f"sk_ar = {sk_ar}",
            f"expected_auth_data = {auth_expect}",
        ]
        if name == "aes128ccm12-2":
            K[11:11] = [
                "# NOTE: the capture is AES-CCM-128 with a 12-octet ICV, but Wireshark's table row decrypts it",
                "# as AES-CTR-128 without checking the ICV. sk_ei/sk_er as published are 20 octets: 16-octet",
                "# AES key || CTR nonce 03 ss ss ss, where 0x03 is the CCM counter-block flags octet (L = 4) and",
                "# ss ss ss is the RFC 5282 3-octet CCM salt; so the CCM key material (key || salt) is",
                "# sk_e*[0:16] || sk_e*[17:20]. The check above used that layout as real AES-CCM (tag verified).",
            ]
        for i, m in enumerate(msgs, 1):
            if m.plain is not None:
                K.append(f"# {i:02d}: {EXCHANGES.get(m.exchange)} {'response' if m.is_response else 'request'} {m.msgid}")
                K.append(f"plain_{i:02d} = {m.plain.hex()}")
                K.append(f"pad_{i:02d} = {m.padding.hex()}")
        with open(os.path.join(a.out_keys, f"wireshark-{name}.keys"), "w") as f:
            f.write("\n".join(K) + "\n")
        print(f"{name}: {len(msgs)} messages; {', '.join(sorted(checks))}; AUTH matches")


def _csv_split(line):
    import csv
    return next(csv.reader([line]))


if __name__ == "__main__":
    main()
