#!/usr/bin/env bash
# Generates what `make install` installs beside the binary, from the binary's own argument parser:
#   OUT/man/presetscan.1, presetscan.<subcommand>….1   swift-argument-parser's generate-manual
#   OUT/completions/presetscan.bash, _presetscan, presetscan.fish
# generate-manual is the tool swift-argument-parser's GenerateManual plugin runs; it is built here
# from the checked-out package because the plugin (`swift package plugin generate-manual`) first
# rebuilds every product without --static-swift-stdlib, replacing the static release binary.
#
#   packaging/generate.sh BINARY SCRATCH OUT
set -euo pipefail
binary="${1:?usage: generate.sh BINARY SCRATCH OUT}"
scratch="${2:?usage: generate.sh BINARY SCRATCH OUT}"
out="${3:?usage: generate.sh BINARY SCRATCH OUT}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
swift="${SWIFT:-swift}"

parser="$scratch/checkouts/swift-argument-parser"
[ -f "$parser/Package.swift" ] || { echo "generate.sh: $parser missing (build with --scratch-path $scratch first)" >&2; exit 1; }
"$swift" build -c release --package-path "$parser" --scratch-path "$scratch/generate-manual" \
    --product generate-manual >&2
tool="$scratch/generate-manual/release/generate-manual"

# The page's date: the last commit's, so one commit generates one page.
date=$(git -C "$root" log -1 --format=%cs 2>/dev/null || date -u +%F)
rm -rf "$out/man" "$out/completions"
mkdir -p "$out/man" "$out/completions"
"$tool" "$binary" --multi-page --date "$date" --output-directory "$out/man" >&2
# generate-manual also writes pages for hidden subcommands (internal benchmarks): drop them.
"$binary" --experimental-dump-help | python3 "$root/packaging/drop-hidden-pages.py" "$out/man"
"$binary" --generate-completion-script bash >"$out/completions/presetscan.bash"
"$binary" --generate-completion-script zsh >"$out/completions/_presetscan"
"$binary" --generate-completion-script fish >"$out/completions/presetscan.fish"
