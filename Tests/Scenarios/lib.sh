# Tests/Scenarios/lib.sh — sourced by scenario setup/teardown scripts and run.sh.
# Every name carries the run's prefix so parallel runs and other tools never collide.
SCENARIO_PREFIX=${SCENARIO_PREFIX:-ikh$$}
NS_HUB=${NS_HUB:-$SCENARIO_PREFIX-hub}
NS_CLI=${NS_CLI:-$SCENARIO_PREFIX-cli}
NS_LAN=${NS_LAN:-$SCENARIO_PREFIX-lan}
HUB_IP=10.99.0.1; CLI_IP=10.99.0.2; HUB_LO_IP=10.99.200.1; HL_IP=10.99.201.1; LAN_IP=10.99.201.2
SCENARIO_STATE=${SCENARIO_STATE:-/tmp/$SCENARIO_PREFIX}
CHARON_BIN=${CHARON_BIN:-/usr/sbin/charon-systemd}

ns_of() {
  case "$1" in
    hub) echo "$NS_HUB" ;; client) echo "$NS_CLI" ;; lan) echo "$NS_LAN" ;;
    *) echo "unknown host '$1'" >&2; return 1 ;;
  esac
}

# skip "reason": a scenario that cannot run here says why and counts as skipped.
skip() { echo "SKIP: $*"; exit 77; }

require_root_and_tools() {
  [ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces)"
  for tool in ip "$@"; do command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"; done
}

topology_up() {
  mkdir -p "$SCENARIO_STATE"
  for ns in "$NS_HUB" "$NS_CLI" "$NS_LAN"; do
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip netns exec "$ns" sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
  done
  ip link add hub0 netns "$NS_HUB" type veth peer name cli0 netns "$NS_CLI"
  ip -n "$NS_HUB" addr add "$HUB_IP/20" dev hub0
  ip -n "$NS_CLI" addr add "$CLI_IP/20" dev cli0
  ip -n "$NS_HUB" link set hub0 up
  ip -n "$NS_CLI" link set cli0 up
  ip -n "$NS_HUB" addr add "$HUB_LO_IP/32" dev lo
  ip link add hl0 netns "$NS_HUB" type veth peer name lan0 netns "$NS_LAN"
  ip -n "$NS_HUB" addr add "$HL_IP/24" dev hl0
  ip -n "$NS_LAN" addr add "$LAN_IP/24" dev lan0
  ip -n "$NS_HUB" link set hl0 up
  ip -n "$NS_LAN" link set lan0 up
  ip -n "$NS_LAN" route add default via "$HL_IP"
  ip netns exec "$NS_HUB" sysctl -qw net.ipv4.ip_forward=1
  for ns in "$NS_HUB" "$NS_CLI" "$NS_LAN"; do
    ip netns exec "$ns" sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
  done
}

topology_down() {
  for ns in "$NS_HUB" "$NS_CLI" "$NS_LAN"; do ip netns delete "$ns" 2>/dev/null || true; done
}

# stop_pidfile FILE: SIGTERM the process named in FILE, SIGKILL after 5 s.
stop_pidfile() {
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$1"
}

# charon_start INST HOST SWANCTL_CONF: a private charon (kernel-libipsec) in HOST's namespace
# with its own /run (bind mount), state under $SCENARIO_STATE/INST. CHARON_OPTIONS: more
# strongswan.conf lines inside `charon { }` (e.g. `cisco_flexvpn = yes`).
charon_start() {
  local inst=$1 host=$2 conf=$3 st="$SCENARIO_STATE/$1" ns; ns=$(ns_of "$host")
  mkdir -p "$st/run" "$st/swanctl/conf.d"
  cat > "$st/strongswan.conf" <<CONF
charon-systemd {
  journal {
    default = -1
  }
}
charon {
  load = random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints pubkey curve25519 gmp aes sha1 sha2 hmac kdf drbg gcm chapoly kernel-libipsec kernel-netlink socket-default vici updown counters attr eap-identity eap-md5 eap-mschapv2 eap-tls
  filelog {
    scenario {
      path = $st/charon.log
      time_format = %H:%M:%S
      ike_name = yes
      append = no
      flush_line = yes
      default = 1
    }
  }
  install_routes = yes
  plugins {
    vici {
      socket = unix://$st/run/charon.vici
    }
  }
${CHARON_OPTIONS:-}
}
swanctl {
  socket = unix://$st/run/charon.vici
}
CONF
  sed "s|@STATE@|$st|g" "$conf" > "$st/swanctl/swanctl.conf"
  ip netns exec "$ns" unshare -m --propagation private \
     sh -c 'mount --bind "$1/run" /run && exec env STRONGSWAN_CONF="$1/strongswan.conf" "$2"' \
     sh "$st" "$CHARON_BIN" >"$st/charon.stdout" 2>&1 </dev/null &
  echo $! > "$st/charon.pid"
  for _ in $(seq 1 100); do [ -S "$st/run/charon.vici" ] && break; sleep 0.1; done
  [ -S "$st/run/charon.vici" ] || { echo "charon $inst: no vici socket"; cat "$st/charon.stdout"; return 1; }
  sw "$inst" --load-all --noprompt >"$st/load.log" 2>&1 || { cat "$st/load.log"; return 1; }
}

