#!/usr/bin/env bash
# make-harmony.sh — write the HarmonyOS samples (Samples/hap) and their ground truth.
#
# Usage: Samples/make-harmony.sh [OUTDIR]      (default: Samples/hap, which is committed)
#
# tools/make_harmony.py writes every .hap/.hsp/.app from the public formats (no Debian tool builds
# HarmonyOS packages), signs them with openssl and the SAMPLE ONLY keys, and writes expected.json
# from what openssl and python's json/zipfile read back out of the written files. The output is
# deterministic (pinned zip times, `openssl cms -noattr`): a rerun must leave `git status` clean.
# Needs: python3, openssl.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/hap}"
exec python3 "$here/tools/make_harmony.py" "$out"
