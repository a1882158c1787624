#!/bin/bash
# Tools/capture-strongswan-vectors.sh - regenerate the strongSwan IKEv2 message captures and their
# known keys from scratch:
#   Tests/IKEWireTests/Vectors/strongswan-<scenario>-<nn>-<exchange>-<request|response>.hex
#   Tests/IKECryptoTests/Vectors/strongswan-<scenario>.keys
#
# For every scenario: two private network namespaces (ikecap-cli, ikecap-hub) joined by a veth,
# one strongSwan charon per namespace (kernel-libipsec data plane, logging key material at level 4),
# tcpdump -w on the client's veth, connect / DPD / rekey / disconnect with swanctl, then
# Tools/capture/extract.py turns pcap + both charon logs into the vector files. Everything is torn
# down at the end (also on error). Must run as root on a box with strongswan-swanctl, charon-systemd,
# libcharon-extra-plugins, libstrongswan-extra-plugins, strongswan-pki, tcpdump (Debian 12).
#
# usage: Tools/capture-strongswan-vectors.sh [scenario ...]      (default: all, see SCENARIOS)
#   KEEP_WORK=1   keep /tmp/ikecap (pcaps, logs) for inspection
set -euo pipefail

TOOLS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TOOLS/.." && pwd)
CAP=$TOOLS/capture
OUT_WIRE=${OUT_WIRE:-$REPO/Tests/IKEWireTests/Vectors}
OUT_KEYS=${OUT_KEYS:-$REPO/Tests/IKECryptoTests/Vectors}
WORK=${WORK:-/tmp/ikecap}
NS_HUB=ikecap-hub NS_CLI=ikecap-cli
VETH_HUB=cap-hub VETH_CLI=cap-cli
HUB_IP=10.99.0.1 CLI_IP=10.99.0.2 HUB_LO_IP=10.99.200.1 CLI_IP2=10.99.0.3 CLI_IP_MOVED=10.99.0.4
HUB_IP6=fd00:99::1 CLI_IP6=fd00:99::2 HUB_LO_IP6=fd00:99:200::1
CHARON_BIN=/usr/sbin/charon-systemd
SCENARIOS_ALL="psk-modp2048 psk-cookie-invalid-ke psk-aes128gcm16-x25519 psk-chacha20poly1305-ecp256 frag-rsa frag-ecdsa eap-mschapv2 eap-md5 eap-radius-mschapv2 ipv6-vip psk-mobike psk-childless psk-auth-failed psk-no-proposal libreswan-psk libreswan-rsa libreswan-hub-psk"

log() { printf '== %s\n' "$*" >&2; }

# ---------------------------------------------------------------- namespaces
netns_down() {
  local ns pids
  for ns in "$NS_CLI" "$NS_HUB"; do
    if ip netns list | grep -qE "^$ns( |$)"; then
      pids=$(ip netns pids "$ns" 2>/dev/null | xargs)
      [ -n "$pids" ] && log "WARNING: namespace $ns still has processes $pids (not killing them)"
      ip netns del "$ns"
    fi
  done
}
netns_up() {
  netns_down
  local ns
  for ns in "$NS_HUB" "$NS_CLI"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
    # IPv6 only where a scenario needs it: otherwise link-local addresses appearing after charon
    # started would trigger MOBIKE ADDITIONAL_IP6_ADDRESS INFORMATIONAL exchanges in the capture
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=$(( 1 - ${WITH_IPV6:-0} )) \
      net.ipv6.conf.default.disable_ipv6=$(( 1 - ${WITH_IPV6:-0} ))
  done
  ip link add "$VETH_HUB" netns "$NS_HUB" type veth peer name "$VETH_CLI" netns "$NS_CLI"
  # /20 on purpose: the protected 10.99.200.0/24 must not be on-link for the client
  ip -n "$NS_HUB" addr add "$HUB_IP/20" dev "$VETH_HUB"
  ip -n "$NS_CLI" addr add "$CLI_IP/20" dev "$VETH_CLI"
  ip -n "$NS_HUB" link set "$VETH_HUB" up
  ip -n "$NS_CLI" link set "$VETH_CLI" up
  ip -n "$NS_HUB" addr add "$HUB_LO_IP/32" dev lo
  if [ "${WITH_IPV6:-0}" = 1 ]; then
    ip -n "$NS_HUB" addr add "$HUB_IP6/64" dev "$VETH_HUB" nodad
    ip -n "$NS_CLI" addr add "$CLI_IP6/64" dev "$VETH_CLI" nodad
    ip -n "$NS_HUB" addr add "$HUB_LO_IP6/128" dev lo
  fi
  ip netns exec "$NS_CLI" ping -c1 -W2 "$HUB_IP" >/dev/null
  # let IPv6 link-local addresses settle before any charon starts
  [ "${WITH_IPV6:-0}" = 1 ] && sleep 2.5
  return 0
}