# sw INST ARGS…: swanctl against that charon.
sw() {
  local inst=$1 st="$SCENARIO_STATE/$1"; shift
  STRONGSWAN_CONF="$st/strongswan.conf" SWANCTL_DIR="$st/swanctl" swanctl "$@" --uri "unix://$st/run/charon.vici"
}

charon_stop() { stop_pidfile "$SCENARIO_STATE/$1/charon.pid"; }

# radius_start HOST USERS_FILE: a private FreeRADIUS 3 (copy of Debian's configuration, one
# virtual server of ours on 127.0.0.1:1812/1813, NAS secret "scenario-radius-secret") in
# HOST's namespace; accounting detail files under $SCENARIO_STATE/radius/radacct.
radius_eap_tls() {
  [ -n "${RADIUS_EAP_TLS:-}" ] || return 0
  cat <<TLS
	tls-config tls-common {
		private_key_file = $RADIUS_EAP_TLS/radius.key
		certificate_file = $RADIUS_EAP_TLS/radius.crt
		ca_file = $RADIUS_EAP_TLS/ca.crt
		cipher_list = "DEFAULT"
		tls_min_version = "1.2"
		tls_max_version = "1.2"
		ecdh_curve = "prime256v1"
	}
	tls {
		tls = tls-common
	}
TLS
}

radius_start() {
  local host=$1 users=$2 dir="$SCENARIO_STATE/radius" ns; ns=$(ns_of "$host")
  command -v freeradius >/dev/null || skip "freeradius is not installed"
  rm -rf "$dir"; mkdir -p "$dir"
  cp -a /etc/freeradius/3.0 "$dir/raddb"
  sed -i -e "s|^raddbdir = .*|raddbdir = $dir/raddb|" -e "s|^logdir = .*|logdir = $dir|" \
         -e "s|^run_dir = .*|run_dir = $dir|" -e 's|^\(\s*\)user = freerad|\1#user = freerad|' \
         -e 's|^\(\s*\)group = freerad|\1#group = freerad|' "$dir/raddb/radiusd.conf"
  cp "$users" "$dir/raddb/mods-config/files/authorize"
  printf 'client scenario {\n\tipaddr = 127.0.0.1\n\tsecret = scenario-radius-secret\n}\n' > "$dir/raddb/clients.conf"
  rm -f "$dir/raddb/sites-enabled/"* "$dir/raddb/mods-enabled/eap"
  # RADIUS_EAP=1: EAP-MD5 and EAP-MSCHAPv2; with RADIUS_EAP_TLS=DIR also EAP-TLS, the server's
# certificate DIR/radius.crt and key DIR/radius.key, client certificates checked against DIR/ca.crt.
  local eap_authorize="" eap_authenticate=""
  if [ "${RADIUS_EAP:-0}" = 1 ]; then
    cat > "$dir/raddb/mods-enabled/eap" <<EAP
eap {
	default_eap_type = md5
	timer_expire = 60
	ignore_unknown_eap_types = no
	cisco_accounting_username_bug = no
	max_sessions = \${max_requests}
	md5 {
	}
	mschapv2 {
	}
$(radius_eap_tls)
}
EAP
    eap_authorize=$'\t\teap {\n\t\t\tok = return\n\t\t}'
    eap_authenticate=$'\t\tAuth-Type EAP {\n\t\t\teap\n\t\t}\n\t\tAuth-Type MS-CHAP {\n\t\t\tmschap\n\t\t}'
  fi
  cat > "$dir/raddb/sites-enabled/scenario" <<SITE
server scenario {
	listen {
		type = auth
		ipaddr = 127.0.0.1
		port = 1812
	}
	listen {
		type = acct
		ipaddr = 127.0.0.1
		port = 1813
	}
	authorize {
		preprocess
$eap_authorize
		files
		pap
	}
	authenticate {
		Auth-Type PAP {
			pap
		}
$eap_authenticate
	}
	preacct {
		preprocess
		acct_unique
	}
	accounting {
		detail
		ok
	}
	# Every reply signed (Message-Authenticator): IKEHub's RADIUS client refuses unsigned
	# Access-Accepts and -Rejects (Blast-RADIUS hardening).
	post-auth {
		update reply {
			Message-Authenticator := 0x00
		}
		Post-Auth-Type REJECT {
			attr_filter.access_reject
			update reply {
				Message-Authenticator := 0x00
			}
		}
	}
}
SITE
  ip netns exec "$ns" freeradius -X -d "$dir/raddb" > "$dir/radiusd-X.log" 2>&1 < /dev/null &
  echo $! > "$dir/radiusd.pid"
  for _ in $(seq 1 100); do grep -q 'Ready to process requests' "$dir/radiusd-X.log" && return 0; sleep 0.1; done
  tail -20 "$dir/radiusd-X.log"; return 1
}

