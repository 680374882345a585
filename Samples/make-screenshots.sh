#!/usr/bin/env bash
# make-screenshots.sh — the README's pictures of the HTML scan report: `make demo`'s scan (sample
# firmware plus side-loaded packages of four platforms, sample registry and policy) written in
# English and in Chinese, rendered by headless Chromium at 1280×2000 into Samples/screenshots/.
#
# Usage: Samples/make-screenshots.sh [PRESETSCAN]   (default: .build/release/presetscan, else .build/debug/presetscan)
# Needs: chromium fonts-noto-cjk, and what make-firmware.sh needs. Run from anywhere.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bin="${1:-}"
if [ -z "$bin" ]; then
    bin=.build/release/presetscan
    [ -x "$bin" ] || bin=.build/debug/presetscan
fi
[ -x "$bin" ] || { echo "make-screenshots.sh: no presetscan binary (swift build first)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "make-screenshots.sh: chromium not found (apt-get install chromium fonts-noto-cjk)" >&2; exit 2; }

# The firmware goes where `make demo` puts it, so the report shows the same paths as the README.
out=out/demo
mkdir -p "$out"
[ -f "$out/firmware/super.img" ] || bash Samples/make-firmware.sh "$out/firmware" >/dev/null
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

# --lang when the CLI has it, else the locale (SPEC §8: the default follows LC_ALL/LANG).
has_lang=no
"$bin" scan --help 2>/dev/null | grep -q -- '--lang' && has_lang=yes
for lang in en zh-CN; do
    case "$lang" in en) locale=C.UTF-8 ;; zh-CN) locale=zh_CN.UTF-8 ;; esac
    args=()
    [ "$has_lang" = yes ] && args=(--lang "$lang")
    # Exit 1 is the demo's expected outcome (one unfiled app); --today keeps the registry age fixed.
    LC_ALL="$locale" LANG="$locale" "$bin" scan "$out/firmware/super.img" Samples/apk/filing.apk Samples/hap/entry-signed.hap \
        Samples/ipa/hello.ipa Samples/rpk/signed.rpk --registry Samples/registry/filings.csv --policy Samples/policy/policy.yaml \
        --today 2026-12-06 --no-progress --quiet "${args[@]}" --report "html=$out/report.$lang.html" || [ $? -eq 1 ]
    chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars --user-data-dir="$profile" \
        --window-size=1280,2000 --screenshot="$root/Samples/screenshots/report.$lang.png" "file://$root/$out/report.$lang.html" 2>/dev/null
    echo "Samples/screenshots/report.$lang.png  (from $out/report.$lang.html)"
done