# ---------------------------------------------------------------- charon instances
ns_of() { case "$1" in hub) echo "$NS_HUB" ;; client) echo "$NS_CLI" ;; esac; }
st_of() { echo "$WORK/run-$1"; }
sw() {  # sw <hub|client> <swanctl args...>
  local inst=$1 st; shift; st=$(st_of "$inst")
  STRONGSWAN_CONF="$st/strongswan.conf" SWANCTL_DIR="$st/swanctl" \
    swanctl "$@" --uri "unix://$st/run/charon.vici"
}
charon_start() {  # charon_start <hub|client> <scenario> [strongswan.conf extra text]
  local inst=$1 scen=$2 extra=${3:-} ns st i
  ns=$(ns_of "$inst"); st=$(st_of "$inst")
  rm -rf "$st"
  mkdir -p "$st/run" "$st/swanctl"/{conf.d,x509,x509ca,private,rsa,ecdsa,pkcs8}
  sed "s|@STATE@|$st|g" "$CAP/strongswan.conf.in" > "$st/strongswan.conf"
  [ -n "$extra" ] && printf '\n# scenario extra\n%s\n' "$extra" >> "$st/strongswan.conf"
  cp "$CAP/$scen/$inst.conf" "$st/swanctl/swanctl.conf"
  [ -d "$WORK/pki/$scen/$inst" ] && cp -r "$WORK/pki/$scen/$inst/." "$st/swanctl/"
  # every step exec()s, so $! is the charon pid; /run is private to this charon
  ip netns exec "$ns" unshare -m --propagation private \
    sh -c 'mount --bind "$1/run" /run && exec env STRONGSWAN_CONF="$1/strongswan.conf" "$2"' \
    sh "$st" "$CHARON_BIN" >"$st/charon.stdout" 2>&1 </dev/null &
  echo $! > "$st/charon.pid"
  for i in $(seq 1 100); do [ -S "$st/run/charon.vici" ] && break; sleep 0.1; done
  [ -S "$st/run/charon.vici" ] || { log "$inst: no vici socket"; cat "$st/charon.stdout" >&2; return 1; }
  sw "$inst" --load-all --noprompt >"$st/load.txt" 2>&1 || { cat "$st/load.txt" >&2; return 1; }
}
charon_stop() {
  local st pid i; st=$(st_of "$1")
  [ -f "$st/charon.pid" ] || return 0
  pid=$(cat "$st/charon.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$st/charon.pid"
}

# ---------------------------------------------------------------- capture
tcpdump_start() {  # tcpdump_start <pcap>
  ip netns exec "$NS_CLI" tcpdump -i "$VETH_CLI" -U -s 0 -w "$1" \
    "(udp port 500 or udp port 4500) and not host $CLI_IP2" \
    >"$1.stderr" 2>&1 </dev/null &
  echo $! > "$WORK/tcpdump.pid"
  local i; for i in $(seq 1 50); do grep -q 'listening on' "$1.stderr" 2>/dev/null && break; sleep 0.1; done
}
tcpdump_stop() {
  local pid i; [ -f "$WORK/tcpdump.pid" ] || return 0
  pid=$(cat "$WORK/tcpdump.pid"); sleep 0.5
  if kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid"
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$WORK/tcpdump.pid"
}

# ---------------------------------------------------------------- libreswan client (libreswan-* scenarios)
# Debian's libreswan conflicts with strongswan-libcharon, so it is not installed: the .deb is fetched
# with 'apt-get download' and unpacked privately; pluto then runs in its own mount namespace with that
# tree bound over /usr/libexec (pluto execs /usr/libexec/ipsec/addconn by absolute path).
# Runtime libraries it needs: libldns3 libevent-pthreads-2.1-7 libnss3-tools (apt-get install).
LSW_ROOT=$WORK/libreswan-root
lsw_prepare() {
  if [ ! -x "$LSW_ROOT/usr/libexec/ipsec/pluto" ]; then
    mkdir -p "$WORK/libreswan-deb"
    ( cd "$WORK/libreswan-deb" && apt-get download libreswan >/dev/null 2>&1 ) \
      || { log "apt-get download libreswan failed"; return 1; }
    dpkg-deb -x "$WORK"/libreswan-deb/libreswan_*.deb "$LSW_ROOT"
  fi
  if ldd "$LSW_ROOT/usr/libexec/ipsec/pluto" | grep -q 'not found'; then
    log "pluto misses libraries: apt-get install -y libldns3 libevent-pthreads-2.1-7 libnss3-tools"; return 1
  fi
  LSW_VERSION=$(dpkg-deb -f "$WORK"/libreswan-deb/libreswan_*.deb Version)
}
pluto_start() {  # pluto_start <hub|client> <scenario>: a private pluto in that namespace
  local inst=$1 scen=$2 st i; st=$(st_of "$inst")
  rm -rf "$st"; mkdir -p "$st/run" "$st/nss" "$st/ipsec.d"
  sed "s|@STATE@|$st|g" "$CAP/$scen/$inst.ipsec.conf" > "$st/ipsec.conf"
  cp "$CAP/$scen/$inst.ipsec.secrets" "$st/ipsec.secrets"; chmod 600 "$st/ipsec.secrets"
  certutil -N -d "sql:$st/nss" --empty-password
  local pk=$WORK/pki/$scen/$inst
  if [ -d "$pk" ]; then  # CA as trusted peer CA, own cert + key (PKCS#12) under nickname <inst>
    certutil -A -d "sql:$st/nss" -n ca -t "CT,," -i "$WORK/pki/$scen/ca.crt"
    openssl pkcs12 -export -in "$pk/x509/$inst.crt" -inkey "$pk/private/$inst.key" -name "$inst" \
      -passout pass: -out "$st/$inst.p12"
    pk12util -i "$st/$inst.p12" -d "sql:$st/nss" -W "" >/dev/null
  fi
  ip netns exec "$(ns_of "$inst")" unshare -m --propagation private \
    sh -c 'mount --bind "$1/usr/libexec" /usr/libexec && exec /usr/libexec/ipsec/pluto --nofork \
           --config "$2/ipsec.conf" --rundir "$2/run" --nssdir "$2/nss" --ipsecdir "$2/ipsec.d" \
           --secretsfile "$2/ipsec.secrets" --dumpdir "$2/run"' sh "$LSW_ROOT" "$st" \
    >"$st/pluto.stdout" 2>&1 </dev/null &
  echo $! > "$st/charon.pid"   # same file name, so charon_stop/cleanup stop it too
  for i in $(seq 1 100); do [ -S "$st/run/pluto.ctl" ] && break; sleep 0.1; done
  [ -S "$st/run/pluto.ctl" ] || { log "pluto: no control socket"; tail -20 "$st/pluto.stdout" >&2; return 1; }
  "$LSW_ROOT/usr/libexec/ipsec/addconn" --config "$st/ipsec.conf" --ctlsocket "$st/run/pluto.ctl" --autoall \
    >"$st/addconn.txt" 2>&1 || { cat "$st/addconn.txt" >&2; return 1; }
}
whack() {  # whack <hub|client> <timeout seconds> <whack args...>
  local inst=$1 t=$2; shift 2
  timeout "$t" "$LSW_ROOT/usr/libexec/ipsec/whack" --ctlsocket "$(st_of "$inst")/run/pluto.ctl" "$@"
}

# ---------------------------------------------------------------- FreeRADIUS (eap-radius scenario)
radius_start() {  # private copy of Debian's /etc/freeradius/3.0 plus Tools/capture/radius/*
  local R=$WORK/radius i
  rm -rf "$R"; mkdir -p "$R/log/radacct" "$R/run"
  cp -a /etc/freeradius/3.0 "$R/raddb"
  sed -i -e "s|^raddbdir = .*|raddbdir = $R/raddb|" -e "s|^logdir = .*|logdir = $R/log|" \
         -e "s|^run_dir = .*|run_dir = $R/run|" \
         -e 's|^\(\s*\)user = freerad|\1#user = freerad|' -e 's|^\(\s*\)group = freerad|\1#group = freerad|' \
         "$R/raddb/radiusd.conf"
  cp "$CAP/radius/clients.conf" "$R/raddb/clients.conf"
  cp "$CAP/radius/users" "$R/raddb/mods-config/files/authorize"
  rm -f "$R/raddb/mods-enabled/eap"; cp "$CAP/radius/eap" "$R/raddb/mods-available/eap"
  ln -s ../mods-available/eap "$R/raddb/mods-enabled/eap"
  rm -f "$R/raddb/sites-enabled/inner-tunnel"
  ip netns exec "$NS_HUB" freeradius -C -d "$R/raddb" >"$R/check.log" 2>&1 || { tail -30 "$R/check.log" >&2; return 1; }
  ip netns exec "$NS_HUB" freeradius -X -d "$R/raddb" >"$R/radiusd-X.log" 2>&1 </dev/null &
  echo $! > "$R/radiusd.pid"
  for i in $(seq 1 100); do grep -q 'Ready to process requests' "$R/radiusd-X.log" && break; sleep 0.1; done
  grep -q 'Ready to process requests' "$R/radiusd-X.log" || { tail -30 "$R/radiusd-X.log" >&2; return 1; }
}
radius_stop() {
  local f=$WORK/radius/radiusd.pid pid i
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$f"
}

cleanup() {
  radius_stop || true
  tcpdump_stop || true
  charon_stop client || true
  charon_stop hub || true
  netns_down || true
  [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
}

# ---------------------------------------------------------------- PKI (fresh per run, strongswan-pki)
pki_make() {  # pki_make <scenario> <rsa|ecdsa>
  local scen=$1 type=$2 size d
  case $type in rsa) size=3072 ;; ecdsa) size=256 ;; esac
  d="$WORK/pki/$scen"; rm -rf "$d"; mkdir -p "$d"/{hub,client}/{x509ca,x509,private}
  export STRONGSWAN_CONF="$CAP/pki.strongswan.conf"
  pki --gen --type "$type" --size "$size" --outform pem > "$d/ca.key"
  pki --self --ca --lifetime 3650 --in "$d/ca.key" --type "$type" \
      --dn "C=CH, O=IKEHub Capture, CN=IKEHub Capture Root CA" --outform pem > "$d/ca.crt"
  local who id
  for who in hub client; do
    case $who in hub) id=hub.lab ;; client) id=client1.lab ;; esac
    pki --gen --type "$type" --size "$size" --outform pem > "$d/$who/private/$who.key"
    pki --pub --in "$d/$who/private/$who.key" --type "$type" \
      | pki --issue --lifetime 1825 --cacert "$d/ca.crt" --cakey "$d/ca.key" \
            --dn "C=CH, O=IKEHub Capture, CN=$id" --san "$id" \
            $( [ $who = hub ] && echo --flag serverAuth --flag ikeIntermediate || echo --flag clientAuth ) \
            --outform pem > "$d/$who/x509/$who.crt"
    cp "$d/ca.crt" "$d/$who/x509ca/ca.crt"
  done
  unset STRONGSWAN_CONF
}

