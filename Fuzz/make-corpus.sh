#!/usr/bin/env bash
# Remakes Fuzz/Corpus/<target>/: small seeds for every fuzz target, cut out of Samples/ and made with
# the Debian tools the sample scripts use (mke2fs, img2simg, mkfs.erofs, mksquashfs, bsdtar, 7z).
# The output is committed, so `make fuzz` needs none of these tools. Seeds stay small (tens of KB):
# libFuzzer mutates small inputs far faster, and the committed corpus stays well under a few MB.
# Usage: bash Fuzz/make-corpus.sh   (from the package root; needs what Samples/make-ota.sh needs)
set -euo pipefail
cd "$(dirname "$0")/.."
out=Fuzz/Corpus
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
rm -rf "$out"; mkdir -p "$out"
seed() { mkdir -p "$out/$1"; cp "$2" "$out/$1/${3:-$(basename "$2")}"; }
unz() { unzip -p "$1" "$2" > "$work/x"; seed "$3" "$work/x" "$4"; }

# Packages, whole, and the parsers inside them.
for f in Samples/apk/{hello,filing,unsigned,duplicate-entry,truncated}.apk; do seed package-apk "$f"; seed zip "$f"; done
for f in Samples/hap/{entry-signed,fa-model,unsigned,truncated-block}.hap Samples/hap/library.hsp; do seed package-hap "$f"; done
seed package-app Samples/hap/bundle.app
for f in Samples/ipa/{hello,cycle,truncated-macho,sig-past-end}.ipa; do seed package-ipa "$f"; done
for f in Samples/rpk/*.rpk Samples/rpk/split.rpks; do seed package-rpk "$f"; done
for f in Samples/splits/{app.apks,app.xapk,app.apkm,no-toc.apks}; do seed package-splits "$f"; done
for f in Samples/aab/*.aab; do seed package-aab "$f"; done
seed zip Samples/splits/app.xapk
for a in hello filing; do
  unz Samples/apk/$a.apk AndroidManifest.xml axml $a.xml
  unz Samples/apk/$a.apk resources.arsc arsc $a.arsc
done
unz Samples/apk/filing.apk META-INF/SAMPLE-A.RSA pkcs7 filing.rsa
unz Samples/ipa/hello.ipa Payload/Hello.app/embedded.mobileprovision pkcs7 hello.mobileprovision
for k in a b; do openssl x509 -in Samples/keys/sample-$k.x509.pem -outform DER -out "$work/c"; seed x509 "$work/c" sample-$k.der; done
unz Samples/hap/entry-signed.hap module.json hap-module-json module.json
unz Samples/hap/entry-signed.hap pack.info hap-module-json pack.info
unz Samples/hap/fa-model.hap config.json hap-module-json config.json
unz Samples/hap/entry-signed.hap resources.index hap-resources-index stage.index
unz Samples/hap/fa-model.hap assets/entry/resources.index hap-resources-index fa.index
for p in Info.plist Config.plist zh-Hans.lproj/InfoPlist.strings PlugIns/Share.appex/Info.plist; do
  unz Samples/ipa/hello.ipa "Payload/Hello.app/$p" ipa-plist "$(echo "$p" | tr / _)"
done
unz Samples/ipa/hello.ipa Payload/Hello.app/embedded.mobileprovision ipa-plist embedded.mobileprovision
unz Samples/ipa/hello.ipa Payload/Hello.app/Hello ipa-macho Hello
unz Samples/ipa/universal.ipa "$(unzip -Z1 Samples/ipa/universal.ipa | grep -m1 '\.app/[^/.]*$')" ipa-macho universal
unz Samples/rpk/signed.rpk manifest.json rpk-json manifest.json
unz Samples/rpk/signed.rpk i18n/zh-CN.json rpk-json zh-CN.json

# Signing blocks: the bytes before the central directory (the block ends where the CD starts).
python3 - "$out" <<'PY'
import struct, sys, os
out = sys.argv[1]
def before_cd(path):
    b = open(path, 'rb').read()
    e = b.rfind(b'PK\x05\x06')
    return b[:struct.unpack_from('<I', b, e + 16)[0]]
def put(target, name, data):
    os.makedirs(f'{out}/{target}', exist_ok=True)
    open(f'{out}/{target}/{name}', 'wb').write(data)
for name in ('hello', 'offline'):
    b = before_cd(f'Samples/apk/{name}.apk')
    size = struct.unpack_from('<Q', b, len(b) - 24)[0]
    put('apk-signing-block', name, b[len(b) - size - 8:])
put('hap-signing-block', 'entry-signed', before_cd('Samples/hap/entry-signed.hap'))
put('hap-signing-block', 'other-bundle-profile', before_cd('Samples/hap/other-bundle-profile.hap'))
put('rpk-signing-block', 'signed', open('Samples/rpk/signed.rpk', 'rb').read())
PY

# Text formats.
seed registry-records Samples/registry/filings.csv
seed registry-records Samples/registry/filings.jsonl
seed policy-yaml Samples/policy/policy.yaml
mkdir -p "$out/filing-scanner"
printf '京ICP备2023012345号-1A 粤B2-20090059 沪ICP备2024000006号-1A' > "$out/filing-scanner/plain.txt"
printf '<p>备案号：浙ICP备2024000005号-1A｜京公网安备 11010502030143号</p>' > "$out/filing-scanner/html.txt"
printf '\xfe\xff\x4e\xac\x00\x49\x00\x43\x00\x50\x59\x07\x00\x32\x00\x30\x00\x32\x00\x33' > "$out/filing-scanner/utf16.bin"

# File systems, from a tree of two small files.
mkdir -p "$work/tree/app/Hello" "$work/tree/etc"
cp Samples/apk/unsigned.apk "$work/tree/app/Hello/Hello.apk"
printf 'ro.build=fuzz\n%.0s' {1..40} > "$work/tree/etc/build.prop"
ln -s ../etc/build.prop "$work/tree/app/link"
mke2fs -q -t ext4 -b 1024 -N 32 -O ^has_journal -E root_owner=0:0 -d "$work/tree" "$work/ext4.img" 192
mke2fs -q -t ext4 -b 1024 -N 32 -O ^has_journal,inline_data -d "$work/tree" "$work/inline.img" 192
seed ext4 "$work/ext4.img"; seed ext4 "$work/inline.img"
img2simg "$work/ext4.img" "$work/ext4.simg"; seed sparse "$work/ext4.simg"
mkfs.erofs --quiet -T0 "$work/erofs.img" "$work/tree" >/dev/null; seed erofs "$work/erofs.img"
mkfs.erofs --quiet -T0 -zlz4hc "$work/erofs-lz4.img" "$work/tree" >/dev/null; seed erofs "$work/erofs-lz4.img"
python3 Samples/tools/make_erofs.py deflate "$work/tree" "$work/erofs-deflate.img" >/dev/null; seed erofs "$work/erofs-deflate.img"
for c in gzip xz lz4 zstd; do mksquashfs "$work/tree" "$work/sq-$c.sqfs" -comp $c -quiet -noappend >/dev/null; seed squashfs "$work/sq-$c.sqfs"; done

# Archives for libarchive.
(cd "$work/tree" && bsdtar -czf "$work/a.tar.gz" etc && bsdtar -cJf "$work/a.tar.xz" etc && bsdtar --format cpio -cf "$work/a.cpio" etc \
  && bsdtar --format ar -cf "$work/a.ar" etc/build.prop && 7z a -bd -bso0 "$work/a.7z" etc >/dev/null && bsdtar --format ustar -cf "$work/a.tar" etc)
for a in a.tar.gz a.tar.xz a.cpio a.ar a.7z a.tar; do seed archive "$work/$a"; done

# OTA pieces and super.img metadata, cut out of the sample firmware the sample scripts make.
bash Samples/make-ota.sh "$work/ota" >/dev/null 2>&1
unz "$work/ota/block-ota.zip" system.transfer.list transfer-list system.transfer.list
unz "$work/ota/block-ota-incremental.zip" system.transfer.list transfer-list incremental.transfer.list
unzip -p "$work/ota/ab-ota.zip" payload.bin > "$work/payload.bin"
python3 - "$work/payload.bin" "$out" <<'PY'
import struct, sys, os
b = open(sys.argv[1], 'rb').read(); out = sys.argv[2]
size = struct.unpack_from('>Q', b, 12)[0]
os.makedirs(f'{out}/payload-manifest', exist_ok=True)
open(f'{out}/payload-manifest/full.pb', 'wb').write(b[24:24 + size])
PY
unzip -p "$work/ota/ab-ota-incremental.zip" payload.bin > "$work/inc.bin"; head -c 65536 "$work/inc.bin" > "$work/p"; seed payload "$work/p" incremental.bin
head -c 65536 "$work/payload.bin" > "$work/p"; seed payload "$work/p" full.bin
head -c 81920 "$work/ota/fw/super.img" > "$work/super"; seed lp "$work/super" super-head.img
du -sh "$out"
