#!/usr/bin/env bash
# Packaging/verify-units.sh BIN_DIR — checks every systemd unit with `systemd-analyze
# verify`, pointing ExecStart at the executables in BIN_DIR (a build, not /usr/bin).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "${1:?usage: $0 BIN_DIR}" && pwd)
command -v systemd-analyze >/dev/null || { echo "verify-units: systemd-analyze not installed; skipped"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for unit in "$here"/systemd/*; do
  sed "s|/usr/bin/|$bin/|g" "$unit" > "$work/$(basename "$unit")"
done
cp "$work/ikehub-auth-worker@.service" "$work/ikehub-auth-worker@1.service"
cp "$work/ikehub-auth-worker@.service" "$work/ikehub-auth-worker@2.service"
# Unit files of other packages on this machine are not ours to judge: only lines naming
# one of our units (or no unit) count.
output=$(cd "$work" && SYSTEMD_UNIT_PATH="$work:" systemd-analyze verify --man=no ./*.service ./*.target 2>&1 || true)
problems=$(printf '%s\n' "$output" | grep -E '^(\./)?ikehub|ikehub[^ ]*\.(service|target):' || true)
if [ -n "$problems" ]; then
  printf 'verify-units: problems in the systemd units:\n%s\n' "$problems"
  exit 1
fi
echo "verify-units: $(ls "$here"/systemd | wc -l) unit files verified"