# ---------------------------------------------------------------- scenarios
extra_conf() {  # strongswan.conf additions per scenario
  case $1 in
    frag-rsa)   echo 'charon { fragment_size = 400 }' ;;
    frag-ecdsa) echo 'charon { fragment_size = 300 }' ;;
    psk-cookie-invalid-ke) echo 'charon { cookie_threshold = 1 }' ;;
    eap-radius-mschapv2)
      [ "${2:-}" = hub ] && cat "$CAP/eap-radius-mschapv2/hub-strongswan.conf.extra" ;;
    *) ;;
  esac
}
ping_hub() { ip netns exec "$NS_CLI" ping -c2 -i0.3 -W2 "$1" >>"$WORK/$scen.actions.txt" 2>&1 || { log "ping $1 through the tunnel failed"; return 1; }; }

run_libreswan_client() {  # libreswan-* scenarios: pluto is the client, the strongSwan hub logs the keys
  scen=$1
  log "scenario $scen"
  lsw_prepare
  WITH_IPV6=0 netns_up
  case $scen in *-ecdsa) pki_make "$scen" ecdsa ;; *-rsa) pki_make "$scen" rsa ;; esac
  charon_start hub "$scen" "$(extra_conf "$scen" hub)"
  pluto_start client "$scen"
  tcpdump_start "$WORK/$scen.pcap"
  : > "$WORK/$scen.actions.txt"
  # pluto cannot install the ESP SA (no kernel ESP here): it drops the IKE SA without a Delete and
  # re-connects; only the first IKE SA is kept (extract.py --only-first-ike-sa)
  whack client 20 --initiate --name c >>"$WORK/$scen.actions.txt" 2>&1 || true
  grep -q 'initiator established IKE SA' "$WORK/$scen.actions.txt" \
    || { tail -20 "$WORK/$scen.actions.txt" >&2; return 1; }
  sleep 0.5
  tcpdump_stop
  charon_stop client
  charon_stop hub
  netns_down
  python3 "$CAP/extract.py" --scenario "$scen" --name "$scen" --only-first-ike-sa --pcap "$WORK/$scen.pcap" \
    --hub-log "$(st_of hub)/charon.log" --client-impl "libreswan ${LSW_VERSION%%-*} (Debian 12, $LSW_VERSION)" \
    --desc "$CAP/$scen/scenario.txt" --out-wire "$OUT_WIRE" --out-keys "$OUT_KEYS" --pki-dir "$WORK/pki/$scen"
  if [ "${KEEP_WORK:-0}" = 1 ]; then
    mkdir -p "$WORK/logs"; cp "$(st_of client)/pluto.log" "$WORK/logs/$scen-client.log" 2>/dev/null || true
    cp "$(st_of hub)/charon.log" "$WORK/logs/$scen-hub.log"
  fi
}

