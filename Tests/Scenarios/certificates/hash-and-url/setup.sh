#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
. "$(dirname "$0")/../pki.sh"
require_root_and_tools swanctl "$CHARON_BIN" ping freeradius pki python3
[ -e /dev/net/tun ] || skip "no /dev/net/tun for kernel-libipsec and the userspace data plane"
topology_up
pki_root ca "Scenario CA"
pki_hub hub ca ecdsa 256
pki_client laptop ca ecdsa 256
hub_config
radius_start hub "$SCENARIO_DIR/radius.users"
ikehub_start hub "$SCENARIO_STATE/hub.cfg"
# The client's certificate on a web server in the client's namespace, named by the SHA-1 of
# its DER as strongSwan builds the URL (cert_uri_base + hex hash).
web="$SCENARIO_STATE/cert-web"; mkdir -p "$web"
openssl x509 -in "$PKI_DIR/laptop.crt" -outform der -out "$web/laptop.der"
hash=$(sha1sum "$web/laptop.der" | cut -c1-40); mv "$web/laptop.der" "$web/$hash"
echo "$hash" > "$SCENARIO_STATE/laptop.sha1"
ip netns exec "$NS_CLI" python3 -m http.server 8088 --bind "$CLI_IP" --directory "$web" \
   > "$SCENARIO_STATE/cert-http.log" 2>&1 < /dev/null &
echo $! > "$SCENARIO_STATE/cert-http.pid"
for _ in $(seq 1 50); do ip netns exec "$NS_CLI" bash -c "exec 3<>/dev/tcp/$CLI_IP/8088" 2>/dev/null && break; sleep 0.1; done
client_credentials ca -- laptop
{
  echo "connections {"
  client_connection laptop laptop laptop.client.example
  echo "}"
  echo "authorities {"
  echo "  scenario-ca {"
  echo "    cacert = ca.crt"
  echo "    cert_uri_base = http://$CLI_IP:8088/"
  echo "  }"
  echo "}"
} > "$SCENARIO_STATE/client.swanctl.conf"
CHARON_OPTIONS="hash_and_url = yes" charon_start client client "$SCENARIO_STATE/client.swanctl.conf"
sw client --initiate --child laptop --timeout 20
