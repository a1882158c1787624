#!/bin/sh
# Encodes each *.txtpb fixture that has no *.binpb yet, with Google's protoc
# (not with our Swift code, so the fixtures test the decoder independently).
# Existing .binpb files are FROZEN: they are never rewritten (Protocols/README.md
# rule 7). To add a fixture: write NAME.txtpb, run this script, commit both.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
encode() { # proto-include proto-file text-file
    out="${3%.txtpb}.binpb"
    [ -e "$out" ] && return 0
    type=$(sed -n 's/^# proto-message: //p' "$3")
    grep -v '^#' "$3" | protoc -I "$1" --encode="$type" "$2" > "$out"
    echo "encoded $out"
}
for f in "$here"/v1/*.txtpb; do
    encode "$root/Protocols" "ikehub/ipc/v1/common.proto" "$f"
done
for f in "$here"/future/*.txtpb; do
    encode "$here/future" "ikehub/ipc/future/envelope_future.proto" "$f"
done
