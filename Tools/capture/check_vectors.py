#!/usr/bin/env python3
"""Re-check the committed capture vector files on their own (no logs, no pcap).

For every Tests/IKECryptoTests/Vectors/{strongswan,libreswan}-<scenario>.keys and its message files:
  * each .hex parses, its IKE header length equals the data length;
  * skeyseed / sk_* re-derive from g_ir, ni, nr and the SPIs (RFC 7296 §2.14, rekey §2.18);
  * every SK/SKF payload decrypts and authenticates with the keys to plain_NN | pad_NN;
  * PSK AUTH values: auth = prf(prf(secret, "Key Pad for IKEv2"), octets) and the octets start
    with the IKE_SA_INIT message of the right side, followed by the peer's nonce (§2.15);
  * CHILD_SA keys re-derive as prf+(sk_d, keymat_seed);
  * ESP packets decrypt to esp_plain_NN.
usage: check_vectors.py [repo root]     exits non-zero on the first mismatch
"""
import glob
import hashlib
import hmac
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from extract import ENCR, INTEG, PRF, Msg, decrypt_sk, inner_payload, prf, prf_plus  # noqa: E402

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305  # noqa: E402


def fail(msg):
    sys.exit("check_vectors.py: " + msg)


def read_keys(path):
    kv = {}
    for line in open(path):
        if line.startswith("#") or " = " not in line:
            continue
        k, v = line.rstrip("\n").split(" = ", 1)
        kv[k] = v
    return kv


def read_hex(path):
    return bytes.fromhex("".join(l.strip() for l in open(path) if not l.startswith("#")))


def ike_auth_plain(msgs, order, K, from_client):
    """Decrypted payload chain (first type, bytes) of the first IKE_AUTH message with an AUTH payload
    sent by the client (request) or the hub (response); SKF fragments are joined (RFC 7383 §2.6)."""
    groups = {}
    for nn in order:
        m = msgs[nn]
        if m.exchange != 35 or m.is_response == from_client or f"plain_{nn}" not in K:
            continue
        ptype, body = m.payloads[-1][0], m.payloads[-1][1]
        frag = int.from_bytes(body[4:6], "big") if ptype == 53 else 1
        groups.setdefault(m.msgid, []).append((frag, body[0], bytes.fromhex(K[f"plain_{nn}"])))
    for mid in sorted(groups):
        parts = sorted(groups[mid])
        first = next(t for f, t, _ in parts if f == 1)
        plain = b"".join(p for _, _, p in parts)
        for t, b in inner_payload(plain, first):
            if t == 39:
                return plain, first
    return None, None


