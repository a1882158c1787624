#!/usr/bin/env bash
. "$(dirname "$0")/../../lib.sh"
headend_scenario_down
