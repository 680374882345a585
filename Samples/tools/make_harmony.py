#!/usr/bin/env python3
"""make_harmony.py — write small HarmonyOS packages (.hap, .hsp, .app) and their ground truth.

HarmonyOS packages cannot be built with Debian tools, so this script writes them itself from the
public formats (OpenHarmony sources, read for their facts only):

  * resources.index, restool's resource table as the global resource manager reads it
    (global_resource_management frameworks/resmgr: res_desc.h, hap_parser v1 and v2;
    developtools_global_resource_tool src/resource_table.cpp):
      v1 ("Restool x.y"): header { char version[128]; u32 length; u32 keyCount }, then keyCount
        limit-key configs { "KEYS", u32 idSetOffset, u32 paramCount, { u32 type, u32 value }... },
        the id sets { "IDSS", u32 count, { u32 id, u32 itemOffset }... } and the records
        { u32 size, u32 resType, u32 id, u16 len+1, value, NUL, u16 len+1, name, NUL };
      v2 ("RestoolV2 x.y"): header { char version[128]; u32 length; u32 keyCount;
        u32 dataBlockOffset }, configs { "KEYS", u32 configId, u32 paramCount, params },
        { "IDSS", u32 length, u32 typeCount, u32 idCount } with per type { u32 type, u32 length,
        u32 count, { u32 id, u32 resInfoOffset, u32 nameLength, name }... }, the data block
        { "DATA"?, u32 length, u32 idCount, { u32 id, u32 length, u32 valueCount,
        { u32 configId, u32 valueOffset }... }... } and the data pool { u16 length, bytes }.
    Locale qualifiers pack their letters big-endian into the low bytes of the u32 value
    (KeyParam::ConvertToStr reverses them): "zh" = 0x7a68, "CN" = 0x434e, "Hans" = 0x48616e73.
  * the HAP signing block (security_appverify hap_signing_block_utils, developtools_hapsigner
    SignHap.java / HapUtils.java): placed right before the ZIP central directory, sub-block heads
    { u32 type, u32 length, u32 offset-from-block-start } (profile 0x20000002, property 0x20000003,
    then the signature 0x20000000), the values, and a 32-byte tail { u32 blockCount, u64 size
    (the whole block), 16-byte magic, u32 version }: version 2 with "HAP Sig Block 42", version 3
    with "<hap sign block>". The signature is a PKCS#7 SignedData (openssl cms, content attached)
    over the HAP content digest as hapsigntool computes it (1 MiB chunks of the entries, the
    central directory and the EOCD whose CD offset points at the block, 0xa5/0x5a prefixes, then
    the optional blocks' values), encoded as { u32 version 2, u32 blocks 1, { u32 8+len,
    u32 algorithm 0x104, u32 len, digest } }. The profile is the provisioning JSON, signed
    (openssl cms -nodetach) or plain.
  * module.json (stage model), config.json (FA model), pack.info, as the bundle manager reads them.

Signing uses the SAMPLE ONLY keys in Samples/keys (openssl pkcs8 converts them; `cms -noattr`
keeps the output deterministic, so a rerun reproduces every file byte for byte).

Usage: make_harmony.py OUTDIR        (Samples/make-harmony.sh runs it into Samples/hap)

Ground truth (OUTDIR/expected.json) comes from the real tools: every signature and profile
sub-block is cut out of the written file by the offsets its block head gives, then
`openssl pkcs7 -inform DER -print_certs` lists the certificates, `openssl cms -verify -noverify
-signer` names the signer, `openssl x509 -noout -fingerprint -sha256/-sha1/-md5` fingerprints it
and `openssl cms -verify -noverify` gives the profile's content, read with python's json, as are
module.json / config.json / pack.info cut out of the written zip with python's zipfile.
"""
import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = os.path.join(HERE, "..", "keys")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# ---------------------------------------------------------------------------------------------
# resources.index

KEY_LANGUAGE, KEY_REGION, KEY_DENSITY, KEY_DIRECTION, KEY_DEVICE, KEY_SCRIPT, KEY_COLOR = 0, 1, 2, 3, 4, 5, 6
RES_STRING, RES_STRARRAY, RES_MEDIA = 9, 10, 19


def packed(text):
    """A language, script or region as KeyParam stores it."""
    value = 0
    for ch in text.encode("ascii"):
        value = value << 8 | ch
    return value


def qualifiers(folder):
    """restool folder name ('base', 'zh_CN', 'en', 'zh_Hans_CN', 'dark') → [(type, value)]."""
    if folder == "base":
        return []
    out = []
    for part in folder.split("-"):
        if part == "dark":
            out.append((KEY_COLOR, 0))
        elif part == "phone":
            out.append((KEY_DEVICE, 0))
        else:
            pieces = part.split("_")
            out.append((KEY_LANGUAGE, packed(pieces[0])))
            for piece in pieces[1:]:
                out.append((KEY_SCRIPT if len(piece) == 4 else KEY_REGION, packed(piece)))
    return out


