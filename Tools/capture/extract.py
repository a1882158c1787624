#!/usr/bin/env python3
"""Turn one capture scenario (pcap + strongSwan charon logs) into test-vector files.

Inputs: the tcpdump -w pcap of the client's veth, the client's and the hub's charon.log
(filelog with ike/chd/enc = 4), and Tools/capture/<scenario>/scenario.txt (description).
Outputs:
  <out-wire>/strongswan-<scenario>-<nn>-<exchange>-<request|response>.hex   one per IKE message
  <out-keys>/strongswan-<scenario>.keys                                   key material

Every value written comes from the wire (pcap) or from a strongSwan log line. This script only
*cross-checks* them with an independent implementation (Python 'cryptography'): SKEYSEED and
SK_* are re-derived from the logged g^ir and the nonces on the wire, every SK/SKF payload is
decrypted and integrity-checked with the logged keys and compared with the plaintext strongSwan
logged, and client and hub logs must agree. Any mismatch aborts (no file is written then).
Standard library + 'cryptography' only.
"""
import argparse
import datetime
import hashlib
import hmac
import os
import re
import struct
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305

EXCHANGES = {34: "IKE_SA_INIT", 35: "IKE_AUTH", 36: "CREATE_CHILD_SA", 37: "INFORMATIONAL"}
# IANA transform IDs (RFC 7296 §3.3.2 registries) we can check here
ENCR = {12: ("AES_CBC", 16, 0, 0), 20: ("AES_GCM_16", 8, 4, 16), 19: ("AES_GCM_12", 8, 4, 12),
        18: ("AES_GCM_8", 8, 4, 8), 28: ("CHACHA20_POLY1305", 8, 4, 16)}  # name, iv, salt, icv
PRF = {2: ("PRF_HMAC_SHA1", hashlib.sha1), 5: ("PRF_HMAC_SHA2_256", hashlib.sha256),
       6: ("PRF_HMAC_SHA2_384", hashlib.sha384), 7: ("PRF_HMAC_SHA2_512", hashlib.sha512)}
INTEG = {2: ("AUTH_HMAC_SHA1_96", hashlib.sha1, 20, 12), 12: ("AUTH_HMAC_SHA2_256_128", hashlib.sha256, 32, 16),
         13: ("AUTH_HMAC_SHA2_384_192", hashlib.sha384, 48, 24), 14: ("AUTH_HMAC_SHA2_512_256", hashlib.sha512, 64, 32)}
DH = {14: "MODP_2048", 15: "MODP_3072", 19: "ECP_256", 20: "ECP_384", 21: "ECP_521", 31: "CURVE_25519", 32: "CURVE_448"}


def die(msg):
    sys.exit("extract.py: " + msg)


