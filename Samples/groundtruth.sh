#!/usr/bin/env bash
# groundtruth.sh — record what the reference tools (aapt, apksigner) say about a folder of APKs.
#
# For every *.apk under the examples folder (default: the 332 APKs that Debian's `androguard`
# package ships under /usr/share/doc/androguard/examples: real apps, Google's apksig signing test
# vectors under signing/apksig, malformed AXML), sorted bytewise by path, it runs
#
#     aapt dump badging PATH
#     apksigner verify --print-certs -v PATH
#     apksigner verify --min-sdk-version 28 --print-certs -v PATH   (only if the run above
#                                                                    printed no certificate)
#
# and writes ONE JSON object per APK, per line, to Samples/groundtruth/androguard.jsonl:
#
#     {"path": "signing/apksig/foo.apk",            relative to the examples folder
#      "sha256": "<sha256 of the file>",
#      "aapt": {"ok", "exitCode", "package", "versionCode", "versionName", "label",
#               "labelZhCN", "labelZhTW", "labelZhHK", "labelZh", "sdkVersion",
#               "targetSdkVersion", "permissions", "permissionsSdk23", "error", "stderr"},
#      "apksigner": {"ok", "exitCode", "flags", "verifies", "reasonClass",
#                    "certs": [{"sha256", "sha1", "md5", "dn", "keyAlgorithm", "keySize",
#                               "publicKeySha256", "publicKeySha1", "publicKeyMd5"}],
#                    "schemes": {"v1", "v2", "v3", "v31", "v4", "sourceStamp"},
#                    "error", "errors", "warnings"},
#      "apksignerRetry": same shape as "apksigner" (flags ["--min-sdk-version","28"]) or null}
#
# Meaning: aapt.ok = exit 0 and a `package:` line; fields aapt did not print are null.
# apksigner.reasonClass = why it does not verify, from its first error (null when it verifies):
# missing-signature, content-mismatch, signature-invalid, stripped, malformed,
# unsupported-algorithm (presetscan's APKVerification.Reason), not-an-apk (apksig threw
# ApkFormatException) or tool-unsupported (the JDK lacks the algorithm, e.g. RSA-PSS).
# apksigner.ok = it printed at least one signer certificate (apksigner prints certificates only
# when the APK verifies). A field absent from apksigner's output (schemes.v31 with apksigner 31,
# which predates v3.1) is null. Why the retry: without flags apksigner checks the APK for every
# API level from the manifest's minSdkVersion up, so an APK that is only v2/v3 signed and has a
# minSdkVersion below 24 "DOES NOT VERIFY" (Missing META-INF/MANIFEST.MF) and shows no
# certificate. The retry with --min-sdk-version 28 (v3 platforms; v2-only is accepted there too)
# recovers those certificates; the first run is kept unchanged as the platform-policy answer.
# The parsing is in Samples/tools/parse_tools.py (shared with make-samples.sh).
#
# Usage:
#     Samples/groundtruth.sh [--examples DIR] [--out FILE] [--jobs N]
#         --examples DIR  folder to scan (default /usr/share/doc/androguard/examples)
#         --out FILE      output (default Samples/groundtruth/androguard.jsonl)
#         --jobs N        parallel tool runs (default 2)
#
# Needs (Debian 12): aapt, apksigner (OpenJDK), python3, coreutils, findutils.
# Output is deterministic: same input files + same tool versions => byte-identical file
# (timestamps/pids in aapt's log lines are stripped). Run time on 2 cores: ~2.5 minutes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
examples=/usr/share/doc/androguard/examples
out="$here/groundtruth/androguard.jsonl"
jobs=2

while [[ $# -gt 0 ]]; do
    case "$1" in
        --examples) examples="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "groundtruth.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

for tool in aapt apksigner python3 sha256sum; do
    command -v "$tool" >/dev/null || { echo "groundtruth.sh: '$tool' not found (apt-get install aapt apksigner python3)" >&2; exit 2; }
done
[[ -d "$examples" ]] || { echo "groundtruth.sh: no such folder: $examples (apt-get install androguard)" >&2; exit 2; }

examples="$(cd "$examples" && pwd)"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"

work="$(mktemp -d "${TMPDIR:-/tmp}/groundtruth.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir "$work/raw"

# Sorted, NUL-separated list of paths relative to the examples folder (names may hold any
# byte but NUL; the corpus has Cyrillic, Arabic and CJK names).
(cd "$examples" && find . -type f -name '*.apk' -print0) \
    | LC_ALL=C sort -z | sed -z 's|^\./||' > "$work/list"
count="$(tr -cd '\0' < "$work/list" | wc -c)"
[[ "$count" -gt 0 ]] || { echo "groundtruth.sh: no *.apk under $examples" >&2; exit 2; }

# One job per APK: "<index> <path>". Tools run with the examples folder as working directory
# and the relative path as argument, so messages that quote the path are stable.
worker() {
    local idx="$1" rel="$2" raw="$3" rc
    cd "$EXAMPLES"
    rc=0; aapt dump badging "$rel" >"$raw/$idx.aapt.out" 2>"$raw/$idx.aapt.err" || rc=$?
    echo "$rc" >"$raw/$idx.aapt.rc"
    rc=0; apksigner verify --print-certs -v "$rel" >"$raw/$idx.sig.out" 2>"$raw/$idx.sig.err" || rc=$?
    echo "$rc" >"$raw/$idx.sig.rc"
    if ! grep -q '^Signer .* certificate SHA-256 digest: ' "$raw/$idx.sig.out"; then
        rc=0
        apksigner verify --min-sdk-version 28 --print-certs -v "$rel" \
            >"$raw/$idx.sig28.out" 2>"$raw/$idx.sig28.err" || rc=$?
        echo "$rc" >"$raw/$idx.sig28.rc"
    fi
}
export -f worker
export EXAMPLES="$examples"

echo "groundtruth.sh: $count APKs under $examples, $jobs jobs" >&2
start=$(date +%s)
i=0
while IFS= read -r -d '' rel; do
    i=$((i + 1))
    printf '%s\0%s\0' "$i" "$rel"
done < "$work/list" \
    | xargs -0 -n 2 -P "$jobs" bash -c 'worker "$2" "$3" "$1"' _ "$work/raw"
# xargs exits 123 if any worker failed; workers swallow tool exit codes, so that is a real error.

python3 "$here/tools/parse_tools.py" assemble --root "$examples" --list "$work/list" \
    --raw "$work/raw" > "$work/out.jsonl"
mv "$work/out.jsonl" "$out"
end=$(date +%s)

echo "groundtruth.sh: wrote $out in $((end - start)) s" >&2
python3 "$here/tools/parse_tools.py" summary "$out"