def compose(text):
    data = text.encode("utf-8")
    return struct.pack("<H", len(data) + 1) + data + b"\0"


def array_data(values):
    return b"".join(struct.pack("<H", len(v.encode())) + v.encode() + b"\0" for v in values)


def index_v1(resources, version="Restool 4.105"):
    """resources: {folder: [(id, type, name, value or [values])]} → restool v1 bytes."""
    folders = list(resources)
    header_len = 136
    keys_len = sum(12 + 8 * len(qualifiers(f)) for f in folders)
    sets_len = sum(8 + 8 * len(resources[f]) for f in folders)
    pos = header_len + keys_len + sets_len
    keys, sets, records = b"", b"", b""
    set_offset = header_len + keys_len
    for folder in folders:
        params = qualifiers(folder)
        keys += b"KEYS" + struct.pack("<II", set_offset, len(params))
        keys += b"".join(struct.pack("<II", t, v) for t, v in params)
        entries = b""
        for rid, rtype, name, value in resources[folder]:
            if isinstance(value, list):
                body = array_data(value)
                data = struct.pack("<H", len(body) + 1) + body + b"\0"
            else:
                data = compose(value)
            data += compose(name)
            record = struct.pack("<III", 8 + len(data), rtype, rid) + data
            entries += struct.pack("<II", rid, pos)
            records += record
            pos += len(record)
        block = b"IDSS" + struct.pack("<I", len(resources[folder])) + entries
        sets += block
        set_offset += len(block)
    head = version.encode().ljust(128, b"\0") + struct.pack("<II", pos, len(folders))
    out = head + keys + sets + records
    assert len(out) == pos
    return out


def index_v2(resources, version="RestoolV2 6.1.0.003"):
    """The same resources in restool's v2 layout."""
    folders = list(resources)
    header = 140 + sum(12 + 8 * len(qualifiers(f)) for f in folders)
    # Every resource once, its values per config.
    by_id = {}
    for config_id, folder in enumerate(folders):
        for rid, rtype, name, value in resources[folder]:
            entry = by_id.setdefault(rid, {"type": rtype, "name": name, "values": []})
            entry["values"].append((config_id, value))
    types = sorted({e["type"] for e in by_id.values()})
    ids_len = 16 + sum(12 + sum(12 + len(e["name"].encode()) for e in by_id.values() if e["type"] == t) for t in types)
    data_block = header + ids_len
    info_len = 12 + sum(12 + 8 * len(e["values"]) for e in by_id.values())
    pool = b""
    value_offsets = {}
    for rid in sorted(by_id):
        for config_id, value in by_id[rid]["values"]:
            value_offsets[(rid, config_id)] = data_block + info_len + len(pool)
            body = array_data(value) if isinstance(value, list) else value.encode("utf-8")
            pool += struct.pack("<H", len(body)) + body
    infos = b""
    info_offsets = {}
    cursor = data_block + 12
    for rid in sorted(by_id):
        values = by_id[rid]["values"]
        info_offsets[rid] = cursor
        record = struct.pack("<III", rid, 12 + 8 * len(values), len(values))
        record += b"".join(struct.pack("<II", c, value_offsets[(rid, c)]) for c, _ in values)
        infos += record
        cursor += len(record)
    data = b"DATA" + struct.pack("<II", info_len, len(by_id)) + infos
    ids = b""
    for t in types:
        members = [rid for rid in sorted(by_id) if by_id[rid]["type"] == t]
        body = b""
        for rid in members:
            name = by_id[rid]["name"].encode()
            body += struct.pack("<III", rid, info_offsets[rid], len(name)) + name
        ids += struct.pack("<III", t, 12 + len(body), len(members)) + body
    ids = b"IDSS" + struct.pack("<III", 16 + len(ids), len(types), len(by_id)) + ids
    keys = b""
    for config_id, folder in enumerate(folders):
        params = qualifiers(folder)
        keys += b"KEYS" + struct.pack("<II", config_id, len(params))
        keys += b"".join(struct.pack("<II", t, v) for t, v in params)
    total = header + len(ids) + len(data) + len(pool)
    head = version.encode().ljust(128, b"\0") + struct.pack("<III", total, len(folders), data_block)
    out = head + keys + ids + data + pool
    assert len(out) == total and len(head + keys) == header
    return out


# ---------------------------------------------------------------------------------------------
# ZIP and the HAP signing block

