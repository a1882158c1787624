#!/usr/bin/env bash
set -euo pipefail
. "$(dirname "$0")/../../lib.sh"
headend_scenario_up psk