radius_stop() { stop_pidfile "$SCENARIO_STATE/radius/radiusd.pid"; }

# The accounting detail records FreeRADIUS wrote.
radius_detail() { cat "$SCENARIO_STATE"/radius/radacct/*/detail-* 2>/dev/null; }

IKEHUB_BIN=${IKEHUB_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.build/debug}

# ikehub_start HOST CONFIG: the headend's processes under the launcher in HOST's namespace
# (IKEHUB_AUTH_WORKERS auth workers, default 1).
ikehub_start() {
  local host=$1 config=$2 dir="$SCENARIO_STATE/ikehub" ns; ns=$(ns_of "$host")
  [ -x "$IKEHUB_BIN/ikehub" ] || skip "ikehub is not built ($IKEHUB_BIN/ikehub)"
  mkdir -p "$dir/run" "$dir/state" "$dir/logs"
  ip netns exec "$ns" "$IKEHUB_BIN/ikehub" launch --config "$config" --runtime-dir "$dir/run" \
     --state-dir "$dir/state" --log-dir "$dir/logs" --auth-workers "${IKEHUB_AUTH_WORKERS:-1}" > "$dir/launcher.log" 2>&1 < /dev/null &
  echo $! > "$dir/launcher.pid"
  for _ in $(seq 1 100); do grep -q 'IKE listening' "$dir/logs/ikehub-ike.log" 2>/dev/null && return 0; sleep 0.1; done
  tail -20 "$dir/launcher.log" "$dir"/logs/*.log; return 1
}

ikehub_stop() { stop_pidfile "$SCENARIO_STATE/ikehub/launcher.pid"; }

# ikehub_pid NAME: the pid the launcher last started process NAME with.
ikehub_pid() {
  cat "$SCENARIO_STATE/ikehub/launcher.log" "$SCENARIO_STATE"/ikehub/logs/*.log 2>/dev/null \
    | grep -oE "started $1(-[0-9]+)? pid [0-9]+" | tail -1 | grep -oE "[0-9]+$"
}

# restart_by_kill NAME: kill -9 process NAME of this headend and wait until the launcher
# has started it again (prints "restarted NAME" then).
restart_by_kill() {
  local old; old=$(ikehub_pid "$1")
  [ -n "$old" ] || { echo "no pid for $1"; return 1; }
  kill -KILL "$old"
  for _ in $(seq 1 100); do
    local now; now=$(ikehub_pid "$1")
    if [ -n "$now" ] && [ "$now" != "$old" ]; then sleep 1; echo "restarted $1 (pid $old -> $now)"; return 0; fi
    sleep 0.1
  done
  echo "$1 was not restarted"; return 1
}

# ikehubctl ARGS…: the operator CLI against this scenario's headend.
ikehubctl() { "$IKEHUB_BIN/ikehubctl" --runtime-dir "$SCENARIO_STATE/ikehub/run" "$@"; }

# headend_scenario_up CHILD: the usual first-light set-up from the scenario directory's
# files — topology, FreeRADIUS (radius.users), IKEHub (hub.cfg), a strongSwan client
# (client.swanctl.conf) that initiates CHILD.
headend_scenario_up() {
  require_root_and_tools swanctl "$CHARON_BIN" ping freeradius
  [ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
  topology_up
  radius_start hub "$SCENARIO_DIR/radius.users"
  ikehub_start hub "$SCENARIO_DIR/hub.cfg"
  charon_start client client "$SCENARIO_DIR/client.swanctl.conf"
  sw client --initiate --child "$1" --timeout 20
}

# headend_scenario_down: stops what headend_scenario_up started and removes its state.
headend_scenario_down() {
  charon_stop client
  ikehub_stop
  radius_stop
  topology_down
  rm -rf "$SCENARIO_STATE"
}
