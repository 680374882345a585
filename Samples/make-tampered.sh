#!/usr/bin/env bash
# make-tampered.sh — APKs whose signature no longer verifies, made from the signed samples, to prove
# that presetscan verifies signatures as apksigner does (issue 12; rule PS011).
#
# Outputs (committed, under Samples/apk/tampered/):
#   entry-byte.apk      hello.apk (v1+v2+v3) with one byte changed inside an entry's data
#   cd-byte.apk         hello.apk with one byte of the central directory changed (an entry's time)
#   block-byte.apk      hello.apk with one byte of the v3 signer's signature changed
#   transplanted.apk    offline.apk's content under hello.apk's APK Signing Block (a counterfeit
#                       carrying the original's signing block)
#   stripped-v2.apk     filing.apk (v1+v2) with its APK Signing Block removed: the v1 .SF still says
#                       X-Android-APK-Signed: 2
#   verity.apk          hello.apk with a 640 KiB stored entry added, signed again (v1+v2+v3) with
#                       --verity-enabled: VERITY_CHUNKED_SHA256 signatures beside the chunked ones, and a
#                       verity tree of two levels (verifies)
#   verity-entry-byte.apk  verity.apk with one byte of that entry changed
#   v2-signer-dropped.apk  hello.apk signed by sample keys A and B (v1+v2), with B's signer removed
#                       from the v2 block: the v1 and v2 signatures name different signers
#   expected.jsonl      what `apksigner verify` (default options) says about each, one JSON per line:
#                       {"path", "verifies", "error"}
#
# Every change is made in Python on the ZIP's bytes (EOCD without comment, as aapt/apksigner
# write it). Needs: python3, apksigner. Deterministic: same inputs give byte-identical outputs.
#
# Usage: Samples/make-tampered.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/apk/tampered"
mkdir -p "$out"

python3 - "$here/apk" "$out" <<'PY'
import struct, sys
src, out = sys.argv[1], sys.argv[2]

def parts(data):
    eocd = len(data) - 22
    assert data[eocd:eocd + 4] == b"PK\x05\x06", "EOCD with a comment is not handled"
    cd_size, cd_off = struct.unpack_from("<II", data, eocd + 12)
    block_start = cd_off
    if data[cd_off - 16:cd_off] == b"APK Sig Block 42":
        size = struct.unpack_from("<Q", data, cd_off - 24)[0]
        block_start = cd_off - size - 8
    return block_start, cd_off, cd_size, eocd

def assemble(entries, block, cd, eocd):
    eocd = bytearray(eocd)
    struct.pack_into("<I", eocd, 16, len(entries) + len(block))
    return bytes(entries) + bytes(block) + bytes(cd) + bytes(eocd)

def read(name):
    return bytearray(open(f"{src}/{name}", "rb").read())

def write(name, data):
    open(f"{out}/{name}", "wb").write(bytes(data))

hello = read("hello.apk")
bs, cd, cds, eocd = parts(hello)

# One byte inside the data of the entry whose local header comes last (not the manifest).
data = bytearray(hello)
last_local = max(i for i in range(0, bs - 4) if data[i:i + 4] == b"PK\x03\x04")
name_len, extra_len = struct.unpack_from("<HH", data, last_local + 26)
target = last_local + 30 + name_len + extra_len + 1
assert target < bs
data[target] ^= 0x01
write("entry-byte.apk", data)

# One byte of the central directory: the first entry's modification time.
data = bytearray(hello)
data[cd + 12] ^= 0x01
write("cd-byte.apk", data)

# One byte of the v3 signer's first signature: block pairs are u64 length, u32 id, value.
data = bytearray(hello)
pos = bs + 8
while pos < cd - 24:
    length, pid = struct.unpack_from("<QI", data, pos)
    if pid == 0xF05368C0:
        value = pos + 12
        # value: u32 signers length, u32 signer length, u32 signed-data length, signed data,
        # u32 minSdk, u32 maxSdk, u32 signatures length, u32 record length, u32 algorithm id,
        # u32 signature length, signature.
        signer = value + 8
        signed_len = struct.unpack_from("<I", data, signer)[0]
        sigs = signer + 4 + signed_len + 8
        signature = sigs + 4 + 4 + 4 + 4
        data[signature + 10] ^= 0x01
        break
    pos += 8 + length
else:
    raise SystemExit("no v3 block in hello.apk")
write("block-byte.apk", data)

# hello's signing block under offline's entries and central directory.
offline = read("offline.apk")
obs, ocd, ocds, oeocd = parts(offline)
write("transplanted.apk", assemble(offline[:obs], hello[bs:cd], offline[ocd:oeocd], offline[oeocd:]))

