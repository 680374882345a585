#!/usr/bin/env bash
# make-ota.sh — build OTA samples with the real tools, and what those tools extract from them.
#
# Usage: Samples/make-ota.sh OUTDIR
#
# Runs make-firmware.sh into OUTDIR/fw (ext4.img, ext4-inline.img, ext2.img are the partitions),
# then tools/make_ota.py writes into OUTDIR:
#   block-ota.zip              non-A/B: system.new.dat.br (brotli, stored), vendor.new.dat.xz,
#                              product.new.dat (deflated), transfer lists version 4, empty patch.dat
#   block-ota-incremental.zip  system: stash/move/bsdiff/free + non-empty patch.dat; vendor full;
#                              metadata pre-build
#   ab-ota.zip                 A/B: payload.bin (system, vendor, product) with REPLACE, REPLACE_XZ,
#                              REPLACE_BZ, REPLACE_ZSTD, ZERO and DISCARD operations, located by
#                              ota-streaming-property-files
#   ab-ota-incremental.zip     minor_version 8: system has a SOURCE_COPY, vendor only replaces;
#                              metadata pre-build
#   expected.tsv               sample <TAB> location <TAB> sha256 of every APK the tools extract
#                              (brotli -d / xz -d + the transfer list; xz/bzip2/zstd -d per payload
#                              operation; debugfs -R rdump; 7z x for zips)
#   expected-diagnostics.tsv   sample <TAB> location <TAB> code <TAB> message of every partition
#                              that needs the source build (PS009)
# Needs: make-firmware.sh's tools, brotli, xz, bzip2, zstd, python3.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: make-ota.sh OUTDIR}"
for tool in brotli xz bzip2 zstd debugfs 7z python3; do
    command -v "$tool" >/dev/null || { echo "make-ota.sh: '$tool' not found" >&2; exit 2; }
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
"$here/make-firmware.sh" "$out/fw" >/dev/null 2>&1
rm -f "$out"/*.zip "$out/expected.tsv" "$out/expected-diagnostics.tsv"
python3 "$here/tools/make_ota.py" samples "$out"
echo "make-ota.sh: wrote $out ($(wc -l < "$out/expected.tsv") packages, $(wc -l < "$out/expected-diagnostics.tsv") PS009 partitions expected)" >&2
