#!/usr/bin/env bash
# generate.sh — regenerate the Swift code for the protobuf formats presetscan reads:
#
#   Protos/aapt2/*.proto       → Sources/PresetScanApps/AAB/Generated/        (aapt2 protobuf XML and
#                                                                            resource table of App Bundles)
#   Protos/bundletool/*.proto  → Sources/PresetScanApps/SplitSets/Generated/  (toc.pb of .apks sets,
#                                                                            BundleConfig.pb)
#
# The generated files are committed, so a build needs neither protoc nor the plugin; run this
# only after changing a .proto, and commit the result.
#
# Needs: protoc (Debian `protobuf-compiler`) and protoc-gen-swift from swift-protobuf 1.39.0
# (the version Package.swift resolves). Build the plugin once with
#     git clone /opt/swift-packages/apple/swift-protobuf.git /tmp/swift-protobuf
#     cd /tmp/swift-protobuf && git checkout 1.39.0 && swift build -c release --product protoc-gen-swift
# or point PROTOC_GEN_SWIFT at one.
#
# Usage: Protos/generate.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
plugin="${PROTOC_GEN_SWIFT:-/tmp/swift-protobuf/.build/release/protoc-gen-swift}"

command -v protoc >/dev/null || { echo "generate.sh: protoc not found (apt-get install protobuf-compiler)" >&2; exit 2; }
[[ -x "$plugin" ]] || { echo "generate.sh: no protoc-gen-swift at $plugin (see the header of this script)" >&2; exit 2; }

generate() {  # output folder, proto files...
    local out="$root/$1"
    shift
    mkdir -p "$out"
    rm -f "$out"/*.pb.swift
    (cd "$here" && protoc --plugin=protoc-gen-swift="$plugin" -I . \
        --swift_opt=FileNaming=DropPath --swift_opt=Visibility=Internal \
        --swift_out="$out" "$@")
}

generate Sources/PresetScanApps/AAB/Generated aapt2/Configuration.proto aapt2/Resources.proto
generate Sources/PresetScanApps/SplitSets/Generated bundletool/config.proto bundletool/targeting.proto bundletool/commands.proto
echo "generate.sh: $(protoc --version), $("$plugin" --version 2>/dev/null || echo protoc-gen-swift)" >&2
