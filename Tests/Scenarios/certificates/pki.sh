# Tests/Scenarios/certificates/pki.sh — certificate helpers for the certificates/* scenarios,
# sourced by their setup.sh after lib.sh. Everything is made at run time with strongSwan's
# `pki` under $PKI_DIR ($SCENARIO_STATE/pki): NAME.key, NAME.crt, NAME.crl.
PKI_DIR=${PKI_DIR:-$SCENARIO_STATE/pki}
PKI_ORG="O=IKEHub Scenario"

# pki_key NAME TYPE SIZE: a private key (TYPE rsa|ecdsa), PEM.
pki_key() {
  mkdir -p "$PKI_DIR"
  pki --gen --type "$2" --size "$3" --outform pem > "$PKI_DIR/$1.key" 2>/dev/null
}

# pki_root NAME CN [TYPE SIZE]: a self-signed root CA (ECDSA P-256 unless told), 30 days.
pki_root() {
  local name=$1 cn=$2 type=${3:-ecdsa} size=${4:-256}
  pki_key "$name" "$type" "$size"
  pki --self --ca --lifetime 30 --in "$PKI_DIR/$name.key" --type "$type" \
      --dn "C=CH, $PKI_ORG, CN=$cn" --outform pem > "$PKI_DIR/$name.crt" 2>/dev/null
}

# pki_issue NAME ISSUER TYPE SIZE DN [pki --issue options…]: a certificate for a new key of
# TYPE/SIZE signed by ISSUER (NAME.crt/NAME.key of $PKI_DIR). Options add --san, --flag,
# --ca, --crl URI, --lifetime or --not-before/--not-after (default lifetime 30 days).
pki_issue() {
  local name=$1 issuer=$2 type=$3 size=$4 dn=$5; shift 5
  local lifetime=(--lifetime 30)
  case " $* " in *" --lifetime "*|*" --not-before "*|*" --not-after "*) lifetime=() ;; esac
  pki_key "$name" "$type" "$size"
  pki --pub --in "$PKI_DIR/$name.key" --type "$type" 2>/dev/null \
    | pki --issue --cacert "$PKI_DIR/$issuer.crt" --cakey "$PKI_DIR/$issuer.key" --dn "$dn" \
          "${lifetime[@]}" --outform pem "$@" > "$PKI_DIR/$name.crt" 2>/dev/null
  [ -s "$PKI_DIR/$name.crt" ] || { echo "pki_issue $name: no certificate"; return 1; }
}

# pki_client NAME ISSUER TYPE SIZE [options…]: a client certificate for NAME.client.example
# (subject CN and dNSName subjectAltName), EKU clientAuth.
pki_client() {
  local name=$1 issuer=$2 type=$3 size=$4; shift 4
  pki_issue "$name" "$issuer" "$type" "$size" "C=CH, $PKI_ORG, CN=$name.client.example" \
            --san "$name.client.example" --flag clientAuth "$@"
}

# pki_hub NAME ISSUER TYPE SIZE: the hub's certificate for hub.example, EKU serverAuth.
pki_hub() {
  pki_issue "$1" "$2" "$3" "$4" "C=CH, $PKI_ORG, CN=hub.example" --san hub.example --flag serverAuth
}

# pki_crl ISSUER OUT [CERT-NAME…]: a CRL of ISSUER (nextUpdate in 30 days) revoking the
# certificates named; PEM when OUT ends in .pem, else DER (as served over http, RFC 5280 §4.2.1.13).
pki_crl() {
  local issuer=$1 out=$2; shift 2
  local revoked=()
  for name in "$@"; do revoked+=(--cert "$PKI_DIR/$name.crt" --reason key-compromise); done
  local form=der; case "$out" in *.pem) form=pem ;; esac
  pki --signcrl --cacert "$PKI_DIR/$issuer.crt" --cakey "$PKI_DIR/$issuer.key" --lifetime 30 \
      ${revoked[@]+"${revoked[@]}"} --outform "$form" > "$out" 2>/dev/null
  [ -s "$out" ] || { echo "pki_crl $issuer: no CRL"; return 1; }
}

# client_credentials CA-NAME… -- CERT-NAME…: the strongSwan client's trusted CAs
# (x509ca/) and its certificates and keys (x509/, private/).
client_credentials() {
  local dir="$SCENARIO_STATE/client/swanctl"
  mkdir -p "$dir/x509" "$dir/x509ca" "$dir/private"
  while [ $# -gt 0 ] && [ "$1" != -- ]; do cp "$PKI_DIR/$1.crt" "$dir/x509ca/"; shift; done
  [ "${1:-}" = -- ] && shift
  for name in "$@"; do
    cp "$PKI_DIR/$name.crt" "$dir/x509/"
    cp "$PKI_DIR/$name.key" "$dir/private/"
  done
}

# client_connection NAME CERT-NAME ID [LOCAL-AUTH]: a swanctl connection (and child) NAME
# that authenticates with $PKI_DIR/CERT-NAME.crt as ID (LOCAL-AUTH, default pubkey) to
# hub.example, asks for a virtual IP and protects 10.99.200.0/24. Printed for
# connections { … } of a generated swanctl.conf.
client_connection() {
  local name=$1 cert=$2 id=$3 auth=${4:-pubkey}
  cat <<CONN
  $name {
    version = 2
    local_addrs = $CLI_IP
    remote_addrs = $HUB_IP
    proposals = aes256-sha256-ecp256
    vips = 0.0.0.0
    encap = yes
    local {
      auth = $auth
      certs = $cert.crt
      id = $id
    }
    remote {
      auth = pubkey
      id = hub.example
    }
    children {
      $name {
        remote_ts = 10.99.200.0/24
        esp_proposals = aes128gcm16
        start_action = none
      }
    }
  }
CONN
}

# hub_config: the scenario's hub.cfg with @STATE@ replaced, at $SCENARIO_STATE/hub.cfg.
hub_config() { sed "s|@STATE@|$SCENARIO_STATE|g" "$SCENARIO_DIR/hub.cfg" > "$SCENARIO_STATE/hub.cfg"; }

# crl_server_start DIR: an http server (python3 http.server) in the hub's namespace on
# $HUB_IP:8080 serving DIR, for CRL distribution points http://10.99.0.1:8080/NAME.
crl_server_start() {
  command -v python3 >/dev/null || skip "python3 is not installed (CRL http server)"
  ip netns exec "$NS_HUB" python3 -m http.server 8080 --bind "$HUB_IP" --directory "$1" \
     > "$SCENARIO_STATE/crl-http.log" 2>&1 < /dev/null &
  echo $! > "$SCENARIO_STATE/crl-http.pid"
  for _ in $(seq 1 50); do
    ip netns exec "$NS_HUB" bash -c "exec 3<>/dev/tcp/$HUB_IP/8080" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "CRL http server did not start"; cat "$SCENARIO_STATE/crl-http.log"; return 1
}

crl_server_stop() { stop_pidfile "$SCENARIO_STATE/crl-http.pid"; }
