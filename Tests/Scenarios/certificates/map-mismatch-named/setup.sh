#!/usr/bin/env bash
# The topology, certificates, hub and client of ../refusals.
here=$(cd "$(dirname "$0")" && pwd)
SCENARIO_DIR="$here/../refusals" exec bash "$here/../refusals/setup.sh"
