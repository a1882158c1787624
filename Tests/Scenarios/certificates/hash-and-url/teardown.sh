#!/usr/bin/env bash
. "$(dirname "$0")/../../lib.sh"
stop_pidfile "$SCENARIO_STATE/cert-http.pid"
headend_scenario_down