# filing.apk without its signing block.
filing = read("filing.apk")
fbs, fcd, fcds, feocd = parts(filing)
assert fbs < fcd, "filing.apk has no APK Signing Block"
write("stripped-v2.apk", assemble(filing[:fbs], b"", filing[fcd:feocd], filing[feocd:]))
PY

# A verity-signed APK large enough for a two-level tree (160 pages of 4 KiB: 5 KiB of page hashes).
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 - "$here/apk/hello.apk" "$tmp/unsigned.apk" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
    for info in zin.infolist():
        if info.filename.startswith("META-INF/"):
            continue
        zout.writestr(info, zin.read(info.filename))
    big = zipfile.ZipInfo("assets/pages.bin", date_time=(2026, 1, 1, 0, 0, 0))
    big.compress_type = zipfile.ZIP_STORED
    zout.writestr(big, bytes((i * 131 + i // 4096) & 0xff for i in range(640 * 1024)))
PY
zipalign -f -p 4 "$tmp/unsigned.apk" "$tmp/aligned.apk"
apksigner sign --key "$here/keys/sample-a.pk8" --cert "$here/keys/sample-a.x509.pem" --min-sdk-version 21 \
    --v4-signing-enabled false --verity-enabled --out "$out/verity.apk" "$tmp/aligned.apk"
python3 - "$out/verity.apk" "$out/verity-entry-byte.apk" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.index(bytes((i * 131 + i // 4096) & 0xff for i in range(64)))
data[at + 300000] ^= 0x01
open(sys.argv[2], "wb").write(bytes(data))
PY

# Two signers in v1 and v2; then the second v2 signer is cut out of the v2 block (each signer signs
# on its own, so A's v2 signature stays valid): v1 names A and B, v2 only A.
python3 - "$tmp/aligned.apk" "$tmp/base.apk" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as zin, zipfile.ZipFile(sys.argv[2], "w") as zout:
    for info in zin.infolist():
        if info.filename != "assets/pages.bin":
            zout.writestr(info, zin.read(info.filename))
PY
apksigner sign --key "$here/keys/sample-a.pk8" --cert "$here/keys/sample-a.x509.pem" --next-signer \
    --key "$here/keys/sample-b.pk8" --cert "$here/keys/sample-b.x509.pem" --v3-signing-enabled false \
    --v4-signing-enabled false --out "$tmp/two.apk" "$tmp/base.apk"
python3 - "$tmp/two.apk" "$out/v2-signer-dropped.apk" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
eocd = len(data) - 22
cd_off = struct.unpack_from("<I", data, eocd + 16)[0]
size = struct.unpack_from("<Q", data, cd_off - 24)[0]
bs = cd_off - size - 8
pairs, pos = [], bs + 8
while pos < cd_off - 24:
    length, pid = struct.unpack_from("<QI", data, pos)
    value = data[pos + 12:pos + 8 + length]
    if pid == 0x7109871A:
        signers = value[4:4 + struct.unpack_from("<I", value, 0)[0]]
        first = signers[:4 + struct.unpack_from("<I", signers, 0)[0]]
        value = struct.pack("<I", len(first)) + first
    pairs.append(struct.pack("<QI", len(value) + 4, pid) + value)
    pos += 8 + length
body = b"".join(pairs)
block = struct.pack("<Q", len(body) + 24) + body + struct.pack("<Q", len(body) + 24) + b"APK Sig Block 42"
tail = bytearray(data[eocd:])
struct.pack_into("<I", tail, 16, bs + len(block))
open(sys.argv[2], "wb").write(data[:bs] + block + data[cd_off:eocd] + bytes(tail))
PY

: > "$out/expected.jsonl"
for f in block-byte cd-byte entry-byte stripped-v2 transplanted verity verity-entry-byte v2-signer-dropped; do
    set +e
    text="$(apksigner verify "$out/$f.apk" 2>&1)"
    code=$?
    set -e
    python3 - "$f.apk" "$code" "$text" >> "$out/expected.jsonl" <<'PY'
import json, sys
name, code, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
errors = [l[len("ERROR: "):] for l in text.splitlines() if l.startswith("ERROR: ")]
print(json.dumps({"path": name, "verifies": code == 0, "error": errors[0] if errors else None}, ensure_ascii=False))
PY
done
echo "make-tampered.sh: wrote $(ls "$out"/*.apk | wc -l) APKs and expected.jsonl to $out"