run_libreswan_hub() {  # libreswan-hub-* scenarios: pluto is the responder, the strongSwan client logs the keys
  scen=$1
  log "scenario $scen"
  lsw_prepare
  WITH_IPV6=0 netns_up
  pluto_start hub "$scen"
  charon_start client "$scen" "$(extra_conf "$scen" client)"
  tcpdump_start "$WORK/$scen.pcap"
  : > "$WORK/$scen.actions.txt"
  sw client --initiate --child c >>"$WORK/$scen.actions.txt" 2>&1 || true
  sleep 1
  sw client --terminate --ike c >>"$WORK/$scen.actions.txt" 2>&1 || true
  sleep 0.5
  tcpdump_stop
  charon_stop client
  charon_stop hub
  netns_down
  python3 "$CAP/extract.py" --scenario "$scen" --name "$scen" --pcap "$WORK/$scen.pcap" \
    --client-log "$(st_of client)/charon.log" --hub-impl "libreswan ${LSW_VERSION%%-*} (Debian 12, $LSW_VERSION)" \
    --desc "$CAP/$scen/scenario.txt" --out-wire "$OUT_WIRE" --out-keys "$OUT_KEYS"
  if [ "${KEEP_WORK:-0}" = 1 ]; then
    mkdir -p "$WORK/logs"; cp "$(st_of hub)/pluto.log" "$WORK/logs/$scen-hub.log" 2>/dev/null || true
    cp "$(st_of client)/charon.log" "$WORK/logs/$scen-client.log"
  fi
}