def zip_bytes(entries):
    """entries: [(name, bytes, stored?)] in order → zip bytes with pinned times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data, stored in entries:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return buffer.getvalue()


def eocd_offset(data):
    at = data.rfind(b"PK\x05\x06")
    assert at >= 0
    return at


def hap_digest(entries, cd, eocd, optional_values):
    """hapsigntool's content digest (SHA-256), HapUtils.computeDigests."""
    chunk = 1 << 20
    digests = []
    for part in (entries, cd, eocd):
        for start in range(0, len(part), chunk):
            piece = part[start:start + chunk]
            digests.append(hashlib.sha256(b"\xa5" + struct.pack("<I", len(piece)) + piece).digest())
    top = b"\x5a" + struct.pack("<I", len(digests)) + b"".join(digests)
    h = hashlib.sha256(top)
    for value in optional_values:
        h.update(value)
    return h.digest()


def cms_sign(content, key, cert, tmp, extra_certs=None):
    src = os.path.join(tmp, "content.bin")
    out = os.path.join(tmp, "signed.der")
    with open(src, "wb") as f:
        f.write(content)
    cmd = ["openssl", "cms", "-sign", "-binary", "-nodetach", "-noattr", "-md", "sha256", "-outform", "DER",
           "-in", src, "-out", out, "-signer", cert, "-inkey", key]
    if extra_certs:
        cmd += ["-certfile", extra_certs]
    subprocess.run(cmd, check=True)
    with open(out, "rb") as f:
        return f.read()


SIGNATURE, PROFILE, PROPERTY = 0x20000000, 0x20000002, 0x20000003
MAGIC = {2: b"HAP Sig Block 42", 3: b"<hap sign block>"}


def signing_block(subblocks, version):
    """subblocks: [(type, value)] in order → the block bytes (heads, values, tail)."""
    heads_len = 12 * len(subblocks)
    heads, values = b"", b""
    offset = heads_len
    for kind, value in subblocks:
        heads += struct.pack("<III", kind, len(value), offset)
        values += value
        offset += len(value)
    size = heads_len + len(values) + 32
    return heads + values + struct.pack("<IQ", len(subblocks), size) + MAGIC[version] + struct.pack("<I", version)


def sign_hap(data, signer, tmp, profile=None, prop=None, version=3, extra_certs=None):
    """Inserts a HAP signing block before the central directory. signer: (key, cert) PEM paths;
    profile: bytes of the profile sub-block (signed or plain)."""
    eocd_at = eocd_offset(data)
    cd_at = struct.unpack_from("<I", data, eocd_at + 16)[0]
    entries, cd, eocd = data[:cd_at], data[cd_at:eocd_at], data[eocd_at:]
    optional = []
    if profile is not None:
        optional.append((PROFILE, profile))
    if prop is not None:
        optional.append((PROPERTY, prop))
    digest = hap_digest(entries, cd, eocd, [v for _, v in optional])
    content = struct.pack("<II", 2, 1) + struct.pack("<III", 8 + len(digest), 0x104, len(digest)) + digest
    signature = cms_sign(content, signer[0], signer[1], tmp, extra_certs)
    block = signing_block(optional + [(SIGNATURE, signature)], version)
    new_eocd = bytearray(eocd)
    struct.pack_into("<I", new_eocd, 16, cd_at + len(block))
    return entries + block + cd + bytes(new_eocd)


def profile_json(bundle, cert_pem, kind="release", issuer="pki_internal", not_after=1924905600):
    cert_key = "distribution-certificate" if kind == "release" else "development-certificate"
    profile = {
        "version-code": 2,
        "version-name": "2.0.0",
        "uuid": "5027b99e-5f9e-465d-9508-a9e0134ffe18",
        "validity": {"not-before": 1704067200, "not-after": not_after},
        "type": kind,
        "bundle-info": {
            "developer-id": "OH_DEVELOPER_SAMPLE_ONLY",
            cert_key: cert_pem,
            "bundle-name": bundle,
            "apl": "normal",
            "app-feature": "hos_normal_app",
            "app-identifier": "5765880207853624761",
        },
        "issuer": issuer,
    }
    if kind == "release":
        profile["app-distribution-type"] = "app_gallery"
    else:
        profile["debug-info"] = {"device-ids": ["SAMPLE"], "device-id-type": "udid"}
    return json.dumps(profile, ensure_ascii=False, indent=2).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Package contents