# ------------------------------------------------------------------ pcap
def read_pcap(path):
    """Yield (timestamp, src, sport, dst, dport, udp_payload) for every UDP packet (Ethernet link)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        endian, nano = "<", False
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian, nano = ">", False
    elif magic == b"\x4d\x3c\xb2\xa1":
        endian, nano = "<", True
    else:
        die(f"{path}: not a classic pcap file")
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    if linktype != 1:
        die(f"{path}: link type {linktype}, expected Ethernet")
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _orig = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ts = sec + frac / (1e9 if nano else 1e6)
        ethertype = struct.unpack(">H", frame[12:14])[0]
        p = frame[14:]
        if ethertype == 0x0800:
            ihl = (p[0] & 0x0F) * 4
            if p[9] != 17:
                continue
            src, dst = ".".join(map(str, p[12:16])), ".".join(map(str, p[16:20]))
            total = struct.unpack(">H", p[2:4])[0]
            udp = p[ihl:total]
        elif ethertype == 0x86DD:
            if p[6] != 17:
                continue
            src = ipv6_text(p[8:24])
            dst = ipv6_text(p[24:40])
            udp = p[40:40 + struct.unpack(">H", p[4:6])[0]]
        else:
            continue
        sport, dport, ulen = struct.unpack(">HHH", udp[:6])
        yield ts, src, sport, dst, dport, udp[8:ulen]


def ipv6_text(b):
    import ipaddress
    return str(ipaddress.IPv6Address(b))


# ------------------------------------------------------------------ IKE parsing
class Msg:
    """One IKE message from the wire."""

    def __init__(self, ts, src, sport, dst, dport, data, marker):
        self.ts, self.src, self.sport, self.dst, self.dport = ts, src, sport, dst, dport
        self.data, self.marker = data, marker
        if len(data) < 28:
            die("short IKE message")
        self.spi_i, self.spi_r = data[0:8], data[8:16]
        self.first, self.version, self.exchange, self.flags = data[16], data[17], data[18], data[19]
        self.msgid, self.length = struct.unpack(">II", data[20:28])
        if self.length != len(data):
            die(f"IKE length {self.length} != UDP payload {len(data)}")
        self.is_response = bool(self.flags & 0x20)
        self.from_initiator = bool(self.flags & 0x08)
        self.payloads = []  # (type, body) of the clear payload chain
        nxt, off = self.first, 28
        while nxt != 0:
            if off + 4 > len(data):
                die("truncated payload chain")
            plen = struct.unpack(">H", data[off + 2:off + 4])[0]
            self.payloads.append((nxt, data[off:off + plen], off))
            if nxt in (46, 53):  # SK / SKF is always last
                break
            nxt = data[off]
            off += plen
        self.summary = None
        self.plain = None
        self.padding = None
        self.sa_label = None

    def payload(self, ptype):
        for t, body, off in self.payloads:
            if t == ptype:
                return body, off
        return None, None

    def exchange_name(self):
        return EXCHANGES.get(self.exchange, f"EXCHANGE_{self.exchange}")


def parse_transforms(sa_body):
    """First proposal of an SA payload -> (protocol, spi, {type: (id, keylen)})."""
    off = 4
    prop = sa_body[off:]
    plen = struct.unpack(">H", prop[2:4])[0]
    proto, spisize, ntrans = prop[5], prop[6], prop[7]
    spi = prop[8:8 + spisize]
    t = 8 + spisize
    trans = {}
    for _ in range(ntrans):
        tlen = struct.unpack(">H", prop[t + 2:t + 4])[0]
        ttype, tid = prop[t + 4], struct.unpack(">H", prop[t + 6:t + 8])[0]
        keylen = None
        a = t + 8
        while a < t + tlen:
            af, av = struct.unpack(">HH", prop[a:a + 4])
            if af == 0x800E:
                keylen = av
            a += 4
        trans.setdefault(ttype, (tid, keylen))
        t += tlen
    del plen
    return proto, spi, trans


def inner_payload(plain, ptype):
    """Walk a decrypted payload chain (first type given by caller) and return all (type, body)."""
    out = []
    nxt, off = ptype, 0
    while nxt != 0 and off + 4 <= len(plain):
        plen = struct.unpack(">H", plain[off + 2:off + 4])[0]
        out.append((nxt, plain[off:off + plen]))
        nxt = plain[off]
        off += plen
    return out


# ------------------------------------------------------------------ log parsing
LINE = re.compile(r"^(\S+) (\d+)\[(\w+)\] (?:<([^>]*)> )?(.*)$")
DUMP_HEAD = re.compile(r"^(.*) => (\d+) bytes @ (?:0x[0-9a-f]+|\(nil\))$")
DUMP_ROW = re.compile(r"^\s*(\d+): ((?:[0-9A-F]{2} ?)+)")


class Entry:
    def __init__(self, idx, ts, thread, group, tag, text):
        self.idx, self.ts, self.thread, self.group, self.tag, self.text = idx, ts, thread, group, tag, text
        self.name = None
        self.blob = None


def read_log(path):
    """Parse a charon filelog into entries; hex dumps (%B) become entries with name + blob."""
    entries = []
    pending = {}  # thread -> entry being filled with dump rows
    with open(path, errors="replace") as f:
        for raw in f:
            m = LINE.match(raw.rstrip("\n"))
            if not m:
                continue
            ts, thread, group, tag, text = m.groups()
            row = DUMP_ROW.match(text)
            cur = pending.get(thread)
            if row and cur is not None and int(row.group(1)) == len(cur.blob):
                cur.blob += bytes.fromhex(row.group(2).replace(" ", ""))
                if len(cur.blob) >= cur.want:
                    del pending[thread]
                continue
            e = Entry(len(entries), ts, thread, group, tag, text.strip())
            h = DUMP_HEAD.match(text.strip())
            if h:
                e.name, e.want, e.blob = h.group(1).strip(), int(h.group(2)), b""
                if e.want > 0:
                    pending[thread] = e
            entries.append(e)
    for e in entries:
        if e.name is not None and len(e.blob) != e.want:
            die(f"{path}: dump '{e.name}' has {len(e.blob)} of {e.want} bytes")
    return entries


def crypto_records(entries):
    """'encrypted payload (en|de)cryption:' blocks -> dicts of IV/plain/padding/assoc/encrypted/ICV."""
    recs, open_by_thread = [], {}
    for e in entries:
        if e.group == "ENC" and e.text in ("encrypted payload encryption:", "encrypted payload decryption:",
                                            "encrypted fragment payload encryption:", "encrypted fragment payload decryption:"):
            r = {"kind": e.text, "line": e.idx, "ts": e.ts}
            recs.append(r)
            open_by_thread[e.thread] = r
        elif e.name in ("IV", "plain", "padding", "assoc", "encrypted", "ICV") and e.thread in open_by_thread:
            r = open_by_thread[e.thread]
            if e.name in r:
                del open_by_thread[e.thread]
                continue
            r[e.name] = e.blob
            if all(k in r for k in ("IV", "plain", "padding", "assoc", "encrypted", "ICV")):
                del open_by_thread[e.thread]
    return recs


IKE_KEYS = ["shared Diffie Hellman secret", "SKEYSEED", "Sk_d secret", "Sk_ai secret", "Sk_ar secret",
            "Sk_ei secret", "Sk_er secret", "Sk_pi secret", "Sk_pr secret"]


def ike_keysets(entries):
    sets, cur = [], None
    for e in entries:
        if e.name == "shared Diffie Hellman secret" and e.group == "IKE":
            cur = {"line": e.idx, "tag": e.tag}
            sets.append(cur)
        if cur is not None and e.name in IKE_KEYS and e.group == "IKE":
            if e.name in cur:
                die(f"duplicate {e.name} in one key derivation")
            cur[e.name] = e.blob
            if e.name == "Sk_pr secret":
                cur = None
        elif cur is not None and e.group == "IKE" and e.name is None and "Sk_" in e.text:
            die("unparsed key line: " + e.text)
    for s in sets:
        # AEAD: no integrity algorithm, strongSwan derives and logs no Sk_a*; RFC 7296 §2.14 gives
        # them length 0
        if "Sk_ai secret" not in s and "Sk_ar secret" not in s:
            s["Sk_ai secret"] = s["Sk_ar secret"] = b""
        missing = [k for k in IKE_KEYS if k not in s]
        if missing:
            die(f"incomplete IKE key derivation at log entry {s['line']}: missing {missing}")
    return sets


def child_keysets(entries):
    """CHILD_SA key derivations (chd 4) with algorithm names and the SPIs installed right after."""
    sets, cur = [], None
    for e in entries:
        if e.group != "CHD":
            if cur is not None and e.group == "IKE" and "CHILD_SA" in e.text and "established with SPIs" in e.text:
                cur.setdefault("established", []).append(e.text)
            continue
        m = re.match(r"using (\S+) for (encryption|integrity)", e.text)
        if m:
            if cur is None or "seed" in cur:
                cur = {"line": e.idx}
                sets.append(cur)
            cur[m.group(2) + "_alg"] = m.group(1)
            continue
        if cur is None:
            continue
        if e.name == "DH secret":
            cur["dh"] = e.blob
        if e.name in ("seed", "encryption initiator key", "encryption responder key",
                      "integrity initiator key", "integrity responder key"):
            cur[e.name] = e.blob
        m = re.match(r"adding (inbound|outbound) ESP SA", e.text)
        if m:
            cur["_dir"] = m.group(1)
        m = re.match(r"SPI 0x([0-9a-f]{8}), src (\S+) dst (\S+)", e.text)
        if m and "_dir" in cur:
            cur.setdefault(cur["_dir"] + "_spi", m.group(1))
            cur.setdefault(cur["_dir"] + "_src_dst", (m.group(2), m.group(3)))
    return sets


def auth_records(entries):
    """AUTH computations logged by keymat_v2 (octets, prf(secret,keypad), AUTH)."""
    recs, cur = [], None
    for e in entries:
        if e.group != "IKE" or e.name is None:
            continue
        if e.name.startswith("octets = message + nonce + prf(Sk_px, IDx')"):
            cur = {"octets": e.blob, "line": e.idx}
            recs.append(cur)
            # the 'authentication of ...' line that follows names the identity and the method
            # (own AUTH: the '(myself)' line just before; verified AUTH: the '... successful' line
            # after) - take the nearer one
            after = next(((f.idx - e.idx, f.text) for f in entries[e.idx + 1:e.idx + 2000]
                          if f.group == "IKE" and f.text.startswith("authentication of ")), None)
            before = next(((e.idx - f.idx, f.text) for f in reversed(entries[max(0, e.idx - 2000):e.idx])
                           if f.group == "IKE" and f.text.startswith("authentication of ")
                           and "(myself)" in f.text), None)
            best = min([x for x in (after, before) if x is not None], default=None)
            if best is not None:
                cur["context"] = best[1]
        elif cur is not None and e.name == "prf(secret, keypad)":
            cur["prf_keypad"] = e.blob
        elif cur is not None and e.name.startswith("AUTH = prf(prf(secret, keypad), octets)"):
            cur["auth"] = e.blob
        elif cur is not None and e.name == "secret":
            cur["secret"] = e.blob
        elif cur is not None and e.name == "IDx'":
            cur["idx"] = e.blob
    return recs


def idx_records(entries):
    """IDx' and SK_p dumps that precede each 'octets' dump."""
    out, last_id, last_skp = [], None, None
    for e in entries:
        if e.group != "IKE" or e.name is None:
            continue
        if e.name == "IDx'":
            last_id = e.blob
        elif e.name == "SK_p":
            last_skp = e.blob
        elif e.name.startswith("octets = message + nonce"):
            out.append((last_id, last_skp))
    return out


