#!/bin/sh
# Regenerates the committed *.pb.swift from Protocols/ikehub/ipc/v1/*.proto.
# Not part of the normal build (the SwiftProtobufPlugin build plugin compiles
# protoc from C++ source; we never use it). Needs Debian's protoc (apt install
# protobuf-compiler) and protoc-gen-swift 1.39.0, built once in a scratch dir:
#   swift build --scratch-path .build-protoc --product protoc-gen-swift
# Run from anywhere:  Sources/HubIPC/Generated/regenerate.sh [path/to/protoc-gen-swift]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
plugin=${1:-}
if [ -z "$plugin" ]; then
    bin=$(cd "$root" && swift build --scratch-path .build-protoc --product protoc-gen-swift --show-bin-path)
    [ -x "$bin/protoc-gen-swift" ] || (cd "$root" && swift build --scratch-path .build-protoc --product protoc-gen-swift)
    plugin="$bin/protoc-gen-swift"
fi
rm -f "$here"/*.pb.swift
protoc --plugin=protoc-gen-swift="$plugin" \
       --swift_out="$here" \
       --swift_opt=Visibility=Public \
       --swift_opt=FileNaming=DropPath \
       -I "$root/Protocols" \
       "$root"/Protocols/ikehub/ipc/v1/*.proto
echo "regenerated: $(ls "$here"/*.pb.swift | wc -l) files in $here"
