#!/usr/bin/env bash
# make-samples.sh — build the small sample APKs under Samples/apk with the real Android tools,
# and record what aapt/apksigner say about them in Samples/apk/expected.jsonl.
#
# Outputs (all committed; see Samples/README.md for what each one is for):
#   Samples/apk/hello.apk            cn.example.hello 3/"1.2", minSdk 21, targetSdk 33, label
#                                    @string/app_name (Hello / 你好 zh-CN / 妳好 zh-TW),
#                                    INTERNET + ACCESS_NETWORK_STATE, meta-data icp_number,
#                                    signed v1+v2+v3 with Samples/keys/sample-a
#   Samples/apk/offline.apk          cn.example.offline, literal label, VIBRATE only (no network
#                                    permission), minSdk 24, signed v2 only with Samples/keys/sample-b
#   Samples/apk/unsigned.apk         cn.example.unsigned, INTERNET, never signed
#   Samples/apk/truncated.apk        first half of hello.apk
#   Samples/apk/not-an-apk.apk       a text file
#   Samples/apk/cd-mismatch.apk      hello.apk with 4096 bytes prepended (self-extractor-like
#                                    prefix): every central-directory offset is off by 4096
#   Samples/apk/duplicate-entry.apk  unsigned hello content plus a second AndroidManifest.xml
#                                    entry (offline's manifest) after the first
#   Samples/apk/filing.apk           cn.example.filing: filing numbers in a meta-data value,
#                                    strings.xml (default and zh-CN), assets (html, js, json, txt),
#                                    a hand-made classes.dex (MUTF-8 string table) and
#                                    lib/arm64-v8a/libx.so (UTF-8 and UTF-16LE), plus look-alikes;
#                                    signed v1+v2 with Samples/keys/sample-a
#   Samples/apk/expected.jsonl       Samples/groundtruth.sh run over Samples/apk
#
# How: `aapt package -M AndroidManifest.xml -S res -I <platform> -F out.apk` then
# `apksigner sign --key K.pk8 --cert K.x509.pem`. The platform passed with -I is an android.jar
# if one is found ($ANDROID_JAR, or /usr/lib/android-sdk/platforms/*/android.jar), otherwise
# Debian's framework-res.apk (package android-framework-res, Android 10 = API 29): Debian 12 ships
# no android.jar, and aapt only needs the framework's resource table from it.
#
# Keys: Samples/keys/sample-{a,b}.pk8 (PKCS#8 DER, unencrypted) + .x509.pem, made once with
# openssl if missing, then reused. SAMPLE ONLY — the private keys are public; never trust them.
#
# Rerunning is harmless: aapt writes fixed 1980-01-01 zip times, apksigner's RSA PKCS#1 v1.5
# signatures are deterministic and the keys are reused, so the outputs come out byte-identical
# (same tool versions). Needs: aapt, apksigner, openssl, python3, android-framework-res.
#
# Usage: Samples/make-samples.sh [--no-expected]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
apk_dir="$here/apk"
key_dir="$here/keys"
write_expected=1
[[ "${1:-}" == "--no-expected" ]] && write_expected=0

for tool in aapt apksigner openssl python3; do
    command -v "$tool" >/dev/null || { echo "make-samples.sh: '$tool' not found" >&2; exit 2; }
done