SUMMARY = re.compile(r"^(generating|parsed) (\S+) (request|response) (\d+) \[ ?(.*?) ?\]$")


def summaries(entries):
    out = []
    for e in entries:
        if e.group == "ENC":
            m = SUMMARY.match(e.text)
            if m:
                out.append((e.idx, m.group(1), m.group(2), m.group(3), int(m.group(4)), m.group(5), e.text))
    return out


def selected(entries, proto):
    return [e.text.split(": ", 1)[1] for e in entries
            if e.group == "CFG" and e.text.startswith("selected proposal: " + proto + ":")]


# ------------------------------------------------------------------ crypto (independent cross-check)
def prf(h, key, data):
    return hmac.new(key, data, h).digest()


def prf_plus(h, key, seed, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = prf(h, key, t + seed + bytes([i]))
        out += t
        i += 1
    return out[:n]


def sk_header_len(ptype):
    return 8 if ptype == 53 else 4


def decrypt_sk(msg, encr_id, integ, ke, ka):
    """Decrypt + verify the SK/SKF payload of msg; returns (payload chain, padding incl. pad length)."""
    ptype = msg.payloads[-1][0]
    body, off = msg.payloads[-1][1], msg.payloads[-1][2]
    hl = sk_header_len(ptype)
    name, ivlen, saltlen, icvlen = ENCR[encr_id]
    if integ is not None:
        icvlen = integ[3]
    iv = body[hl:hl + ivlen]
    ct = body[hl + ivlen:len(body) - icvlen]
    icv = body[len(body) - icvlen:]
    if name == "AES_CBC":
        mac = hmac.new(ka, msg.data[:len(msg.data) - icvlen], integ[1]).digest()[:icvlen]
        if mac != icv:
            die(f"integrity check failed for message id {msg.msgid}")
        d = Cipher(algorithms.AES(ke), modes.CBC(iv)).decryptor()
        pt = d.update(ct) + d.finalize()
    else:
        key, salt = ke[:-saltlen], ke[-saltlen:]
        aad = msg.data[:off + hl]
        if name.startswith("AES_GCM"):
            if icvlen != 16:
                die("only 16-octet GCM ICVs are cross-checked here")
            pt = AESGCM(key).decrypt(salt + iv, ct + icv, aad)
        else:
            pt = ChaCha20Poly1305(key).decrypt(salt + iv, ct + icv, aad)
    padlen = pt[-1]
    return pt[:len(pt) - 1 - padlen], pt[len(pt) - 1 - padlen:], iv, ct, icv


# ------------------------------------------------------------------ output helpers
def hexwrap(b, width=32):
    h = b.hex()
    return [h[i:i + 2 * width] for i in range(0, len(h), 2 * width)] or [""]


def kv(name, value):
    if isinstance(value, (bytes, bytearray)):
        return f"{name} = {value.hex()}"
    return f"{name} = {value}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--pcap", required=True)
    ap.add_argument("--client-log", help="client charon.log (strongSwan client); the primary log if given")
    ap.add_argument("--hub-log", help="hub charon.log (strongSwan hub)")
    ap.add_argument("--name", help="file name stem (default strongswan-<scenario>)")
    ap.add_argument("--only-first-ike-sa", action="store_true",
                    help="keep only messages and keys of the first IKE SA (the peer re-connects afterwards)")
    ap.add_argument("--client-impl", default="strongSwan 5.9.8 (Debian 12, 5.9.8-5+deb12u6)")
    ap.add_argument("--hub-impl", default="strongSwan 5.9.8 (Debian 12, 5.9.8-5+deb12u6)")
    ap.add_argument("--desc", required=True)
    ap.add_argument("--out-wire", required=True)
    ap.add_argument("--out-keys", required=True)
    ap.add_argument("--client-ip", default="10.99.0.2", help="client address(es), comma separated")
    ap.add_argument("--pki-dir", help="throw-away CA/hub/client credentials of this scenario (pki_make)")
    a = ap.parse_args()
    scen = a.scenario
    client_ips = set(a.client_ip.split(","))
    desc = [l.rstrip("\n") for l in open(a.desc) if l.strip()]

    msgs, esps = [], []
    for ts, src, sport, dst, dport, payload in read_pcap(a.pcap):
        if 4500 in (sport, dport):
            if len(payload) == 1 and payload == b"\xff":
                continue  # NAT-T keepalive
            if payload[:4] != b"\x00\x00\x00\x00":
                esps.append((ts, src, sport, dst, dport, payload))  # ESP in UDP (RFC 3948)
                continue
            msgs.append(Msg(ts, src, sport, dst, dport, payload[4:], True))
        else:
            msgs.append(Msg(ts, src, sport, dst, dport, payload, False))
    if not msgs:
        die("no IKE messages in pcap")
    if a.only_first_ike_sa:
        first_spi = next(m.spi_i for m in msgs if m.exchange == 34 and not m.is_response)
        msgs = [m for m in msgs if m.spi_i == first_spi]

    if not (a.client_log or a.hub_log):
        die("need --client-log and/or --hub-log")
    primary = "client" if a.client_log else "hub"
    cl = read_log(a.client_log or a.hub_log)   # the primary strongSwan log
    hb = read_log(a.hub_log) if a.client_log and a.hub_log else None  # the other one, for cross-checks
    pre = a.name or f"strongswan-{scen}"
    c_keys = ike_keysets(cl)
    h_keys = ike_keysets(hb) if hb is not None else c_keys
    if a.only_first_ike_sa:  # (no IKE rekey in such a capture: later derivations are later IKE SAs)
        c_keys, h_keys = c_keys[:1], h_keys[:1]
    if len(c_keys) != len(h_keys):
        die(f"client logged {len(c_keys)} IKE key derivations, hub {len(h_keys)}")
    for ck, hk in zip(c_keys, h_keys):
        for k in IKE_KEYS:
            if ck[k] != hk[k]:
                die(f"client and hub disagree on '{k}'")

    # an exchange that ends in N(NO_PROPOSAL_CHOSEN) & co. creates no IKE SA: message files only
    has_sa = any(m.exchange == 34 and m.is_response and m.payload(33)[0] is not None for m in msgs)
    if not has_sa and c_keys:
        die("keys logged but no IKE_SA_INIT response with an SA payload on the wire")
    sas, proposal_text = [], []
    if has_sa:
        # --- IKE SA #1: from IKE_SA_INIT
        # the IKE_SA_INIT pair that created the SA: the first response with an SA payload and the last
        # request before it (earlier rounds may have ended in N(COOKIE) or N(INVALID_KE_PAYLOAD))
        ri = next(i for i, m in enumerate(msgs) if m.exchange == 34 and m.is_response and m.payload(33)[0] is not None)
        init_resp = msgs[ri]
        init_req = [m for m in msgs[:ri] if m.exchange == 34 and not m.is_response][-1]
        sa_body, _ = init_resp.payload(33)
        _, _, trans = parse_transforms(sa_body)
        encr_id, encr_kl = trans[1]
        prf_id = trans[2][0]
        integ_id = trans.get(3, (0, None))[0]
        dh_id = trans[4][0]
        ni = init_req.payload(40)[0][4:]
        nr = init_resp.payload(40)[0][4:]
        kei = init_req.payload(34)[0][8:]
        ker = init_resp.payload(34)[0][8:]
        h = PRF[prf_id][1]
        integ = INTEG.get(integ_id) if integ_id else None
        if encr_kl is None:  # no Key Length attribute: fixed-size cipher (ChaCha20, RFC 7634 §3: 256 bits)
            if encr_id != 28:
                die(f"ENCR {encr_id} without key length attribute")
            encr_kl = 256
        ekey_len = encr_kl // 8 + ENCR[encr_id][2]
        akey_len = integ[2] if integ else 0
        proposal_text = selected(cl, "IKE")

        def check_ike(ks, skeyseed_expect, spi_i, spi_r, n_i, n_r, label):
            prf_len = h().digest_size
            stream = prf_plus(h, ks["SKEYSEED"], n_i + n_r + spi_i + spi_r, 3 * prf_len + 2 * akey_len + 2 * ekey_len)
            if ks["SKEYSEED"] != skeyseed_expect:
                die(f"{label}: SKEYSEED does not re-derive")
            want = {}
            o = 0
            for name, ln in (("Sk_d secret", prf_len), ("Sk_ai secret", akey_len), ("Sk_ar secret", akey_len),
                             ("Sk_ei secret", ekey_len), ("Sk_er secret", ekey_len), ("Sk_pi secret", prf_len),
                             ("Sk_pr secret", prf_len)):
                want[name] = stream[o:o + ln]
                o += ln
            for name, val in want.items():
                logged = ks.get(name, b"")
                if logged != val:
                    die(f"{label}: {name} (len {len(logged)}) does not match prf+ re-derivation (len {len(val)})")

        ks1 = c_keys[0]
        check_ike(ks1, prf(h, ni + nr, ks1["shared Diffie Hellman secret"]), init_req.spi_i, init_resp.spi_r, ni, nr, "IKE SA 1")
        sas = [{"label": "ike1", "spi_i": init_req.spi_i, "spi_r": init_resp.spi_r, "keys": ks1, "ni": ni, "nr": nr,
                "ke_i": kei, "ke_r": ker}]

        # --- decrypt every protected message, match strongSwan's logged plaintext
        recs = crypto_records(cl)
        by_ct = {}
        for r in recs:
            if "encrypted" in r:
                by_ct.setdefault(r["encrypted"], r)
        pending_rekeys = {}

        def sa_for(m):
            for s in sas:
                if s["spi_i"] == m.spi_i and s["spi_r"] == m.spi_r:
                    return s
            return None

        for m in msgs:
            if m.payloads and m.payloads[-1][0] in (46, 53):
                s = sa_for(m)
                if s is None:
                    die(f"no keys for SPIs {m.spi_i.hex()}/{m.spi_r.hex()}")
                k = s["keys"]
                ke = k["Sk_ei secret"] if m.from_initiator else k["Sk_er secret"]
                ka = k["Sk_ai secret"] if m.from_initiator else k["Sk_ar secret"]
                plain, pad, iv, ct, icv = decrypt_sk(m, encr_id, integ, ke, ka)
                # strongSwan dumps 'encrypted' without the ICV when encrypting but with it when decrypting
                r = by_ct.get(ct) or by_ct.get(ct + icv)
                if r is None:
                    die(f"no strongSwan log record with the ciphertext of {m.exchange_name()} {m.msgid} ({len(ct)} octets {ct[:8].hex()})")
                if r["plain"] != plain or r["IV"] != iv or r["ICV"] != icv:
                    die(f"logged plaintext/IV/ICV differs from decryption of {m.exchange_name()} {m.msgid}")
                if r["padding"] != pad:
                    die(f"logged padding differs for {m.exchange_name()} {m.msgid}")
                m.plain, m.padding, m.sa_label, m.sk_ptype = plain, pad, s["label"], m.payloads[-1][1][0]
                m.iv, m.icv = iv, icv
                if m.exchange == 36 and m.payloads[-1][0] == 46:
                    inner = inner_payload(plain, m.sk_ptype)
                    sa_p = [b for t, b in inner if t == 33]
                    nonce = [b for t, b in inner if t == 40]
                    ke_p = [b for t, b in inner if t == 34]
                    if sa_p:
                        proto, spi, _t = parse_transforms(sa_p[0])
                        if proto == 1:  # IKE rekey
                            key = (s["label"], m.msgid, m.from_initiator == (not m.is_response))
                            entry = pending_rekeys.setdefault((s["label"], m.msgid), {"old": s})
                            side = "resp" if m.is_response else "req"
                            entry[side] = {"spi": spi, "nonce": nonce[0][4:], "ke": ke_p[0][8:] if ke_p else b""}
                            del key
                            if "req" in entry and "resp" in entry:
                                old = entry["old"]
                                n = len(sas) + 1
                                ksn = c_keys[n - 1]
                                skeyseed = prf(h, old["keys"]["Sk_d secret"],
                                               ksn["shared Diffie Hellman secret"] + entry["req"]["nonce"] + entry["resp"]["nonce"])
                                check_ike(ksn, skeyseed, entry["req"]["spi"], entry["resp"]["spi"],
                                          entry["req"]["nonce"], entry["resp"]["nonce"], f"IKE SA {n} (rekey)")
                                sas.append({"label": f"ike{n}", "spi_i": entry["req"]["spi"], "spi_r": entry["resp"]["spi"],
                                            "keys": ksn, "ni": entry["req"]["nonce"], "nr": entry["resp"]["nonce"],
                                            "ke_i": entry["req"]["ke"], "ke_r": entry["resp"]["ke"], "rekey_of": old["label"],
                                            "rekey_msgid": m.msgid})
        if len(sas) != len(c_keys):
            die(f"{len(c_keys)} IKE key derivations logged but {len(sas)} IKE SAs found on the wire")

    # --- strongSwan's one-line summaries, matched in order (client log: generating = client sent)
    sums = summaries(cl)
    used = set()
    for m in msgs:
        sent = (m.src in client_ips) == (primary == "client")  # sent by the side that wrote the log
        frag = m.payloads and m.payloads[-1][0] == 53
        ef = None
        if frag:  # SKF header: fragment number, total fragments (RFC 7383 §2.5)
            body = m.payloads[-1][1]
            ef = f"EF({int.from_bytes(body[4:6], 'big')}/{int.from_bytes(body[6:8], 'big')})"
        want_kind = "response" if m.is_response else "request"
        # threads may log in another order than the wire shows: take the first unused match
        for j in range(len(sums)):
            _, verb, exch, kind, mid, plist, text = sums[j]
            if j in used:
                continue
            if verb == ("generating" if sent else "parsed") and exch == m.exchange_name() and kind == want_kind \
                    and mid == m.msgid and (ef in plist if frag else "EF(" not in plist):
                m.summary = text
                used.add(j)
                break
        if m.summary is None:
            die(f"no log summary for {m.exchange_name()} {want_kind} {m.msgid}")
        if frag:  # also quote the summary of the whole (reassembled / pre-split) message
            cands = [sums[j] for j in range(len(sums)) if sums[j][2] == m.exchange_name()
                     and sums[j][3] == want_kind and sums[j][4] == m.msgid and "EF(" not in sums[j][5]
                     and sums[j][1] == ("generating" if sent else "parsed")]
            if cands:
                m.reassembled = cands[0][6]

    # --- child SAs
        c_child = child_keysets(cl)
        h_child = child_keysets(hb) if hb is not None else c_child
        if a.only_first_ike_sa:  # CHILD_SAs made with the first IKE SA's IKE_AUTH only
            c_child = [c for c in c_child if c.get("seed", b"").endswith(sas[0]["ni"] + sas[0]["nr"])]
            h_child = c_child if hb is None else [c for c in h_child
                                                  if c.get("seed", b"").endswith(sas[0]["ni"] + sas[0]["nr"])]
        for c in c_child:  # ESP SA directions relative to the client/hub (the log side's in/outbound)
            c["c2h_spi"], c["h2c_spi"] = ((c.get("outbound_spi"), c.get("inbound_spi")) if primary == "client"
                                          else (c.get("inbound_spi"), c.get("outbound_spi")))

        # --- AUTH records (client log: its own AUTH and the hub's verified AUTH)
        auths = auth_records(cl)
        auth_ids = idx_records(cl)
        # only AUTH computations of this capture's IKE SA (octets start with its IKE_SA_INIT messages)
        keep = [i for i, r in enumerate(auths) if r["octets"].startswith(init_req.data)
                or r["octets"].startswith(init_resp.data)]
        auths, auth_ids = [auths[i] for i in keep], [auth_ids[i] for i in keep]

    # ------------------------------------------------------------------ write message files
    date = datetime.datetime.fromtimestamp(msgs[0].ts, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    os.makedirs(a.out_wire, exist_ok=True)
    os.makedirs(a.out_keys, exist_ok=True)
    for f in os.listdir(a.out_wire):
        if f.startswith(f"{pre}-") and f.endswith(".hex"):
            os.remove(os.path.join(a.out_wire, f))
    written = []
    for i, m in enumerate(msgs, 1):
        kind = "response" if m.is_response else "request"
        exch = m.exchange_name().lower().replace("_", "-")
        fn = f"{pre}-{i:02d}-{exch}-{kind}.hex"
        sent = m.src in client_ips
        lines = [
            f"# IKEv2 capture '{pre}' (scenario '{scen}'), message {i:02d} of {len(msgs)}",
            f"# source: {a.client_impl} client <-> {a.hub_impl} hub, two network",
            "#         namespaces joined by a veth, tcpdump on the client side; regenerate with",
            "#         Tools/capture-strongswan-vectors.sh " + scen,
            f"# captured: {date}",
        ]
        lines += [f"# scenario: {d}" for d in desc]
        lines += [f"# negotiated IKE proposal: {p}" for p in proposal_text[:1]]
        lines += [
            "# direction: " + (f"client {m.src}:{m.sport} -> hub {m.dst}:{m.dport}" if sent
                               else f"hub {m.src}:{m.sport} -> client {m.dst}:{m.dport}")
            + ("  (client = original initiator of the first IKE SA)"),
            f"# UDP port: {m.dport if sent else m.sport}"
            + ("; the 4-octet non-ESP marker (RFC 3948) that preceded this message in the UDP payload is NOT included"
               if m.marker else "; UDP payload = IKE message"),
            f"# IKE header: SPIi {m.spi_i.hex()} SPIr {m.spi_r.hex()} exchange {m.exchange} ({m.exchange_name()}) "
            f"flags 0x{m.flags:02x} message ID {m.msgid} length {m.length}",
            f"# strongSwan log ({primary}, {'sent' if (sent == (primary == 'client')) else 'received'}): {m.summary}",
        ]
        if getattr(m, "reassembled", None):
            lines.append(f"# reassembled message (strongSwan log): {m.reassembled}")
        if m.plain is not None:
            lines.append(f"# encrypted with the keys of IKE SA '{m.sa_label}' "
                         f"({'unprefixed names' if m.sa_label == 'ike1' else 'rekey1_* names'}) in {pre}.keys; "
                         f"decrypted inner payloads: plain_{i:02d}")
        lines += hexwrap(m.data)
        with open(os.path.join(a.out_wire, fn), "w") as f:
            f.write("\n".join(lines) + "\n")
        written.append(fn)

    if not has_sa:
        for f in os.listdir(a.out_keys):
            if f == f"{pre}.keys":
                os.remove(os.path.join(a.out_keys, f))
        print(f"{scen}: {len(msgs)} messages, no IKE SA (no keys); wrote {len(written)} .hex")
        return

    # ------------------------------------------------------------------ write the .keys file
    K = []
    K.append(f"# Known keys for the IKEv2 capture '{pre}' (messages: Tests/IKEWireTests/Vectors/"
             f"{pre}-NN-*.hex)")
    K.append(f"# source: {a.client_impl} client <-> {a.hub_impl} hub, captured " + date)
    K += [f"# scenario: {d}" for d in desc]
    K += [
        ("# How obtained: both charons ran" if hb is not None else f"# How obtained: the strongSwan {primary} ran")
        + " with filelog levels ike = 4, chd = 4, enc = 4 (default 1); the values",
        "# below are the hex dumps strongSwan printed, copied by Tools/capture/extract.py. Log line -> value:",
        "#   keymat_v2.c derive_ike_keys  'shared Diffie Hellman secret => N bytes'  -> g_ir",
        "#                                'SKEYSEED => N bytes'                      -> skeyseed",
        "#                                'Sk_d secret', 'Sk_ai secret', 'Sk_ar secret', 'Sk_ei secret',",
        "#                                'Sk_er secret', 'Sk_pi secret', 'Sk_pr secret' -> sk_d .. sk_pr",
        "#   keymat_v2.c derive_child_keys (chd 4) 'seed', 'encryption initiator key', 'encryption responder key',",
        "#                                'integrity initiator key', 'integrity responder key' -> childN_*",
        "#                                and the following 'adding inbound/outbound ESP SA' / 'SPI 0x..' lines",
        "#   keymat_v2.c get_auth_octets / get_psk_sig  'octets = message + nonce + prf(Sk_px, IDx')',",
        "#                                'prf(secret, keypad)', 'AUTH = prf(prf(secret, keypad), octets)', 'IDx''",
        "#   encrypted_payload.c (enc 4)  'plain' / 'padding' of every SK (and SKF) payload -> plain_NN / pad_NN",
        "#   ni, nr, ke_i, ke_r, spi_i, spi_r, transform IDs: from the captured messages themselves (the Nonce",
        "#   payload data, the KE payload data after its 4-octet DH group/reserved header, the IKE header SPIs,",
        "#   the selected proposal in the IKE_SA_INIT response).",
        "# Cross-checked before writing (Tools/capture/extract.py, Python 'cryptography', independent of the",
        ("# code under test): client and hub logged identical IKE keys; skeyseed = prf(ni | nr, g_ir) (rekey:"
         if hb is not None else
         f"# code under test): (only the {primary} is strongSwan) skeyseed = prf(ni | nr, g_ir) (rekey:"),
        "# prf(old sk_d, g_ir | ni | nr)); sk_* = prf+(skeyseed, ni | nr | spi_i | spi_r) split in RFC 7296",
        "# §2.14 order; every SK/SKF payload decrypts (and, for non-AEAD, the ICV verifies) with these keys to",
        "# exactly plain_NN followed by pad_NN (pad_NN = padding octets + the pad length octet).",
        "# AEAD (RFC 5282 / RFC 7634) sk_e* = key || 4-octet salt; sk_a* then empty. Direction: '_i' keys",
        "# protect messages whose IKE header has the Initiator flag (sent by that SA's original initiator).",
        "# IKE SA labels used below and in the .hex headers: ike1 = the unprefixed names (spi_i, sk_ei, ...),",
        "# ike2 = the names with prefix rekey1_ (the IKE SA created by rekeying ike1).",
        "",
    ]
    K.append(kv("ike_proposal", proposal_text[0] if proposal_text else "?"))
    K.append(kv("encr_id", f"{encr_id}  # {ENCR[encr_id][0]}, key length {encr_kl} bits"
                + ("" if trans[1][1] else " (no Key Length attribute, fixed by the cipher)")))
    K.append(kv("prf_id", f"{prf_id}  # {PRF[prf_id][0]}"))
    K.append(kv("integ_id", f"{integ_id}  # {integ[0] if integ else 'none (AEAD)'}"))
    K.append(kv("dh_id", f"{dh_id}  # {DH.get(dh_id, '?')}"))
    for n, s in enumerate(sas):
        p = "" if n == 0 else f"rekey{n}_"
        k = s["keys"]
        K.append("")
        if n == 0:
            K.append("# IKE SA 1 (created by IKE_SA_INIT / IKE_AUTH)")
        else:
            K.append(f"# IKE SA {n + 1}: rekey of IKE SA {n} by CREATE_CHILD_SA message ID {s['rekey_msgid']} "
                     "(spi_i = SPI in the request's IKE proposal, spi_r = SPI in the response's proposal;")
            K.append(f"# ni/nr/ke from the Nonce/KE payloads inside that exchange; skeyseed = prf({'sk_d' if n == 1 else f'rekey{n - 1}_sk_d'}, g_ir | ni | nr))")
        K.append(kv(p + "spi_i", s["spi_i"]))
        K.append(kv(p + "spi_r", s["spi_r"]))
        K.append(kv(p + "ni", s["ni"]))
        K.append(kv(p + "nr", s["nr"]))
        K.append(kv(p + "ke_i", s["ke_i"]))
        K.append(kv(p + "ke_r", s["ke_r"]))
        K.append(kv(p + "g_ir", k["shared Diffie Hellman secret"]))
        K.append(kv(p + "skeyseed", k["SKEYSEED"]))
        for name, key in (("sk_d", "Sk_d secret"), ("sk_ai", "Sk_ai secret"), ("sk_ar", "Sk_ar secret"),
                          ("sk_ei", "Sk_ei secret"), ("sk_er", "Sk_er secret"), ("sk_pi", "Sk_pi secret"),
                          ("sk_pr", "Sk_pr secret")):
            K.append(kv(p + name, k[key]) + f"  # {len(k[key])} octets")
    # AUTH
    if auths:
        K.append("")
        K.append(f"# AUTH payload computations logged by the {primary} (keymat_v2.c). auth_i_* = the AUTH the client")
        K.append("# (initiator) sent, auth_r_* = the hub's AUTH (one side computed, the other verified). octets = IKE_SA_INIT")
        K.append("# message | peer's nonce | prf(SK_px, IDx') (RFC 7296 §2.15). For signature AUTH only the")
        K.append("# octets are logged (the signature is in the AUTH payload of the decrypted IKE_AUTH message).")
        ai = ar = 0
        for r, (idx, skp) in zip(auths, auth_ids):
            first = r["octets"][:28]
            init_flag = first[19] & 0x08 and not first[19] & 0x20
            if init_flag:
                ai += 1
                pfx = "auth_i" + ("" if ai == 1 else str(ai))
            else:
                ar += 1
                pfx = "auth_r" + ("" if ar == 1 else str(ar))
            if "context" in r:
                K.append(f"# {pfx}: strongSwan: {r['context']}")
            if idx is not None:
                K.append(kv(pfx + "_idx_prime", idx) + "  # IDx' = ID payload body (type, 3 reserved, data)")
            K.append(kv(pfx + "_octets", r["octets"]))
            if "secret" in r:
                what = "PSK or EAP MSK, as logged ('secret')"
                for nm in ("sk_pi", "sk_pr"):
                    if r["secret"] == ks1["Sk_" + nm[3:] + " secret"]:
                        what = f"= {nm}: the EAP method made no MSK, so RFC 7296 §2.16 uses SK_p"
                K.append(kv(pfx + "_shared_secret", r["secret"]) + f"  # {what}")
            if "prf_keypad" in r:
                K.append(kv(pfx + "_prf_secret_keypad", r["prf_keypad"]))
            if "auth" in r:
                K.append(kv(pfx + "_value", r["auth"]))
        # the other strongSwan side's view of the same AUTH, where it computed something different
        # (a wrong PSK: the value the verifier expected)
        if hb is not None:
            for r in auth_records(hb):
                twin = [c for c in auths if c["octets"] == r["octets"]]
                if twin and "auth" in r and twin[0].get("auth") != r["auth"]:
                    first = r["octets"][:28]
                    side = "auth_i" if first[19] & 0x08 and not first[19] & 0x20 else "auth_r"
                    other = "hub" if primary == "client" else "client"
                    K.append(f"# {side}_expected_by_{other}: the {other} computed this AUTH for the same octets "
                             f"with its own secret and rejected the received one")
                    if "secret" in r:
                        K.append(kv(f"{side}_expected_by_{other}_shared_secret", r["secret"]))
                    K.append(kv(f"{side}_expected_by_{other}_value", r["auth"]))
    # child SAs
    for n, c in enumerate(c_child, 1):
        ei, er = c.get("encryption initiator key", b""), c.get("encryption responder key", b"")
        ii, ir = c.get("integrity initiator key", b""), c.get("integrity responder key", b"")
        owner = None
        for s_ in sas:
            if prf_plus(h, s_["keys"]["Sk_d secret"], c["seed"], len(ei + ii + er + ir)) == ei + ii + er + ir:
                owner = s_
                break
        if owner is None:
            die(f"CHILD_SA keys {n} do not re-derive as prf+(SK_d, seed) from any IKE SA")
        if c.get("dh") is not None and not c["seed"].startswith(c["dh"]):
            die(f"CHILD_SA {n}: seed does not start with the DH secret")
        nonces = c["seed"][len(c.get("dh") or b""):]
        n_i = nonces[:len(nonces) // 2]
        # who initiated the exchange that made this CHILD_SA: the sender of the request carrying Ni
        if any(nonces == x["ni"] + x["nr"] for x in sas[:1]):
            client_init = True  # created with IKE_AUTH of the first IKE SA (client = IKE initiator)
        else:
            reqs = [m for m in msgs if m.plain is not None and m.exchange == 36 and not m.is_response
                    and n_i in m.plain]
            if len(reqs) != 1:
                die(f"CHILD_SA {n}: seed nonces not found in exactly one CREATE_CHILD_SA request")
            client_init = reqs[0].src in client_ips
        c["client_init"] = client_init
        c["c2h_key"] = (ei, ii) if client_init else (er, ir)
        c["h2c_key"] = (er, ir) if client_init else (ei, ii)
        c2h = "i2r" if client_init else "r2i"
        h2c = "r2i" if client_init else "i2r"
        c["c2h_name"], c["h2c_name"] = c2h, h2c
        K.append("")
        K.append(f"# CHILD_SA key derivation {n} ({primary} log). 'i2r' = from the initiator of the exchange that created")
        K.append(f"# this CHILD_SA (here the {'client' if client_init else 'hub'}) to its responder, RFC 7296 §2.17:")
        K.append("# KEYMAT = prf+(SK_d of the IKE SA, seed) = encr_i2r | integ_i2r | encr_r2i | integ_r2i,")
        K.append("# seed = [g_ir (PFS) |] ni | nr of that exchange.")
        K.append(f"# cross-checked: prf+(sk_d of IKE SA '{owner['label']}', keymat_seed) reproduces the four keys")
        K.append(kv(f"child{n}_ike_sa", owner["label"]))
        K.append(kv(f"child{n}_exchange_initiator", "client" if client_init else "hub"))
        K.append(kv(f"child{n}_encr_alg", c.get("encryption_alg", "?")))
        if "integrity_alg" in c:
            K.append(kv(f"child{n}_integ_alg", c["integrity_alg"]))
        if c.get("dh") is not None:
            K.append(kv(f"child{n}_g_ir", c["dh"]) + "  # PFS: CHD 'DH secret' (KE payloads in that CREATE_CHILD_SA)")
        K.append(kv(f"child{n}_keymat_seed", c.get("seed", b"")))
        K.append(kv(f"child{n}_encr_i2r", ei))
        K.append(kv(f"child{n}_encr_r2i", er))
        if "integrity initiator key" in c:
            K.append(kv(f"child{n}_integ_i2r", ii))
            K.append(kv(f"child{n}_integ_r2i", ir))
        if c.get("c2h_spi"):
            K.append(kv(f"child{n}_spi_{c2h}", c["c2h_spi"]) + "  # client -> hub ESP SA (SPI chosen by the hub)")
        if c.get("h2c_spi"):
            K.append(kv(f"child{n}_spi_{h2c}", c["h2c_spi"]) + "  # hub -> client ESP SA (SPI chosen by the client)")
        # the other side must have derived the same keys (matched by value: with simultaneous
        # exchanges the two logs may list the derivations in another order)
        if not any(hc.get("encryption initiator key") == ei and hc.get("encryption responder key") == er
                   and hc.get("integrity initiator key") == c.get("integrity initiator key") for hc in h_child):
            die(f"hub and client disagree on CHILD_SA keys {n}")
        if hb is None:
            K.append(f"# (keys from the {primary} log only)")
    # ESP packets (RFC 4303 in UDP, RFC 3948) of the pings, decrypted with the CHILD_SA keys above
    esp_written = []
    for f in os.listdir(a.out_wire):
        if f.startswith(f"{pre}-esp-") and f.endswith(".hex"):
            os.remove(os.path.join(a.out_wire, f))
    per_dir = {}
    for ts, src, sport, dst, dport, pkt in esps:
        spi = pkt[:4].hex()
        for n, c in enumerate(c_child, 1):
            if spi not in (c.get("c2h_spi"), c.get("h2c_spi")):
                continue
            i2r = spi == c.get("c2h_spi")  # here: client -> hub
            ek, ik = c["c2h_key"] if i2r else c["h2c_key"]
            alg = c.get("encryption_alg")
            seq = pkt[4:8]
            if alg in ("AES_GCM_16", "CHACHA20_POLY1305"):
                iv, ct = pkt[8:16], pkt[16:]
                aead = AESGCM(ek[:-4]) if alg == "AES_GCM_16" else ChaCha20Poly1305(ek[:-4])
                pt = aead.decrypt(ek[-4:] + iv, ct, pkt[:8])
                chk = f"{alg} tag verified"
            elif alg == "AES_CBC" and c.get("integrity_alg") == "HMAC_SHA2_256_128":
                icv = pkt[-16:]
                if hmac.new(ik, pkt[:-16], hashlib.sha256).digest()[:16] != icv:
                    die("ESP ICV mismatch")
                d = Cipher(algorithms.AES(ek), modes.CBC(pkt[8:24])).decryptor()
                pt = d.update(pkt[24:-16]) + d.finalize()
                chk = "HMAC_SHA2_256_128 ICV verified"
            else:
                die(f"ESP algorithm {alg} not handled")
            padlen, nexthdr = pt[-2], pt[-1]
            key = (n, i2r, nexthdr)
            per_dir[key] = per_dir.get(key, 0) + 1
            if per_dir[key] > 2:  # two packets per CHILD_SA, direction and inner IP version are plenty
                break
            k = len(esp_written) + 1
            fn = f"{pre}-esp-{k:02d}-{'client-to-hub' if i2r else 'hub-to-client'}.hex"
            lines = [
                f"# ESP-in-UDP packet (RFC 4303 + RFC 3948) from capture '{pre}', ESP packet {k:02d}",
                "# source: the data planes of the capture (strongSwan kernel-libipsec), see the IKE message files of",
                f"#         this scenario; traffic = ping through the tunnel; captured {date}",
                "# direction: " + (f"client {src}:{sport} -> hub {dst}:{dport}" if i2r
                                   else f"hub {src}:{sport} -> client {dst}:{dport}"),
                "# UDP port: 4500; the data below is the UDP payload = ESP packet (SPI first; no non-ESP marker)",
                f"# SPI {spi} sequence {int.from_bytes(seq, 'big')}; CHILD_SA child{n} in {pre}.keys "
                f"(key child{n}_encr_{c['c2h_name'] if i2r else c['h2c_name']}); decrypted: esp_plain_{k:02d} there",
            ]
            lines += hexwrap(pkt)
            with open(os.path.join(a.out_wire, fn), "w") as f:
                f.write("\n".join(lines) + "\n")
            esp_written.append((k, fn, n, i2r, pt, padlen, nexthdr, chk))
            break
    if esp_written:
        K.append("")
        K.append("# ESP packets (" + pre + "-esp-NN-*.hex): decrypted by Tools/capture/extract.py")
        K.append("# (Python 'cryptography') with the childN keys above, integrity/tag verified. esp_plain_NN =")
        K.append("# the whole decrypted ESP payload: inner IP packet | padding | pad length | next header")
        K.append("# (RFC 4303 §2); AEAD nonce = 4-octet salt (last 4 octets of the key) | 8-octet IV, AAD = SPI | seq.")
        for k, fn, n, i2r, pt, padlen, nexthdr, chk in esp_written:
            K.append(f"# esp {k:02d}: child{n} {'client -> hub' if i2r else 'hub -> client'}, {chk}, "
                     f"pad length {padlen}, next header {nexthdr}")
            K.append(kv(f"esp_plain_{k:02d}", pt))

    # throw-away credentials made for this capture (strongswan-pki), so signatures can be checked
    # and PKCS#1 v1.5 ones even re-created
    if a.pki_dir and os.path.isdir(a.pki_dir):
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization as ser
        K.append("")
        K.append("# Throw-away credentials generated by 'pki' for this capture only (never used elsewhere):")
        K.append("# X.509 certificates as DER, private keys as unencrypted PKCS#8 DER. hub_cert_der / client_cert_der")
        K.append("# are the certificates inside the CERT payloads; ca_cert_der signed both.")
        items = [("ca_cert_der", "ca.crt", "cert"), ("hub_cert_der", "hub/x509/hub.crt", "cert"),
                 ("hub_key_pkcs8_der", "hub/private/hub.key", "key"),
                 ("client_cert_der", "client/x509/client.crt", "cert"),
                 ("client_key_pkcs8_der", "client/private/client.key", "key")]
        cfgs = [os.path.join(os.path.dirname(a.desc), f) for f in ("client.conf", "client.ipsec.conf")]
        text = "".join(open(f).read() for f in cfgs if os.path.exists(f))
        client_uses_cert = "client.crt" in text or "leftcert=" in text
        for name, rel, kind in items:
            path = os.path.join(a.pki_dir, rel)
            if not os.path.exists(path) or (name.startswith("client_") and not client_uses_cert):
                continue
            pem = open(path, "rb").read()
            if kind == "cert":
                der = x509.load_pem_x509_certificate(pem).public_bytes(ser.Encoding.DER)
            else:
                der = ser.load_pem_private_key(pem, password=None).private_bytes(
                    ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption())
            K.append(kv(name, der))

    # plaintexts
    K.append("")
    K.append("# Decrypted inner payloads of every encrypted message (plain_NN: payload chain starting with the")
    K.append("# type in the SK/SKF header's Next Payload field; pad_NN: padding + pad length octet).")
    for i, m in enumerate(msgs, 1):
        if m.plain is not None:
            K.append(f"# {i:02d}: {m.exchange_name()} {'response' if m.is_response else 'request'} {m.msgid}, "
                     f"IKE SA {m.sa_label}, first inner payload type {m.sk_ptype}")
            K.append(kv(f"plain_{i:02d}", m.plain))
            K.append(kv(f"pad_{i:02d}", m.padding))
    # value lines carry no inline comments (parsers split at the first ' = ' only): a note
    # becomes a '#' line right above its value
    out = []
    for line in K:
        mm = re.match(r"^([a-z0-9_]+) = (\S*)\s+# (.*)$", line)
        if mm:
            out.append(f"# {mm.group(1)}: {mm.group(3)}")
            out.append(f"{mm.group(1)} = {mm.group(2)}")
        else:
            out.append(line)
    with open(os.path.join(a.out_keys, f"{pre}.keys"), "w") as f:
        f.write("\n".join(out) + "\n")
    print(f"{scen}: {len(msgs)} messages, {len(esp_written)} ESP packets, {len(sas)} IKE SA(s), {len(c_child)} CHILD_SA key sets; "
          f"wrote {len(written)} .hex + {pre}.keys")


if __name__ == "__main__":
    main()
