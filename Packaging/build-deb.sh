#!/usr/bin/env bash
# Packaging/build-deb.sh [VERSION] — builds IKEHub in release mode (Swift runtime linked
# statically, so the package needs no toolchain) and writes ikehub_VERSION_amd64.deb here:
# the executables in /usr/bin, one systemd unit per process plus ikehub.target, an example
# configuration in /etc/ikehub, and the `ikehub` system user made by postinst.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-0.1.0}
arch=$(dpkg --print-architecture)
scripts/install-deps build
swift build -c release --static-swift-stdlib
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
install -d "$stage/DEBIAN" "$stage/usr/bin" "$stage/lib/systemd/system" "$stage/etc/ikehub" "$stage/usr/share/doc/ikehub"
for tool in ikehub ikehubctl ikehub-ike ikehub-authd ikehub-auth-worker ikehub-addrd ikehub-tunneld ikehub-acctd; do
  install -m 0755 "$bin/$tool" "$stage/usr/bin/$tool"
done
install -m 0644 Packaging/systemd/* "$stage/lib/systemd/system/"
install -m 0644 Packaging/ikehub.cfg.example "$stage/etc/ikehub/ikehub.cfg.example"
install -m 0644 README.md Sources/FlexConfig/LINUX-ADDITIONS.md "$stage/usr/share/doc/ikehub/"
installed_size=$(du -ks "$stage" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$installed_size/" Packaging/debian/control > "$stage/DEBIAN/control"
install -m 0755 Packaging/debian/postinst Packaging/debian/prerm Packaging/debian/postrm "$stage/DEBIAN/"
dpkg-deb --root-owner-group --build "$stage" "Packaging/ikehub_${version}_${arch}.deb"
echo "built Packaging/ikehub_${version}_${arch}.deb"