# ----------------------------------------------------------------------- platform for -I
platform="${ANDROID_JAR:-}"
if [[ -z "$platform" ]]; then
    for cand in /usr/lib/android-sdk/platforms/*/android.jar \
                /usr/share/android-framework-res/framework-res.apk; do
        if [[ -f "$cand" ]]; then platform="$cand"; break; fi
    done
fi
[[ -n "$platform" && -f "$platform" ]] || {
    echo "make-samples.sh: no android.jar or framework-res.apk; apt-get install android-framework-res" >&2
    exit 2
}
echo "make-samples.sh: aapt -I $platform" >&2

work="$(mktemp -d "${TMPDIR:-/tmp}/make-samples.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$apk_dir" "$key_dir"

# ----------------------------------------------------------------------- sample keys
make_key() {  # name, subject
    local name="$1" subject="$2"
    if [[ -f "$key_dir/$name.pk8" && -f "$key_dir/$name.x509.pem" ]]; then
        return
    fi
    echo "make-samples.sh: generating SAMPLE key $key_dir/$name" >&2
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 10950 -subj "$subject" \
        -keyout "$work/$name.key.pem" -out "$key_dir/$name.x509.pem" 2>/dev/null
    openssl pkcs8 -topk8 -nocrypt -inform PEM -outform DER \
        -in "$work/$name.key.pem" -out "$key_dir/$name.pk8"
}
make_key sample-a "/C=CN/O=presetscan SAMPLE ONLY/CN=presetscan sample key A"
make_key sample-b "/C=CN/O=presetscan SAMPLE ONLY/CN=presetscan sample key B"

# ----------------------------------------------------------------------- sources
write_file() {  # path; content from stdin
    mkdir -p "$(dirname "$1")"
    cat > "$1"
}

# hello
write_file "$work/hello/AndroidManifest.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    package="cn.example.hello"
    android:versionCode="3"
    android:versionName="1.2">
    <uses-sdk android:minSdkVersion="21" android:targetSdkVersion="33" />
    <uses-permission android:name="android.permission.INTERNET" />
    <uses-permission android:name="android.permission.ACCESS_NETWORK_STATE" />
    <application android:label="@string/app_name" android:hasCode="false">
        <meta-data android:name="icp_number" android:value="京ICP备2023012345号-1A" />
    </application>
</manifest>
EOF
write_file "$work/hello/res/values/strings.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="app_name">Hello</string>
</resources>
EOF
write_file "$work/hello/res/values-zh-rCN/strings.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="app_name">你好</string>
</resources>
EOF
write_file "$work/hello/res/values-zh-rTW/strings.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="app_name">妳好</string>
</resources>
EOF

# offline: literal label with both quote kinds and CJK (exercises aapt's output escaping)
write_file "$work/offline/AndroidManifest.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    package="cn.example.offline"
    android:versionCode="1"
    android:versionName="1.0">
    <uses-sdk android:minSdkVersion="24" android:targetSdkVersion="33" />
    <uses-permission android:name="android.permission.VIBRATE" />
    <application android:label="离线 &quot;Notes&quot; it's offline" android:hasCode="false" />
</manifest>
EOF
# aapt dump badging prints application-label only when the APK has a resources.arsc (it walks
# the table's locales), even for a literal label: give offline and unsigned one string each.
write_file "$work/offline/res/values/strings.xml" <<'EOF2'
<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="note">离线笔记</string>
</resources>
EOF2

# unsigned
write_file "$work/unsigned/AndroidManifest.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    package="cn.example.unsigned"
    android:versionCode="1"
    android:versionName="0.1">
    <uses-sdk android:minSdkVersion="21" android:targetSdkVersion="33" />
    <uses-permission android:name="android.permission.INTERNET" />
    <application android:label="Unsigned" android:hasCode="false" />
</manifest>
EOF
write_file "$work/unsigned/res/values/strings.xml" <<'EOF2'
<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="note">unsigned</string>
</resources>
EOF2

build() {  # name -> $work/name.unsigned.apk
    local name="$1"
    (cd "$work/$name" && aapt package -f -M AndroidManifest.xml -S res -I "$platform" \
        -F "$work/$name.unsigned.apk")
}
build hello
build offline
build unsigned

# ----------------------------------------------------------------------- signing
apksigner sign --key "$key_dir/sample-a.pk8" --cert "$key_dir/sample-a.x509.pem" \
    --v1-signing-enabled true --v2-signing-enabled true --v3-signing-enabled true \
    --out "$work/hello.apk" "$work/hello.unsigned.apk"
apksigner sign --key "$key_dir/sample-b.pk8" --cert "$key_dir/sample-b.x509.pem" \
    --v1-signing-enabled false --v2-signing-enabled true --v3-signing-enabled false \
    --out "$work/offline.apk" "$work/offline.unsigned.apk"
rm -f "$work"/*.idsig   # apksigner 31 may write a v4 .idsig next to the output

cp "$work/hello.apk" "$apk_dir/hello.apk"
cp "$work/offline.apk" "$apk_dir/offline.apk"
cp "$work/unsigned.unsigned.apk" "$apk_dir/unsigned.apk"

# ----------------------------------------------------------------------- filing numbers
# filing.apk carries filing numbers in every place presetscan searches, plus look-alikes that
# must be classified and never counted as app filings. Every planted number is distinct, so a
# test can tell which place each came from (Samples/README.md lists them).
write_file "$work/filing/AndroidManifest.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<manifest xmlns:android="http://schemas.android.com/apk/res/android"
    package="cn.example.filing"
    android:versionCode="7"
    android:versionName="2.0">
    <uses-sdk android:minSdkVersion="21" android:targetSdkVersion="33" />
    <uses-permission android:name="android.permission.INTERNET" />
    <application android:label="@string/app_name">
        <meta-data android:name="icp_number" android:value="沪ICP备2024012345号-1A" />
        <meta-data android:name="channel" android:value="ICPClient official" />
    </application>
</manifest>
EOF
write_file "$work/filing/res/values/strings.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="app_name">Filing</string>
    <string name="icp_number">京ICP备2023012345号-2A</string>
    <string name="about">ICP lookup: see the footer</string>
</resources>
EOF
write_file "$work/filing/res/values-zh-rCN/strings.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<resources>
    <string name="app_name">备案示例</string>
    <string name="icp_number">京ICP备２０２３０１２３４５号－２Ａ</string>
</resources>
EOF
write_file "$work/filing/assets/about.html" <<'EOF'
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>关于</title></head>
<body><footer>
  <a href="https://beian.miit.gov.cn/">粤ICP备2022054321号-3A</a>
  网站备案：粤ICP备12345678号
</footer></body></html>
EOF
write_file "$work/filing/assets/app.js" <<'EOF'
// mini program shell
var ICPClient = { filing: "浙ICP备2021003456号-1X" };
EOF
write_file "$work/filing/assets/config.json" <<'EOF'
{"filingNumber": "川ICP备2020020202号-1A", "icpEnabled": true}
EOF
write_file "$work/filing/assets/notice.txt" <<'EOF'
经营许可证：京ICP证030173号 增值电信业务经营许可证：京B2-20150033
京公网安备11010502030143号
旧编号：京ICP备2009012345号-01A
EOF
python3 - "$work/filing" <<'EOF'
import hashlib, struct, sys, zlib
root = sys.argv[1]

def mutf8(text):
    # Dex strings: UTF-16 code units, each as 1-3 bytes; NUL as C0 80 (JNI "modified UTF-8").
    units = text.encode("utf-16-le")
    out = bytearray()
    for i in range(0, len(units), 2):
        u = units[i] | units[i + 1] << 8
        if 0 < u < 0x80:
            out.append(u)
        elif u < 0x800:
            out += bytes([0xC0 | u >> 6, 0x80 | u & 0x3F])
        else:
            out += bytes([0xE0 | u >> 12, 0x80 | u >> 6 & 0x3F, 0x80 | u & 0x3F])
    return bytes(out), len(units) // 2

def uleb128(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)

# classes.dex: a dex 035 with only a string table (sorted by UTF-16 code unit, as dex requires)
# and its map. The filing number follows an emoji that MUTF-8 writes as two 3-byte surrogates.
strings = ["ICPClient", "Lcn/example/filing/Main;", "备案 \U0001F600 闽ICP备2024000111号-3A"]
header_size, count = 0x70, len(strings)
ids_off = header_size
data_off = ids_off + 4 * count
data, offsets = bytearray(), []
for s in strings:
    encoded, utf16_size = mutf8(s)
    offsets.append(data_off + len(data))
    data += uleb128(utf16_size) + encoded + b"\0"
while len(data) % 4:
    data.append(0)
map_off = data_off + len(data)
map_items = [(0x0000, 1, 0), (0x0001, count, ids_off), (0x2002, count, data_off), (0x1000, 1, map_off)]
map_list = struct.pack("<I", len(map_items)) + b"".join(struct.pack("<HHII", t, 0, n, o) for t, n, o in map_items)
file_size = map_off + len(map_list)
body = struct.pack("<II", file_size, header_size) + struct.pack("<I", 0x12345678) + struct.pack("<II", 0, 0)
body += struct.pack("<I", map_off) + struct.pack("<II", count, ids_off) + struct.pack("<II", 0, 0) * 5
body += struct.pack("<II", file_size - data_off, data_off)
rest = body + b"".join(struct.pack("<I", o) for o in offsets) + bytes(data) + map_list
signature = hashlib.sha1(rest).digest()
checksum = zlib.adler32(signature + rest)
dex = b"dex\n035\0" + struct.pack("<I", checksum) + signature + rest
assert len(dex) == file_size
open(root + "/classes.dex", "wb").write(dex)

# lib/arm64-v8a/libx.so: an ELF64 AArch64 shared-object header followed by read-only data with
# one number in UTF-8 and another in UTF-16LE, as C string literals and wide literals sit there.
import os
os.makedirs(root + "/lib/arm64-v8a", exist_ok=True)
ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
elf = ident + struct.pack("<HHIQQQIHHHHHH", 3, 0xB7, 1, 0, 0, 0, 0, 64, 56, 0, 64, 0, 0)
rodata = b"\0" * 16 + "filing=鄂ICP备2021002021号-4K".encode("utf-8") + b"\0"
while len(rodata) % 4:
    rodata += b"\0"
rodata += "备案号湘ICP备2012000012号-1A".encode("utf-16-le") + b"\0\0"
open(root + "/lib/arm64-v8a/libx.so", "wb").write(elf + rodata + b"\0" * 8)
EOF
(cd "$work/filing" && aapt package -f -M AndroidManifest.xml -S res -A assets -I "$platform" \
    -F "$work/filing.unsigned.apk" && aapt add "$work/filing.unsigned.apk" classes.dex lib/arm64-v8a/libx.so >/dev/null)
apksigner sign --key "$key_dir/sample-a.pk8" --cert "$key_dir/sample-a.x509.pem" \
    --v1-signing-enabled true --v2-signing-enabled true --v3-signing-enabled false \
    --out "$work/filing.apk" "$work/filing.unsigned.apk"
rm -f "$work"/*.idsig
cp "$work/filing.apk" "$apk_dir/filing.apk"

# ----------------------------------------------------------------------- broken ones
size=$(stat -c %s "$apk_dir/hello.apk")
head -c $((size / 2)) "$apk_dir/hello.apk" > "$apk_dir/truncated.apk"

printf '%s\n' \
    'This is a plain text file named like an APK.' \
    'presetscan must report it as an unreadable app package (PS009), not skip it.' \
    > "$apk_dir/not-an-apk.apk"

python3 - "$apk_dir" "$work" <<'EOF'
import sys, zipfile
apk_dir, work = sys.argv[1], sys.argv[2]

# cd-mismatch.apk: a 4096-byte prefix before the first local header, as a self-extracting
# stub would add. The EOCD/central directory offsets are not adjusted, so they are off by 4096.
prefix = b"#!/bin/sh\n# fake self-extractor stub (presetscan sample)\nexit 1\n"
prefix += b"\0" * (4096 - len(prefix))
with open(apk_dir + "/hello.apk", "rb") as f:
    data = f.read()
with open(apk_dir + "/cd-mismatch.apk", "wb") as f:
    f.write(prefix + data)

# duplicate-entry.apk: every entry of the unsigned hello build, then a second
# AndroidManifest.xml (offline's binary manifest) at the end. zipfile warns and writes both.
import warnings
warnings.simplefilter("ignore")
src = zipfile.ZipFile(work + "/hello.unsigned.apk")
other = zipfile.ZipFile(work + "/offline.unsigned.apk").read("AndroidManifest.xml")
with zipfile.ZipFile(apk_dir + "/duplicate-entry.apk", "w") as out:
    for info in src.infolist():
        out.writestr(info, src.read(info.filename), compress_type=info.compress_type)
    dup = zipfile.ZipInfo("AndroidManifest.xml", date_time=(1980, 1, 1, 0, 0, 0))
    dup.compress_type = zipfile.ZIP_DEFLATED
    dup.external_attr = src.getinfo("AndroidManifest.xml").external_attr
    dup.create_system = src.getinfo("AndroidManifest.xml").create_system
    out.writestr(dup, other)
EOF

for f in "$apk_dir"/*.apk; do
    s=$(stat -c %s "$f")
    if [[ "$s" -gt 51200 ]]; then echo "make-samples.sh: $f is $s bytes (> 50 KB)" >&2; exit 1; fi
done

# ----------------------------------------------------------------------- expected values
if [[ "$write_expected" -eq 1 ]]; then
    "$here/groundtruth.sh" --examples "$apk_dir" --out "$apk_dir/expected.jsonl"
fi
# Tampered copies of the signed samples (signature verification, PS011) are made from them.
"$here/make-tampered.sh"
(cd "$apk_dir" && sha256sum -- *.apk)
