#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
# The first-light PSK headend and client, unchanged.
SCENARIO_DIR="$(cd "$(dirname "$0")/../../first-light/psk" && pwd)" headend_scenario_up psk