run_scenario() {
  scen=$1
  case $scen in
    libreswan-hub-*) run_libreswan_hub "$scen"; return ;;
    libreswan-*) run_libreswan_client "$scen"; return ;;
  esac
  local full=0 v6=0 cip=$CLI_IP
  case $scen in psk-modp2048|psk-cookie-invalid-ke|psk-aes128gcm16-x25519|psk-chacha20poly1305-ecp256) full=1 ;; esac
  case $scen in ipv6-*) v6=1; cip=$CLI_IP6 ;; esac
  log "scenario $scen"
  WITH_IPV6=$v6 netns_up
  case $scen in frag-rsa) pki_make "$scen" rsa ;; frag-ecdsa|eap-*) pki_make "$scen" ecdsa ;; esac
  case $scen in eap-radius-*) radius_start ;; esac
  charon_start hub "$scen" "$(extra_conf "$scen" hub)"
  charon_start client "$scen" "$(extra_conf "$scen" client)"
  : > "$WORK/$scen.actions.txt"
  if [ "$scen" = psk-cookie-invalid-ke ]; then
    # one half-open IKE SA from another address (outside the capture filter below)
    ip -n "$NS_CLI" addr add "$CLI_IP2/20" dev "$VETH_CLI"
    ip netns exec "$NS_CLI" python3 "$CAP/halfopen.py" "$CLI_IP2" "$HUB_IP" >>"$WORK/$scen.actions.txt"
  fi
  tcpdump_start "$WORK/$scen.pcap"
  case $scen in
    psk-auth-failed|psk-no-proposal)  # expected to fail: the hub's error answer is the point
      if sw client --initiate --child c >>"$WORK/$scen.actions.txt" 2>&1; then
        log "$scen: connection unexpectedly succeeded"; return 1; fi ;;
    psk-mobike)
      sw client --initiate --child c >>"$WORK/$scen.actions.txt" 2>&1 || { tail -30 "$WORK/$scen.actions.txt" >&2; return 1; }
      ping_hub "$HUB_LO_IP"
      # the client roams: new address first, then the old one goes away (MOBIKE UPDATE_SA_ADDRESSES)
      # promote_secondaries: deleting the primary address must not take the new one with it
      ip netns exec "$NS_CLI" sysctl -qw "net.ipv4.conf.$VETH_CLI.promote_secondaries=1"
      ip -n "$NS_CLI" addr add "$CLI_IP_MOVED/20" dev "$VETH_CLI"
      sleep 1
      ip -n "$NS_CLI" addr del "$CLI_IP/20" dev "$VETH_CLI"
      sleep 3
      ping_hub "$HUB_LO_IP"
      cip="$CLI_IP,$CLI_IP_MOVED" ;;
    psk-childless)
      sw client --initiate --ike c >>"$WORK/$scen.actions.txt" 2>&1 || { tail -30 "$WORK/$scen.actions.txt" >&2; return 1; }
      sleep 0.5
      sw client --initiate --child c >>"$WORK/$scen.actions.txt" 2>&1 || { tail -30 "$WORK/$scen.actions.txt" >&2; return 1; }
      ping_hub "$HUB_LO_IP" ;;
    *)
      sw client --initiate --child c >>"$WORK/$scen.actions.txt" 2>&1 || { tail -30 "$WORK/$scen.actions.txt" >&2; return 1; }
      ping_hub "$HUB_LO_IP"
      [ $v6 = 1 ] && ping_hub "$HUB_LO_IP6" ;;
  esac
  if [ $full = 1 ]; then
    sleep 3        # idle > dpd_delay (2 s): the client sends an empty INFORMATIONAL (liveness check)
    sw client --rekey --child c >>"$WORK/$scen.actions.txt" 2>&1
    sleep 1
    sw client --rekey --ike c >>"$WORK/$scen.actions.txt" 2>&1
    sleep 1
    if [ "$scen" = psk-modp2048 ]; then
      # the hub (IKE responder) starts an exchange too: CREATE_CHILD_SA with Initiator flag clear
      sw hub --rekey --child rw >>"$WORK/$scen.actions.txt" 2>&1
      sleep 1
    fi
  fi
  if [ "$scen" = psk-aes128gcm16-x25519 ]; then
    # here the hub (IKE responder) ends the session: INFORMATIONAL Delete sent by the responder
    sw hub --terminate --ike rw >>"$WORK/$scen.actions.txt" 2>&1 || true
  else
    sw client --terminate --ike c >>"$WORK/$scen.actions.txt" 2>&1 || true
  fi
  sleep 0.5
  tcpdump_stop
  charon_stop client
  charon_stop hub
  radius_stop
  netns_down
  python3 "$CAP/extract.py" --scenario "$scen" --pcap "$WORK/$scen.pcap" \
    --client-log "$(st_of client)/charon.log" --hub-log "$(st_of hub)/charon.log" \
    --desc "$CAP/$scen/scenario.txt" --client-ip "$cip" --out-wire "$OUT_WIRE" --out-keys "$OUT_KEYS" \
    --pki-dir "$WORK/pki/$scen"
  if [ "${KEEP_WORK:-0}" = 1 ]; then
    mkdir -p "$WORK/logs"; cp "$(st_of client)/charon.log" "$WORK/logs/$scen-client.log"
    cp "$(st_of hub)/charon.log" "$WORK/logs/$scen-hub.log"
  fi
}

main() {
  [ "$(id -u)" = 0 ] || { echo "must run as root (network namespaces)" >&2; exit 1; }
  local s scenarios=${*:-$SCENARIOS_ALL}
  for s in $scenarios; do [ -d "$CAP/$s" ] || { echo "unknown scenario $s" >&2; exit 1; }; done
  rm -rf "$WORK"; mkdir -p "$WORK"
  trap cleanup EXIT
  for s in $scenarios; do run_scenario "$s"; done
  python3 "$CAP/check_vectors.py" "$REPO" | tail -1
  python3 "$CAP/inventory.py" "$REPO"
}

# sourcing the file (tests, manual use) only defines the functions
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
