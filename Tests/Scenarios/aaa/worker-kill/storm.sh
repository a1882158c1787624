#!/usr/bin/env bash
# storm.sh: users 02-50 initiate at once; once FreeRADIUS has seen 20 more Access-Requests
# (EAP rounds in flight on both workers), auth worker 1 is killed (kill -9).
# Each initiate's outcome is written to $SCENARIO_STATE/storm/userNN (swanctl's last line).
. "$(dirname "$0")/../../lib.sh"
mkdir -p "$SCENARIO_STATE/storm"
for i in $(seq -w 2 50); do
  ( sw client --initiate --child "user$i" --timeout 60 > "$SCENARIO_STATE/storm/user$i.log" 2>&1
    echo "exit $?" >> "$SCENARIO_STATE/storm/user$i.log" ) &
done
radius_log="$SCENARIO_STATE/radius/radiusd-X.log"
before=$(grep -c 'Received Access-Request' "$radius_log")
for _ in $(seq 1 200); do
  [ "$(grep -c 'Received Access-Request' "$radius_log")" -ge $((before + 20)) ] && break; sleep 0.05
done
restart_by_kill ikehub-auth-worker-1
wait