def module_json(bundle, version_code, version_name, label, module_name="entry", module_type="entry",
                permissions=(), ability_label="$string:EntryAbility_label", drop_bundle=False):
    app = {"bundleName": bundle, "vendor": "example", "versionCode": version_code, "versionName": version_name,
           "icon": "$media:app_icon", "label": label, "apiReleaseType": "Release", "compileSdkVersion": "5.0.0.70",
           "targetAPIVersion": 12, "minAPIVersion": 12, "compileSdkType": "HarmonyOS", "bundleType": "app"}
    if label.startswith("$string:"):
        app["labelId"] = 16777216
    if drop_bundle:
        del app["bundleName"]
    module = {"name": module_name, "type": module_type, "description": "$string:module_desc",
              "deviceTypes": ["phone", "tablet"], "deliveryWithInstall": True, "installationFree": False,
              "pages": "$profile:main_pages", "virtualMachine": "ark12.0.2.0", "compileMode": "esmodule"}
    if module_type != "shared":
        module["mainElement"] = "EntryAbility"
        module["abilities"] = [{"name": "EntryAbility", "srcEntry": "./ets/entryability/EntryAbility.ets",
                                "description": "$string:EntryAbility_desc", "icon": "$media:icon",
                                "label": ability_label, "labelId": 16777218, "exported": True,
                                "skills": [{"entities": ["entity.system.home"], "actions": ["action.system.home"]}]}]
    if permissions:
        module["requestPermissions"] = [{"name": p} for p in permissions]
    return json.dumps({"app": app, "module": module}, ensure_ascii=False, indent=2).encode("utf-8")


def config_json(bundle, code, name, permissions, module_name="entry"):
    config = {
        "app": {"bundleName": bundle, "vendor": "example", "version": {"code": code, "name": name},
                "apiVersion": {"compatible": 7, "target": 8}},
        "deviceConfig": {},
        "module": {
            "package": bundle + ".entry", "name": ".MyApplication", "mainAbility": ".MainAbility",
            "deviceType": ["phone"],
            "distro": {"deliveryWithInstall": True, "moduleName": module_name, "moduleType": "entry",
                       "installationFree": False},
            "abilities": [{"name": ".MainAbility", "label": "$string:entry_MainAbility", "labelId": 16777217,
                           "icon": "$media:icon", "type": "page", "launchType": "standard", "visible": True,
                           "skills": [{"entities": ["entity.system.home"], "actions": ["action.system.home"]}]}],
            "js": [{"pages": ["pages/index/index"], "name": "default", "window": {"designWidth": 720}}],
            "reqPermissions": [{"name": p} for p in permissions],
        },
    }
    return json.dumps(config, ensure_ascii=False, indent=2).encode("utf-8")


def pack_info(bundle, code, name, modules):
    """modules: [(package name, module name, module type)]."""
    info = {
        "summary": {
            "app": {"bundleName": bundle, "bundleType": "app",
                    "version": {"code": code, "name": name, "minCompatibleVersionCode": code}},
            "modules": [{"mainAbility": "EntryAbility" if t == "entry" else "", "deviceType": ["phone"],
                         "abilities": [], "distro": {"moduleType": t, "installationFree": False,
                                                     "deliveryWithInstall": True, "moduleName": m},
                         "apiVersion": {"compatible": 12, "releaseType": "Release", "target": 12}}
                        for _, m, t in modules],
        },
        "packages": [{"deviceType": ["phone"], "moduleType": t, "deliveryWithInstall": True, "name": p}
                     for p, _, t in modules],
    }
    return json.dumps(info, ensure_ascii=False, indent=2).encode("utf-8")


def abc(text):
    """A stand-in for an Ark bytecode file: the PANDA header magic and a string entry
    (uleb128 utf16 length << 1 | 0, MUTF-8 bytes, NUL) among other bytes."""
    data = text.encode("utf-8")
    length = len(text.encode("utf-16-le")) // 2 << 1
    uleb = b""
    while True:
        byte = length & 0x7f
        length >>= 7
        uleb += bytes([byte | (0x80 if length else 0)])
        if not length:
            break
    return b"PANDA\0\0\0" + bytes(range(24)) + uleb + data + b"\0" + b"\x11" * 40


def elf(text):
    return b"\x7fELF\x02\x01\x01\0" + b"\0" * 56 + b"about\0" + text.encode("utf-8") + b"\0" + b"\0" * 32


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a5a40000000049454e44ae426082")


def stage_entries(module, index, extra=(), pack=None):
    entries = [("module.json", module, False), ("resources.index", index, False),
               ("resources/base/media/app_icon.png", PNG, True),
               ("resources/base/profile/main_pages.json", b'{"src":["pages/Index"]}', False)]
    entries += list(extra)
    if pack is not None:
        entries.append(("pack.info", pack, False))
    return entries


# ---------------------------------------------------------------------------------------------
# Ground truth from the real tools

def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw).stdout


def read_block(data):
    """The HAP signing block's sub-blocks as (type, offset, length) from the file's bytes, or None."""
    eocd_at = eocd_offset(data)
    cd_at = struct.unpack_from("<I", data, eocd_at + 16)[0]
    if cd_at < 32:
        return None
    count, size = struct.unpack_from("<IQ", data, cd_at - 32)
    if data[cd_at - 20:cd_at - 4] not in MAGIC.values() or size > cd_at:
        return None
    start = cd_at - size
    subs = []
    for i in range(count):
        kind, length, offset = struct.unpack_from("<III", data, start + 12 * i)
        subs.append((kind, start + offset, length))
    return subs