def verify_signature(scen, pfx, octets, K, msgs, order):
    """RFC 7427 digital-signature AUTH (method 14) checked with the certificate from the .keys file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding
    from_client = pfx.startswith("auth_i")
    cert_name = "client_cert_der" if from_client else "hub_cert_der"
    if cert_name not in K:
        fail(f"{scen}: {pfx} is a signature but {cert_name} is missing")
    plain, first = ike_auth_plain(msgs, order, K, from_client)
    if plain is None:
        fail(f"{scen}: no AUTH payload for {pfx}")
    auth = next(b for t, b in inner_payload(plain, first) if t == 39)
    certs = [b[5:] for t, b in inner_payload(plain, first) if t == 37]
    cert_der = bytes.fromhex(K[cert_name])
    if cert_der not in certs:
        fail(f"{scen}: {cert_name} is not the certificate in the CERT payload")
    if auth[4] != 14:
        fail(f"{scen}: {pfx} AUTH method {auth[4]}, expected 14 (RFC 7427)")
    alen = auth[8]
    algid, sig = auth[9:9 + alen], auth[9 + alen:]
    pub = x509.load_der_x509_certificate(cert_der).public_key()
    if algid == bytes.fromhex("300a06082a8648ce3d040302"):
        pub.verify(sig, octets, ec.ECDSA(hashes.SHA256()))
    elif algid == bytes.fromhex("300d06092a864886f70d01010b0500"):
        pub.verify(sig, octets, padding.PKCS1v15(), hashes.SHA256())
    elif bytes.fromhex("06092a864886f70d01010a") in algid:
        pub.verify(sig, octets, padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    else:
        fail(f"{scen}: {pfx} unknown AlgorithmIdentifier {algid.hex()}")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
    wire = os.path.join(root, "Tests/IKEWireTests/Vectors")
    total = auths = 0
    kfs = glob.glob(os.path.join(root, "Tests/IKECryptoTests/Vectors/strongswan-*.keys")) + \
        glob.glob(os.path.join(root, "Tests/IKECryptoTests/Vectors/libreswan-*.keys"))
    for kf in sorted(kfs):
        scen = os.path.basename(kf)[:-len(".keys")]  # file stem, e.g. strongswan-psk-modp2048
        K = read_keys(kf)
        encr_id, prf_id, integ_id = int(K["encr_id"]), int(K["prf_id"]), int(K["integ_id"])
        h = PRF[prf_id][1]
        integ = INTEG.get(integ_id) if integ_id else None
        sas = {}
        for p in ["", "rekey1_"]:
            if p + "spi_i" not in K:
                continue
            g = lambda n: bytes.fromhex(K[p + n])  # noqa: E731
            if p == "":
                seed = prf(h, g("ni") + g("nr"), g("g_ir"))
            else:
                seed = prf(h, bytes.fromhex(K["sk_d"]), g("g_ir") + g("ni") + g("nr"))
            if seed != g("skeyseed"):
                fail(f"{scen}: {p}skeyseed")
            names = ["sk_d", "sk_ai", "sk_ar", "sk_ei", "sk_er", "sk_pi", "sk_pr"]
            lens = [len(g(n)) for n in names]
            stream = prf_plus(h, seed, g("ni") + g("nr") + g("spi_i") + g("spi_r"), sum(lens))
            o = 0
            for n, ln in zip(names, lens):
                if stream[o:o + ln] != g(n):
                    fail(f"{scen}: {p}{n}")
                o += ln
            ekl = ENCR[encr_id]
            if integ and (lens[1] != integ[2] or lens[3] not in (16, 24, 32)):
                fail(f"{scen}: key lengths {lens}")
            if not integ and (lens[1] != 0 or lens[3] - ekl[2] not in (16, 24, 32)):
                fail(f"{scen}: AEAD key lengths {lens}")
            sas[(g("spi_i"), g("spi_r"))] = {n: g(n) for n in names}
        files = sorted(f for f in glob.glob(os.path.join(wire, f"{scen}-[0-9][0-9]-*.hex")))
        msgs = {}
        for f in files:
            nn = os.path.basename(f)[len(f"{scen}-"):][:2]
            data = read_hex(f)
            m = Msg(0, "", 0, "", 0, data, False)  # dies on a length mismatch
            msgs[nn] = m
            if m.payloads and m.payloads[-1][0] in (46, 53):
                k = sas.get((m.spi_i, m.spi_r))
                if k is None:
                    fail(f"{scen} {nn}: no keys for the SPIs")
                ke = k["sk_ei"] if m.from_initiator else k["sk_er"]
                ka = k["sk_ai"] if m.from_initiator else k["sk_ar"]
                plain, pad, _iv, _ct, _icv = decrypt_sk(m, encr_id, integ, ke, ka)
                if plain.hex() != K[f"plain_{nn}"] or pad.hex() != K[f"pad_{nn}"]:
                    fail(f"{scen} {nn}: plaintext differs from plain_{nn}")
            total += 1
        # AUTH: octets = IKE_SA_INIT message | peer's nonce | prf(SK_px, IDx') (RFC 7296 §2.15), and
        # for shared-key AUTH value = prf(prf(secret, "Key Pad for IKEv2"), octets) (§2.15, §2.16)
        order = sorted(msgs)
        resp_i = next(i for i, nn in enumerate(order) if msgs[nn].exchange == 34 and msgs[nn].is_response
                      and msgs[nn].payload(33)[0] is not None)
        init_resp = msgs[order[resp_i]]
        init_req = [msgs[nn] for nn in order[:resp_i] if msgs[nn].exchange == 34 and not msgs[nn].is_response][-1]
        k1 = sas[(init_req.spi_i, init_resp.spi_r)]
        for pfx in sorted({k.rsplit("_", 1)[0] for k in K if k.startswith("auth_") and k.endswith("_octets")}):
            octets = bytes.fromhex(K[pfx + "_octets"])
            idx = bytes.fromhex(K[pfx + "_idx_prime"])
            if pfx.startswith("auth_i"):
                want = init_req.data + bytes.fromhex(K["nr"]) + prf(h, k1["sk_pi"], idx)
            else:
                want = init_resp.data + bytes.fromhex(K["ni"]) + prf(h, k1["sk_pr"], idx)
            if octets != want:
                fail(f"{scen}: {pfx}_octets != IKE_SA_INIT message | nonce | prf(SK_p, IDx')")
            if pfx + "_shared_secret" in K:
                sec = bytes.fromhex(K[pfx + "_shared_secret"])
                kp = prf(h, sec, b"Key Pad for IKEv2")
                if kp.hex() != K[pfx + "_prf_secret_keypad"] or prf(h, kp, octets).hex() != K[pfx + "_value"]:
                    fail(f"{scen}: {pfx} AUTH value does not recompute")
            else:
                verify_signature(scen, pfx, octets, K, msgs, order)
            for who in ("hub", "client"):  # the verifier's own value (wrong-PSK capture)
                e = f"{pfx}_expected_by_{who}"
                if e + "_value" in K:
                    kp = prf(h, bytes.fromhex(K[e + "_shared_secret"]), b"Key Pad for IKEv2")
                    if prf(h, kp, octets).hex() != K[e + "_value"]:
                        fail(f"{scen}: {e}_value does not recompute")
                    auths += 1
            auths += 1
        # CHILD_SAs
        n = 1
        while f"child{n}_keymat_seed" in K:
            c = lambda x: bytes.fromhex(K.get(f"child{n}_{x}", ""))  # noqa: E731
            sa = K[f"child{n}_ike_sa"]
            skd = bytes.fromhex(K["sk_d"] if sa == "ike1" else K["rekey1_sk_d"])
            want = c("encr_i2r") + c("integ_i2r") + c("encr_r2i") + c("integ_r2i")
            if prf_plus(h, skd, c("keymat_seed"), len(want)) != want:
                fail(f"{scen}: child{n} keys")
            n += 1
        # ESP
        for f in sorted(glob.glob(os.path.join(wire, f"{scen}-esp-*.hex"))):
            nn = os.path.basename(f)[len(f"{scen}-esp-"):][:2]
            pkt = read_hex(f)
            spi = pkt[:4].hex()
            found = None
            for j in range(1, n):
                for d in ("i2r", "r2i"):
                    if K.get(f"child{j}_spi_{d}") == spi:
                        found = (j, d)
            if found is None:
                fail(f"{scen} esp {nn}: SPI {spi} unknown")
            j, d = found
            ek = bytes.fromhex(K[f"child{j}_encr_{d}"])
            alg = K[f"child{j}_encr_alg"]
            if alg == "AES_GCM_16":
                pt = AESGCM(ek[:-4]).decrypt(ek[-4:] + pkt[8:16], pkt[16:], pkt[:8])
            elif alg == "CHACHA20_POLY1305":
                pt = ChaCha20Poly1305(ek[:-4]).decrypt(ek[-4:] + pkt[8:16], pkt[16:], pkt[:8])
            else:
                ik = bytes.fromhex(K[f"child{j}_integ_{d}"])
                if hmac.new(ik, pkt[:-16], hashlib.sha256).digest()[:16] != pkt[-16:]:
                    fail(f"{scen} esp {nn}: ICV")
                dd = Cipher(algorithms.AES(ek), modes.CBC(pkt[8:24])).decryptor()
                pt = dd.update(pkt[24:-16]) + dd.finalize()
            if pt.hex() != K[f"esp_plain_{nn}"]:
                fail(f"{scen} esp {nn}: esp_plain differs")
            total += 1
        print(f"{scen}: ok ({len(files)} messages, {len(sas)} IKE SA(s), {n - 1} CHILD_SA(s))")
    print(f"{total} vector files checked, {auths} AUTH computations re-derived")


if __name__ == "__main__":
    main()
