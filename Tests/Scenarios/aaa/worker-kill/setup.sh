#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../../certificates/pki.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
# The gateway's certificate (EAP clients authenticate the server by it).
pki_root ca "Scenario CA"
pki_hub hub ca ecdsa 256
hub_config
# 50 EAP users, user01 … user50, each a connection of one charon, five from each of ten
# client addresses (the hub admits 5 half-open IKE SAs per peer address).
for k in $(seq 0 9); do ip -n "$NS_CLI" addr add "10.99.0.$((10 + k))/20" dev cli0; done
users="$SCENARIO_STATE/radius.users"; conf="$SCENARIO_STATE/client.swanctl.conf"
: > "$users"; echo "connections {" > "$conf"; secrets=""
for i in $(seq -w 1 50); do
  printf 'user%s\tCleartext-Password := "password-%s"\n' "$i" "$i" >> "$users"
  address="10.99.0.$((10 + (10#$i - 1) / 5))"
  cat >> "$conf" <<CONN
  user$i {
    version = 2
    local_addrs = $address
    remote_addrs = 10.99.0.1
    proposals = aes256-sha256-ecp256
    vips = 0.0.0.0
    encap = yes
    unique = never
    local {
      auth = eap-mschapv2
      id = user$i
      eap_id = user$i
    }
    remote {
      auth = pubkey
      id = hub.example
    }
    children {
      user$i {
        remote_ts = 10.99.200.1/32
        esp_proposals = aes128gcm16
        start_action = none
      }
    }
  }
CONN
  secrets+="  eap-user$i {
    id = user$i
    secret = \"password-$i\"
  }
"
done
printf '}\nsecrets {\n%s}\n' "$secrets" >> "$conf"
RADIUS_EAP=1 radius_start hub "$users"
IKEHUB_AUTH_WORKERS=2 ikehub_start hub "$SCENARIO_STATE/hub.cfg"
client_credentials ca
# Fifty parallel vici initiates each hold a charon thread: give it enough.
CHARON_OPTIONS="threads = 96" charon_start client client "$conf"
# Both workers serve before the storm: the first client connects.
sw client --initiate --child user01 --timeout 20 > "$SCENARIO_STATE/user01.out" 2>&1