def fingerprints(pem, tmp):
    path = os.path.join(tmp, "one.pem")
    with open(path, "wb") as f:
        f.write(pem)
    out = {}
    for alg in ("sha256", "sha1", "md5"):
        line = run(["openssl", "x509", "-noout", "-fingerprint", "-" + alg, "-in", path]).decode().strip()
        out[alg] = line.split("=", 1)[1].replace(":", "").lower()
    out["subject"] = run(["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", path]
                         ).decode().strip().split("=", 1)[1]
    return out


def split_pems(text):
    blocks, current = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith(b"-----BEGIN CERTIFICATE"):
            current = [line]
        elif current:
            current.append(line)
            if line.startswith(b"-----END CERTIFICATE"):
                blocks.append(b"".join(current))
                current = []
    return blocks


def truth_for_signature(der, tmp):
    path = os.path.join(tmp, "cut.der")
    with open(path, "wb") as f:
        f.write(der)
    every = split_pems(run(["openssl", "pkcs7", "-inform", "DER", "-print_certs", "-in", path]))
    signer_path = os.path.join(tmp, "signer.pem")
    run(["openssl", "cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", path,
         "-signer", signer_path, "-out", os.devnull])
    with open(signer_path, "rb") as f:
        signers = split_pems(f.read())
    return {"certificates": [fingerprints(p, tmp)["sha256"] for p in every],
            "signers": [fingerprints(p, tmp) for p in signers]}


def truth_for_profile(value, tmp):
    if value[:1] == b"{":
        content, signed = value, False
    else:
        path = os.path.join(tmp, "profile.der")
        with open(path, "wb") as f:
            f.write(value)
        content = run(["openssl", "cms", "-verify", "-noverify", "-binary", "-inform", "DER", "-in", path])
        signed = True
    profile = json.loads(content)
    info = profile.get("bundle-info", {})
    certs = []
    for key in ("distribution-certificate", "development-certificate"):
        if key in info:
            certs.append(fingerprints(info[key].encode(), tmp)["sha256"])
    import datetime
    not_after = profile.get("validity", {}).get("not-after")
    expires = None
    if isinstance(not_after, int):
        expires = datetime.datetime.fromtimestamp(not_after, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"signed": signed, "type": profile.get("type"), "bundleName": info.get("bundle-name"),
            "appIdentifier": info.get("app-identifier"), "teamIdentifier": info.get("developer-id"),
            "teamName": profile.get("issuer"), "expires": expires, "certificateSha256": certs}


def truth_for_hap(data, tmp):
    truth = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        if "module.json" in names:
            module = json.loads(z.read("module.json"))
            app, mod = module.get("app", {}), module.get("module", {})
            truth.update({"model": "stage", "package": app.get("bundleName"), "versionCode": app.get("versionCode"),
                          "versionName": app.get("versionName"), "module": mod.get("name"),
                          "moduleType": mod.get("type"),
                          "permissions": [p["name"] for p in mod.get("requestPermissions", [])]})
        elif "config.json" in names:
            config = json.loads(z.read("config.json"))
            app, mod = config.get("app", {}), config.get("module", {})
            truth.update({"model": "fa", "package": app.get("bundleName"),
                          "versionCode": app.get("version", {}).get("code"),
                          "versionName": app.get("version", {}).get("name"),
                          "module": mod.get("distro", {}).get("moduleName"),
                          "moduleType": mod.get("distro", {}).get("moduleType"),
                          "permissions": [p["name"] for p in mod.get("reqPermissions", [])]})
    truth["kind"] = "hsp" if truth.get("moduleType") == "shared" else "hap"
    truth["usesInternet"] = "ohos.permission.INTERNET" in truth.get("permissions", [])
    subs = read_block(data)
    truth["signers"], truth["certificates"], truth["profile"] = [], [], None
    if subs:
        for kind, offset, length in subs:
            value = data[offset:offset + length]
            if kind == SIGNATURE:
                try:
                    cut = truth_for_signature(value, tmp)
                    truth["signers"], truth["certificates"] = cut["signers"], cut["certificates"]
                except subprocess.CalledProcessError:
                    pass
            elif kind == PROFILE:
                try:
                    truth["profile"] = truth_for_profile(value, tmp)
                except (subprocess.CalledProcessError, ValueError):
                    pass
    return truth


# ---------------------------------------------------------------------------------------------
# The samples

def pem_key(name, tmp):
    out = os.path.join(tmp, name + ".key")
    subprocess.run(["openssl", "pkcs8", "-inform", "DER", "-nocrypt", "-in", os.path.join(KEYS, name + ".pk8"),
                    "-out", out], check=True)
    return out


