#!/usr/bin/env bash
# make-mixed.sh — a system image that presets app packages of every platform (SPEC §7), for the
# "no package is lost in silence" end-to-end test.
#
# Usage: Samples/make-mixed.sh OUTDIR
#
# From the committed sample packages (Samples/apk, hap, ipa, rpk, splits, aab) it lays out an
# Android-style tree, adds an APEX and a compressed APEX (CAPEX) whose ext4 payload holds an APK,
# a plain ZIP, and packages that cannot be read (a ZIP named .hap that is no HAP, a quick app
# whose manifest is not JSON), and writes into OUTDIR:
#   tree/          the tree (a "plain folder" input)
#   mixed.img      the tree as a raw ext4 image                                  (mke2fs -d)
#   expected.tsv   location <TAB> kind <TAB> platform <TAB> package (or "-") <TAB> ok|error, one row per
#                  package the tree holds: what `presetscan list` must report, each one read or
#                  carrying an error (PS009), none missing
# Needs: mke2fs, zip, unzip, python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: make-mixed.sh OUTDIR}"
for tool in mke2fs zip unzip python3; do
    command -v "$tool" >/dev/null || { echo "make-mixed.sh: '$tool' not found" >&2; exit 2; }
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/tree" "$out/mixed.img" "$out/expected.tsv"
export E2FSPROGS_FAKE_TIME=315532800 SOURCE_DATE_EPOCH=315532800
work="$(mktemp -d "${TMPDIR:-/tmp}/make-mixed.XXXXXX")"
trap 'rm -rf "$work"' EXIT

t="$out/tree"
rows=()
# put SAMPLE PATH KIND PLATFORM PACKAGE STATE: copy a sample into the tree and expect it listed so.
put() {
    mkdir -p "$(dirname "$t/$2")"
    cp "$here/$1" "$t/$2"
    rows+=("$2"$'\t'"$3"$'\t'"$4"$'\t'"$5"$'\t'"$6")
}

put apk/hello.apk               system/app/Hello/Hello.apk                 apk  android  cn.example.hello            ok
put hap/entry-signed.hap        system/app/Approov/Approov.hap             hap  harmony  cn.example.harmony          ok
put hap/library.hsp             system/app/Approov/shared.hsp              hsp  harmony  cn.example.harmony          ok
put hap/bundle.app              preload/HarmonyBundle.app                  app  harmony  cn.example.harmony          ok
put splits/app.xapk            system/app/SplitApp/SplitApp.xapk          xapk android  cn.example.split            ok
put splits/app.apks            product/app/SplitSet/SplitSet.apks         apks android  cn.example.split            ok
put aab/app.aab                preload/Bundle.aab                         aab  android  cn.example.bundle           ok
put ipa/hello.ipa               preload/Hello.ipa                          ipa  ios      cn.example.ios.hello        ok
put rpk/signed.rpk              system/app/QuickApp/QuickApp.rpk           rpk  quickapp cn.example.quick            ok
put rpk/split.rpks              product/app/QuickSplit/QuickSplit.rpks     rpk  quickapp cn.example.quick.split      ok
# Broken packages: each must be listed with an error (PS009), never skipped.
put hap/no-bundle-name.hap      system/app/NoBundle/NoBundle.hap           hap  harmony  -                           error
put splits/encrypted-zip.apkm  preload/Encrypted.apkm                     apkm android  -                           error
put ipa/no-bundle-id.ipa        preload/NoBundleId.ipa                     ipa  ios      -                           error
put rpk/not-json.rpk            system/app/BrokenQuick/BrokenQuick.rpk     rpk  quickapp -                           error

# A ZIP named like a HarmonyOS module whose content is no app package of any platform.
mkdir -p "$work/plain" "$t/system/app/NotAHap"
printf 'not a module\n' > "$work/plain/readme.txt"
(cd "$work/plain" && zip -q -X "$t/system/app/NotAHap/NotAHap.hap" readme.txt)
rows+=("system/app/NotAHap/NotAHap.hap"$'\t'"hap"$'\t'"harmony"$'\t'"-"$'\t'"error")
# A plain ZIP with a manifest.json but nothing of a quick app: walked, nothing listed.
mkdir -p "$t/system/etc"
printf '{"name": "settings"}\n' > "$work/plain/manifest.json"
(cd "$work/plain" && zip -q -X "$t/system/etc/settings.zip" manifest.json readme.txt)

# An APEX (binary manifest + ext4 payload holding an APK) and a CAPEX wrapping it: system
# modules, opened as containers; the APK in the payload is listed.
mkdir -p "$work/apex/payload/app/ApexHello" "$t/system/apex"
cp "$here/apk/hello.apk" "$work/apex/payload/app/ApexHello/ApexHello.apk"
find "$work/apex/payload" -exec touch -h -d @315532800 {} +
mke2fs -q -F -t ext4 -b 4096 -O ^has_journal,^inline_data -U 11111111-2222-3333-4444-888888888888 \
    -E hash_seed=11111111-2222-3333-4444-555555555555 -d "$work/apex/payload" "$work/apex/apex_payload.img" 2M
(cd "$work/apex" && unzip -q -o "$here/apk/offline.apk" AndroidManifest.xml \
    && printf '\n\x13com.example.presetscan' > apex_manifest.pb \
    && zip -q -X -0 "$t/system/apex/com.example.presetscan.apex" AndroidManifest.xml apex_manifest.pb apex_payload.img \
    && cp "$t/system/apex/com.example.presetscan.apex" original_apex \
    && zip -q -X -9 "$t/system/apex/com.example.presetscan.capex" AndroidManifest.xml apex_manifest.pb original_apex)
rows+=("system/apex/com.example.presetscan.apex!/apex_payload.img!/app/ApexHello/ApexHello.apk"$'\t'"apk"$'\t'"android"$'\t'"cn.example.hello"$'\t'"ok")
rows+=("system/apex/com.example.presetscan.capex!/original_apex!/apex_payload.img!/app/ApexHello/ApexHello.apk"$'\t'"apk"$'\t'"android"$'\t'"cn.example.hello"$'\t'"ok")

# An APK that carries an APEX's payload entry: content alone would make it a container, but a
# file named .apk in an app folder is installed as an app, so it must be read as one, not walked.
mkdir -p "$t/system/app/Sneaky"
cp "$here/apk/hello.apk" "$t/system/app/Sneaky/Sneaky.apk"
(cd "$work/apex" && zip -q -X -0 "$t/system/app/Sneaky/Sneaky.apk" apex_payload.img)
rows+=("system/app/Sneaky/Sneaky.apk"$'\t'"apk"$'\t'"android"$'\t'"cn.example.hello"$'\t'"ok")

find "$t" -exec touch -h -d @315532800 {} +
mke2fs -q -F -t ext4 -b 4096 -O ^inline_data,^has_journal -L mixed -U 11111111-2222-3333-4444-999999999999 \
    -E hash_seed=11111111-2222-3333-4444-555555555555 -d "$t" "$out/mixed.img" 16M
printf '%s\n' "${rows[@]}" | LC_ALL=C sort > "$out/expected.tsv"
