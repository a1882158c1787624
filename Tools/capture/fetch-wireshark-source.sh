#!/bin/bash
# Tools/capture/fetch-wireshark-source.sh <dir> - fetch Debian's wireshark source package with apt and
# unpack only the files wireshark_vectors.py needs (test/captures/ikev2-decrypt-*, the IKEv2 key
# table and test/suite_decryption.py) into <dir>/wireshark-v<version>/.
# The deb-src entry is derived at run time from the machine's own Debian sources (Types: deb ->
# deb-src) into a private apt state under <dir>; the system apt configuration is not changed.
set -euo pipefail
dir=${1:?usage: $0 <dir>}
mkdir -p "$dir/apt/lists/partial" "$dir/dl"
dir=$(cd "$dir" && pwd)
src=/etc/apt/sources.list.d/debian.sources
[ -f "$src" ] || { echo "no $src (deb822 Debian sources) on this machine" >&2; exit 1; }
sed -e 's/^Types: deb$/Types: deb-src/' "$src" > "$dir/apt/src.sources"
opts=(-o "Dir::Etc::SourceList=$dir/apt/src.sources" -o "Dir::Etc::SourceParts=/nonexistent"
      -o "Dir::State::Lists=$dir/apt/lists")
apt-get "${opts[@]}" update >/dev/null
( cd "$dir/dl" && apt-get "${opts[@]}" source --download-only wireshark >/dev/null 2>&1 )
tarball=$(ls "$dir"/dl/wireshark_*.orig.tar.* | head -1)
top=$(set +o pipefail; tar tf "$tarball" 2>/dev/null | head -1 | cut -d/ -f1)
tar xf "$tarball" -C "$dir" --wildcards "$top/test/captures/ikev2-decrypt-*" \
    "$top/test/config/ikev2_decryption_table.tmpl" "$top/test/suite_decryption.py"
echo "$dir/$top ($(basename "$tarball"))"