PLANTED = {
    "entry-signed.hap": {
        "label": "Harmony Notes",
        "labels": {"en": "Harmony Notes", "zh-CN": "鸿蒙笔记", "zh-Hant-TW": "鴻蒙筆記"},
        "filingNumbers": {"京ICP备2023012345号-5A": ["resources.index:string/icp_number",
                                                    "resources.index:string/icp_number[zh-CN]"],
                          "闽ICP备2024000222号-4A": ["resources.index:strarray/about_lines"],
                          "粤ICP备2022054321号-6A": ["resources/rawfile/about.html"],
                          "沪ICP备2024012345号-7A": ["ets/modules.abc"],
                          "浙ICP备2021003456号-8A": ["libs/arm64-v8a/libentry.so"]},
        "warnings": [],
    },
    "fa-model.hap": {
        "label": "FA Sample", "labels": {"zh-CN": "FA 示例"},
        "filingNumbers": {"苏ICP备2024011111号-2A": ["assets/entry/resources.index:string/copyright"],
                          "鄂ICP备2023000333号-9A": ["assets/js/default/pages/index/index.js"]},
        "warnings": [],
    },
    "unsigned.hap": {"label": "Unsigned HAP", "labels": {}, "filingNumbers": {}, "warnings": []},
    "library.hsp": {
        "label": "Harmony Notes", "labels": {"zh-Hans-CN": "鸿蒙笔记"},
        "filingNumbers": {"蜀ICP备2020020202号-3A": ["resources.index:string/lib_icp"]},
        "warnings": [],
    },
    "bundle.app": {
        "label": "Harmony Notes",
        "labels": {"en": "Harmony Notes", "zh-CN": "鸿蒙笔记", "zh-Hant-TW": "鴻蒙筆記"},
        "filingNumbers": {"京ICP备2023012345号-5A": ["entry-default.hap!/resources.index:string/icp_number",
                                                    "entry-default.hap!/resources.index:string/icp_number[zh-CN]"],
                          "闽ICP备2024000222号-4A": ["entry-default.hap!/resources.index:strarray/about_lines"],
                          "粤ICP备2022054321号-6A": ["entry-default.hap!/resources/rawfile/about.html"],
                          "沪ICP备2024012345号-7A": ["entry-default.hap!/ets/modules.abc"],
                          "浙ICP备2021003456号-8A": ["entry-default.hap!/libs/arm64-v8a/libentry.so"],
                          "晋ICP备2023005555号-1A": ["feature-default.hap!/resources/rawfile/licence.txt"],
                          "京公网安备11010502030143号": ["feature-default.hap!/resources/rawfile/licence.txt"],
                          "蜀ICP备2020020202号-3A": ["library-default.hsp!/resources.index:string/lib_icp"]},
        "warnings": ["app.signer-mismatch"],
    },
    "mixed-bundle.app": {
        "label": "Harmony Notes",
        "warnings": ["app.bundle-mismatch", "app.module-unsigned", "hap.profile-bundle-mismatch"],
    },
    "truncated-block.hap": {"label": "Harmony Notes", "warnings": ["hap.signing-block-malformed"]},
    "no-bundle-name.hap": {"label": "No Bundle", "errors": ["hap.no-bundle-name"], "warnings": []},
    "other-bundle-profile.hap": {"label": "Mismatch", "warnings": ["hap.profile-bundle-mismatch"]},
    "garbage-index.hap": {"label": None, "warnings": ["hap.resources-unreadable", "hap.unresolved-label"]},
}


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="make-harmony-")
    cert_a = os.path.join(KEYS, "sample-a.x509.pem")
    cert_b = os.path.join(KEYS, "sample-b.x509.pem")
    key_a, key_b = pem_key("sample-a", tmp), pem_key("sample-b", tmp)
    signer_a, signer_b = (key_a, cert_a), (key_b, cert_b)
    pem_a = open(cert_a, "rb").read().decode()
    pem_b = open(cert_b, "rb").read().decode()
    files = {}

    # 1. entry-signed.hap: stage model, v1 index, labels zh-CN / en, INTERNET, filing numbers in
    #    resources.index, a rawfile, ets/modules.abc and a native library; signed (v3 block) by
    #    sample-a with sample-b's certificate carried too; profile signed by sample-b.
    resources = {
        "base": [(16777216, RES_STRING, "app_name", "Harmony Notes"),
                 (16777217, RES_STRING, "module_desc", "module description"),
                 (16777218, RES_STRING, "EntryAbility_label", "$string:16777216"),
                 (16777219, RES_STRING, "icp_number", "京ICP备2023012345号-5A"),
                 (16777220, RES_STRARRAY, "about_lines", ["Harmony Notes", "闽ICP备2024000222号-4A"]),
                 (16777221, RES_MEDIA, "app_icon", "entry/resources/base/media/app_icon.png")],
        "en": [(16777216, RES_STRING, "app_name", "Harmony Notes")],
        "zh_CN": [(16777216, RES_STRING, "app_name", "鸿蒙笔记"),
                  (16777219, RES_STRING, "icp_number", "京ICP备２０２３０１２３４５号－５Ａ")],
        "zh_Hant_TW": [(16777216, RES_STRING, "app_name", "鴻蒙筆記")],
        "dark": [(16777216, RES_STRING, "app_name", "Harmony Notes (dark)")],
    }
    entry_module = module_json("cn.example.harmony", 1000000, "1.0.0", "$string:app_name",
                               permissions=["ohos.permission.INTERNET", "ohos.permission.GET_NETWORK_INFO"])
    entry_extra = [("resources/rawfile/about.html", "<p>备案号：粤ICP备2022054321号-6A</p>".encode(), False),
                   ("ets/modules.abc", abc("沪ICP备2024012345号-7A"), False),
                   ("libs/arm64-v8a/libentry.so", elf("浙ICP备2021003456号-8A"), True)]
    entry_plain = zip_bytes(stage_entries(entry_module, index_v1(resources), entry_extra,
                                          pack_info("cn.example.harmony", 1000000, "1.0.0",
                                                    [("entry-default", "entry", "entry")])))
    profile_a = cms_sign(profile_json("cn.example.harmony", pem_a), key_b, cert_b, tmp)
    files["entry-signed.hap"] = sign_hap(entry_plain, signer_a, tmp, profile=profile_a,
                                         prop=b"\x01\x00\x00\x00sample-property", extra_certs=cert_b)

    # 2. fa-model.hap: FA model config.json, index under assets/entry/, no INTERNET; v2 block
    #    ("HAP Sig Block 42") signed by sample-b, unsigned (plain JSON) debug profile.
    fa_resources = {
        "base": [(16777217, RES_STRING, "entry_MainAbility", "FA Sample"),
                 (16777218, RES_STRING, "copyright", "Copyright 2024 苏ICP备2024011111号-2A")],
        "zh_CN": [(16777217, RES_STRING, "entry_MainAbility", "FA 示例")],
    }
    fa_entries = [("config.json", config_json("cn.example.famodel", 3, "3.0", ["ohos.permission.VIBRATE"]), False),
                  ("assets/entry/resources.index", index_v1(fa_resources, "Restool 3.1.0.001"), False),
                  ("assets/js/default/pages/index/index.js",
                   b"export default { data: { icp: '\xe9\x84\x82ICP\xe5\xa4\x872023000333\xe5\x8f\xb7-9A' } }", False),
                  ("assets/entry/resources/base/media/icon.png", PNG, True)]
    fa_plain = zip_bytes(fa_entries)
    files["fa-model.hap"] = sign_hap(fa_plain, signer_b, tmp,
                                     profile=profile_json("cn.example.famodel", pem_b, kind="debug"), version=2)

    # 3. unsigned.hap: stage model, literal app label, v2 index, INTERNET, no signing block.
    unsigned_resources = {"base": [(16777216, RES_STRING, "EntryAbility_label", "Unsigned Ability"),
                                   (16777217, RES_STRING, "module_desc", "unsigned")]}
    files["unsigned.hap"] = zip_bytes(stage_entries(
        module_json("cn.example.unsignedhap", 1, "0.1", "Unsigned HAP", permissions=["ohos.permission.INTERNET"]),
        index_v2(unsigned_resources)))

    # 4. library.hsp: a shared module (module.type "shared"), v2 index with zh_Hans_CN, signed by sample-a.
    hsp_resources = {"base": [(16777216, RES_STRING, "app_name", "Harmony Notes"),
                              (16777222, RES_STRING, "lib_icp", "蜀ICP备2020020202号-3A")],
                     "zh_Hans_CN": [(16777216, RES_STRING, "app_name", "鸿蒙笔记")]}
    hsp_plain = zip_bytes(stage_entries(
        module_json("cn.example.harmony", 1000000, "1.0.0", "$string:app_name", module_name="library",
                    module_type="shared"),
        index_v2(hsp_resources)))
    files["library.hsp"] = sign_hap(hsp_plain, signer_a, tmp, profile=profile_a)

    # 5. bundle.app: pack.info + entry-default.hap (entry-signed.hap) + feature-default.hap (a
    #    feature module signed by sample-b, its own filing number in a rawfile) + library-default.hsp.
    feature_resources = {"base": [(16777216, RES_STRING, "app_name", "Harmony Notes"),
                                  (16777223, RES_STRING, "feature_label", "Feature")]}
    feature_plain = zip_bytes(stage_entries(
        module_json("cn.example.harmony", 1000000, "1.0.0", "$string:app_name", module_name="feature",
                    module_type="feature", permissions=["ohos.permission.LOCATION"],
                    ability_label="$string:feature_label"),
        index_v1(feature_resources),
        [("resources/rawfile/licence.txt", "京公网安备11010502030143号 晋ICP备2023005555号-1A".encode(), False)]))
    feature = sign_hap(feature_plain, signer_b, tmp,
                       profile=cms_sign(profile_json("cn.example.harmony", pem_b), key_b, cert_b, tmp))
    files["bundle.app"] = zip_bytes([
        ("pack.info", pack_info("cn.example.harmony", 1000000, "1.0.0",
                                [("entry-default", "entry", "entry"), ("feature-default", "feature", "feature"),
                                 ("library-default", "library", "shared")]), False),
        ("entry-default.hap", files["entry-signed.hap"], True),
        ("feature-default.hap", feature, True),
        ("library-default.hsp", files["library.hsp"], False),
    ])

    # 6. Broken ones.
    # truncated-block.hap: entry-signed.hap with 200 bytes cut from the signature value; the
    # EOCD's CD offset follows (the zip stays readable), the block's size field does not.
    good = files["entry-signed.hap"]
    subs = read_block(good)
    sig_offset, sig_length = [(o, l) for k, o, l in subs if k == SIGNATURE][0]
    cut_at = sig_offset + sig_length // 2
    broken = bytearray(good[:cut_at] + good[cut_at + 200:])
    eocd_at = eocd_offset(broken)
    struct.pack_into("<I", broken, eocd_at + 16, struct.unpack_from("<I", broken, eocd_at + 16)[0] - 200)
    files["truncated-block.hap"] = bytes(broken)

    # no-bundle-name.hap: module.json whose app has no bundleName (pack.info still names one).
    files["no-bundle-name.hap"] = zip_bytes(stage_entries(
        module_json("cn.example.nobundle", 2, "0.2", "$string:app_name", drop_bundle=True),
        index_v1({"base": [(16777216, RES_STRING, "app_name", "No Bundle")]}),
        pack=pack_info("cn.example.nobundle", 2, "0.2", [("entry-default", "entry", "entry")])))

    # other-bundle-profile.hap: signed by sample-a, but the profile names cn.example.other.
    other_plain = zip_bytes(stage_entries(
        module_json("cn.example.mismatch", 5, "5.0", "$string:app_name", permissions=["ohos.permission.INTERNET"]),
        index_v1({"base": [(16777216, RES_STRING, "app_name", "Mismatch")]})))
    files["other-bundle-profile.hap"] = sign_hap(
        other_plain, signer_a, tmp, profile=cms_sign(profile_json("cn.example.other", pem_a), key_b, cert_b, tmp))

    # garbage-index.hap: resources.index is 600 pseudo-random bytes (fixed seed); the label stays unresolved.
    state, garbage = 0x2545F4914F6CDD1D, bytearray()
    for _ in range(600):
        state = (state * 6364136223846793005 + 1442695040888963407) & (2 ** 64 - 1)
        garbage.append(state >> 56)
    files["garbage-index.hap"] = zip_bytes(stage_entries(
        module_json("cn.example.garbage", 9, "9.0", "$string:app_name", permissions=["ohos.permission.INTERNET"]),
        bytes(garbage)))

    # mixed-bundle.app: a pack.info without `packages` (the entry is found by its module type),
    # entry-signed.hap, a module of another bundle and an unsigned one.
    mixed_pack = json.loads(pack_info("cn.example.harmony", 1000000, "1.0.0", [("entry-default", "entry", "entry")]))
    del mixed_pack["packages"]
    files["mixed-bundle.app"] = zip_bytes([
        ("pack.info", json.dumps(mixed_pack, indent=2).encode(), False),
        ("other-default.hap", files["other-bundle-profile.hap"], True),
        ("entry-default.hap", files["entry-signed.hap"], True),
        ("unsigned-default.hap", files["unsigned.hap"], False),
    ])

    for name, data in files.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)

    # Ground truth.
    expected = {}
    for name, data in sorted(files.items()):
        if name.endswith(".app"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                info = json.loads(z.read("pack.info"))
                app = info["summary"]["app"]
                parts = {}
                for member in z.namelist():
                    if member.endswith((".hap", ".hsp")):
                        parts[member] = truth_for_hap(z.read(member), tmp)
            entry = [p["name"] + ".hap" for p in info.get("packages", []) if p["moduleType"] == "entry"]
            if not entry:
                entry = [n for n, p in sorted(parts.items())
                         if p.get("moduleType") == "entry" and p.get("package") == app["bundleName"]]
            expected[name] = {"kind": "app", "package": app["bundleName"], "versionCode": app["version"]["code"],
                              "versionName": app["version"]["name"], "entry": entry[0], "components": parts}
        else:
            expected[name] = truth_for_hap(data, tmp)
    # What the script planted, which no tool can read back from a HAP: labels as the resources
    # define them, filing numbers (canonical) and the diagnostics each broken file must give.
    for name, planted in PLANTED.items():
        expected[name].update(planted)
    with open(os.path.join(outdir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")
    for name, data in sorted(files.items()):
        assert len(data) < 50_000, name


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
