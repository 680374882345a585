#!/usr/bin/env python3
"""Builds the quick-app samples in Samples/rpk/ and their ground truth, Samples/rpk/expected.json.

Usage: Samples/tools/make_rpk.py [OUTDIR]   (default: Samples/rpk next to this folder)

Debian 12 has no quick-app toolkit, so the packages are written here from the public format,
following hap-toolkit's packager (hapjs-platform/hap-toolkit, packages/hap-packager):

* an .rpk is a ZIP: META-INF/CERT first (itself a ZIP holding hash.json, the SHA-256 of every
  file), then manifest.json, app.js and the other files;
* signing (src/signature/algorithm/index.js) inserts an "RPK Sig Block 42" block between the local
  headers and the central directory and moves the EOCD's central-directory offset. The block has
  the APK Signing Block layout: u64 size, pairs (u64 length, u32 id, value), u64 size, magic.
  Pair 0x01000101 holds an APK Signature Scheme v2 signer sequence: signed data = digests
  [(0x0103, SHA-256 over 0x5a|u32 3|the digests of the three ZIP sections, each SHA-256 over
  0xa5|u32 length|bytes)], certificates [DER], additional attributes []; signatures
  [(0x0103, RSA PKCS#1 v1.5 SHA-256 over the signed data)]; public key (DER SubjectPublicKeyInfo).
  Pair 0x01000201 is the signed per-file digest list (u32 CRC-32 of the name, u16 length, SHA-256);
  META-INF/CERT is signed the same way before the package is;
* the split form .rpks (src/process/index.js) is a ZIP of <package>.rpk (the whole app),
  <package>.base.srpk and <package>.<sub>.srpk, each signed, the .rpks signed too; a sub-package
  that is not standalone has no manifest.json.

RSA signatures come from `openssl dgst -sha256 -sign` with the SAMPLE ONLY keys in Samples/keys.
The ground truth is taken from the finished files with other tools: the manifest through Python's
json module, the certificate cut out of the signing block by offset (EOCD -> central directory
offset -> block -> pair -> signer -> first certificate) and described by `openssl x509`.
Reruns give the same files byte for byte (fixed ZIP times, deterministic PKCS#1 v1.5 signatures).
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
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.dirname(HERE)
KEYS = os.path.join(SAMPLES, "keys")
MAGIC = b"RPK Sig Block 42"
SIGNATURE_ID = 0x01000101
FILE_LIST_ID = 0x01000201
RSA_PKCS1_SHA256 = 0x0103


def u16(n):
    return struct.pack("<H", n)


def u32(n):
    return struct.pack("<I", n)


def u64(n):
    return struct.pack("<Q", n)


def lp(b):
    return u32(len(b)) + b


def run(*args, data=None):
    return subprocess.run(args, input=data, check=True, capture_output=True).stdout


class Key:
    """A SAMPLE ONLY key pair from Samples/keys, converted for openssl."""

    def __init__(self, name, tmp):
        self.name = name
        self.pem = os.path.join(tmp, name + ".key.pem")
        run("openssl", "pkcs8", "-inform", "DER", "-nocrypt", "-in", os.path.join(KEYS, name + ".pk8"), "-out", self.pem)
        cert_pem = os.path.join(KEYS, name + ".x509.pem")
        self.cert_der = run("openssl", "x509", "-in", cert_pem, "-outform", "DER")
        pub_pem = run("openssl", "x509", "-in", cert_pem, "-noout", "-pubkey")
        self.public_key_der = run("openssl", "pkey", "-pubin", "-outform", "DER", data=pub_pem)

    def sign(self, data):
        return run("openssl", "dgst", "-sha256", "-sign", self.pem, data=data)


def make_zip(files, comment=b""):
    """files: [(name, bytes)] in order; deflated, fixed 1980 times, Unix mode 0644."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            z.writestr(info, data, compresslevel=9)
        z.comment = comment
    return out.getvalue()


def eocd_offset(data):
    at = data.rfind(b"PK\x05\x06")
    assert at >= 0 and len(data) - at >= 22
    return at


def section_digest(section):
    return hashlib.sha256(b"\xa5" + u32(len(section)) + section).digest()


def sign_zip(data, key, file_digests, truncate_certificate=False):
    """hap-toolkit doSign: the RPK signing block spliced in before the central directory."""
    eocd = eocd_offset(data)
    cd = struct.unpack_from("<I", data, eocd + 16)[0]
    header, central, footer = data[:cd], data[cd:eocd], data[eocd:]
    whole = hashlib.sha256(
        b"\x5a" + u32(3) + section_digest(header) + section_digest(central) + section_digest(footer)).digest()

    certificate = key.cert_der[: len(key.cert_der) // 2] if truncate_certificate else key.cert_der
    digests = lp(lp(u32(RSA_PKCS1_SHA256) + lp(whole)))
    signed_data = digests + lp(lp(certificate)) + u32(0)
    signatures = lp(lp(u32(RSA_PKCS1_SHA256) + lp(key.sign(signed_data))))
    signer = lp(signed_data) + signatures + lp(key.public_key_der)
    pairs = [(SIGNATURE_ID, lp(lp(signer)))]

    if file_digests:
        listed = u32(RSA_PKCS1_SHA256) + b"".join(
            u32(zlib.crc32(name.encode())) + u16(len(digest)) + digest for name, digest in file_digests)
        signature = key.sign(listed)
        chunk = lp(listed) + u32(8 + len(signature)) + u32(RSA_PKCS1_SHA256) + lp(signature)
        pairs.append((FILE_LIST_ID, lp(chunk)))

    body = b"".join(u64(len(value) + 4) + u32(pid) + value for pid, value in pairs)
    size = len(body) + 24
    block = u64(size) + body + u64(size) + MAGIC
    footer = footer[:16] + u32(cd + len(block)) + footer[20:]
    return header + block + central + footer


def digest_archive(files, key):
    """META-INF/CERT: a ZIP of hash.json, signed when the package is."""
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in files}
    hash_json = json.dumps({"algorithm": "SHA-256", "digests": digests}, ensure_ascii=False, separators=(",", ":"))
    cert = make_zip([("hash.json", hash_json.encode())])
    if key:
        cert = sign_zip(cert, key, [("hash.json", hashlib.sha256(cert).digest())])
    return cert


def make_rpk(files, key=None, truncate_certificate=False, with_cert=True):
    """An .rpk of `files` [(name, bytes)], as hap-toolkit's createZipBufferForPackage + signZipBufferForPackage."""
    entries = []
    if with_cert:
        entries.append(("META-INF/CERT", digest_archive(files, key)))
    entries += files
    data = make_zip(entries)
    if key:
        listed = [(name, hashlib.sha256(content).digest()) for name, content in entries]
        data = sign_zip(data, key, listed, truncate_certificate)
    return data


def js(text):
    return text.encode()


def j(value):
    return json.dumps(value, ensure_ascii=False, indent=2).encode()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")  # a PNG header only

SIGNED_MANIFEST = {
    "package": "cn.example.quick",
    "name": "${message.appName}",
    "versionName": "1.2.0",
    "versionCode": 12,
    "minPlatformVersion": 1070,
    "icon": "/common/logo.png",
    "features": [{"name": "system.prompt"}, {"name": "system.fetch"}, {"name": "system.router"}],
    "permissions": [{"origin": "*"}, {"name": "hapjs.permission.LOCATION"}],
    "config": {"logLevel": "off", "designWidth": 750, "data": {"icp": "沪ICP备2022000001号-2K"}},
    "router": {"entry": "pages/Index", "pages": {"pages/Index": {"component": "index"}}},
}

SIGNED_I18N = {
    "defaults": {"message": {"appName": "Quick Demo"}},
    "zh": {"message": {"appName": "快应用"}},
    "zh-CN": {"message": {"appName": "快应用示例", "about": "备案号：京ICP备2023012345号-3K"}},
    "zh-TW": {"message": {"title": "關於"}},
    "en": {"message": {"title": "About"}},
}

APP_JS = """(function(){var $app_define$=function(){};
$app_define$('@app-application/app',[],function(e,t,n){n.exports={onCreate:function(){console.info('粤ICP备2024054321号-5K')}}});
})();
"""

INDEX_JS = """(function(){var $app_define$=function(){};
$app_define$('@app-component/index',[],function(e,t,n){n.exports={data:{police:'京公网安备11010502030143号'}}});
})();
"""

SUB_JS = """(function(){var $app_define$=function(){};
$app_define$('@app-component/sub',[],function(e,t,n){n.exports={data:{footer:'浙ICP备2021003456号-1K'}}});
})();
"""


def signed_files():
    files = [("manifest.json", j(SIGNED_MANIFEST)), ("app.js", js(APP_JS)), ("pages/Index/index.js", js(INDEX_JS)),
             ("common/logo.png", PNG)]
    files += [("i18n/%s.json" % name, j(content)) for name, content in sorted(SIGNED_I18N.items())]
    files.append(("META-INF/build.txt", b"toolkit=presetscan-sample\n"))
    return files


UNSIGNED_MANIFEST = {
    "package": "cn.example.quick.offline",
    "name": "离线快应用",
    "versionName": "1.0",
    "versionCode": 1,
    "minPlatformVersion": 1000,
    "icon": "/common/logo.png",
    "features": [{"name": "system.prompt"}, {"name": "system.network"}, {"name": "system.storage"}],
    "config": {"logLevel": "off"},
    "router": {"entry": "pages/Index", "pages": {"pages/Index": {"component": "index"}}},
}

SPLIT_MANIFEST = dict(SIGNED_MANIFEST, package="cn.example.quick.split", name="分包示例", versionCode=3, versionName="0.3",
                      subpackages=[{"name": "sub1", "resource": "pages/Sub"}])
SPLIT_MANIFEST.pop("permissions")
SPLIT_MANIFEST["config"] = {"logLevel": "off"}


def split_rpks(key_main, key_sub):
    package = SPLIT_MANIFEST["package"]
    base = [("manifest.json", j(SPLIT_MANIFEST)), ("app.js", js(APP_JS)), ("pages/Index/index.js", js(INDEX_JS))]
    sub = [("pages/Sub/index.js", js(SUB_JS))]
    parts = [
        (package + ".rpk", make_rpk(base + sub, key_main)),
        (package + ".base.srpk", make_rpk(base, key_main)),
        (package + ".sub1.srpk", make_rpk(sub, key_sub)),
    ]
    return sign_zip(make_zip(parts), key_main, None)


# ---- ground truth, from the finished files ----

def cut_certificate(data):
    """The first certificate of the first signer of the RPK signing block, by offset; None if unsigned or broken."""
    eocd = eocd_offset(data)
    cd = struct.unpack_from("<I", data, eocd + 16)[0]
    if cd < 24 or data[cd - 16:cd] != MAGIC:
        return None
    size = struct.unpack_from("<Q", data, cd - 24)[0]
    at = cd - size - 8 + 8
    while at < cd - 24:
        length, pid = struct.unpack_from("<QI", data, at)
        value = data[at + 12: at + 8 + length]
        if pid == SIGNATURE_ID:
            signers = value[4:]
            signer = signers[4:]
            signed = signer[4: 4 + struct.unpack_from("<I", signer, 0)[0]]
            digests_len = struct.unpack_from("<I", signed, 0)[0]
            certs = signed[4 + digests_len:]
            first = certs[4:]
            return first[4: 4 + struct.unpack_from("<I", first, 0)[0]]
        at += 8 + length
    return None


def describe_certificate(der):
    """openssl's fingerprints and subject of a DER certificate; None when openssl refuses it."""
    with tempfile.NamedTemporaryFile(suffix=".der") as f:
        f.write(der)
        f.flush()
        out = {}
        for algorithm in ("sha256", "sha1", "md5"):
            result = subprocess.run(["openssl", "x509", "-inform", "DER", "-in", f.name, "-noout", "-fingerprint",
                                     "-" + algorithm], capture_output=True, text=True)
            if result.returncode != 0:
                return None
            out[algorithm] = result.stdout.strip().split("=", 1)[1].replace(":", "").lower()
        subject = run("openssl", "x509", "-inform", "DER", "-in", f.name, "-noout", "-subject",
                      "-nameopt", "RFC2253,-esc_msb").decode().strip()
        out["subject"] = subject.split("=", 1)[1]
        return out


def has_signing_block(data):
    eocd = eocd_offset(data)
    cd = struct.unpack_from("<I", data, eocd + 16)[0]
    return cd >= 24 and data[cd - 16:cd] == MAGIC


def signers_of(data):
    der = cut_certificate(data)
    if der is None:
        return []
    described = describe_certificate(der)
    return [described] if described else []


def chain(files, locale):
    """hapjs LocaleResourcesParser.resolveLocaleResources: the files a device in `locale` consults."""
    names = []
    language, _, country = locale.partition("-")
    if language:
        for name in [language + "-" + country, language] + sorted(
                (n for n in files if n.startswith(language + "-")), key=lambda n: (n.lower(), n)):
            if name in files and name not in names:
                names.append(name)
    if "defaults" in files:
        names.append("defaults")
    return [files[n] for n in names]


def resolve(name, files, locale):
    out, rest = "", name
    while "${" in rest:
        start = rest.index("${")
        end = rest.find("}", start + 2)
        if end < 0:
            break
        expression = rest[start + 2:end]
        value = None
        for resource in chain(files, locale):
            node = resource
            for token in expression.split("."):
                node = node.get(token) if isinstance(node, dict) else None
            if isinstance(node, str):
                value = node
                break
        if value is None:
            return None
        out += rest[:start] + value
        rest = rest[end + 1:]
    return out + rest


def manifest_truth(data):
    """What the manifest says, read with Python's json module from the finished package."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        if "manifest.json" not in names:
            return None
        try:
            manifest = json.loads(z.read("manifest.json"))
        except ValueError:
            return {"unreadable": True}
        files = {n[len("i18n/"):-len(".json")]: json.loads(z.read(n)) for n in names
                 if n.startswith("i18n/") and n.endswith(".json")}
    features = [f["name"] for f in manifest.get("features", [])]
    permissions = list(features) + [p["name"] for p in manifest.get("permissions", [])
                                    if "name" in p and p["name"] not in features]
    name = manifest.get("name")
    labels = {}
    label = name
    if name and "${" in name:
        labels = {loc: resolve(name, files, loc) for loc in sorted(files) if loc != "defaults"}
        labels = {k: v for k, v in labels.items() if v is not None}
        label = resolve(name, files, "") or resolve(name, files, "zh-CN")
    network = {"system.fetch", "system.request", "system.requesttask", "system.uploadtask", "system.downloadtask",
               "system.websocketfactory", "system.websocket", "system.webview", "system.push"}
    meta = {k: str(manifest[k]) for k in ("minPlatformVersion", "minAPILevel") if k in manifest}
    return {
        "package": manifest.get("package"),
        "versionCode": manifest.get("versionCode"),
        "versionName": manifest.get("versionName"),
        "label": label,
        "labels": labels,
        "permissions": permissions,
        "usesInternet": any(f in network or (f.startswith("service.") and f != "service.exchange") for f in features),
        "metaData": meta,
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(SAMPLES, "rpk")
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Key("sample-a", tmp), Key("sample-b", tmp)
        minimal = [("app.js", js(APP_JS.replace("粤ICP备2024054321号-5K", "hello")))]
        samples = {
            "signed.rpk": make_rpk(signed_files(), a),
            "unsigned.rpk": make_rpk([("manifest.json", j(UNSIGNED_MANIFEST)), ("app.js", js("console.log('offline')\n")),
                                      ("common/logo.png", PNG)]),
            "no-package.rpk": make_rpk([("manifest.json", j({"name": "无包名", "versionCode": 1}))] + minimal),
            "not-json.rpk": make_rpk([("manifest.json", b"{ \"package\": \"cn.example.broken\", ")] + minimal),
            "truncated-signature.rpk": make_rpk(
                [("manifest.json", j(dict(UNSIGNED_MANIFEST, package="cn.example.quick.truncated")))] + minimal, a,
                truncate_certificate=True),
            "split.rpks": split_rpks(a, a),
            "mixed-signers.rpks": split_rpks(a, b),
        }
        for name, data in samples.items():
            assert len(data) < 50_000, name
            with open(os.path.join(out, name), "wb") as f:
                f.write(data)

    # Everything below reads the written files back.
    def read(name):
        with open(os.path.join(out, name), "rb") as f:
            return f.read()

    expected = {}
    for name in sorted(samples):
        data = read(name)
        truth = {"components": []}
        app = data
        if name.endswith(".rpks"):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                parts = [(n, z.read(n)) for n in z.namelist()]
            main_name, app = next(p for p in parts if p[0].endswith(".rpk"))
            for part_name, part in parts:
                part_truth = manifest_truth(part)
                truth["components"].append({
                    "path": part_name,
                    "role": "base" if part_name == main_name else "split",
                    "package": part_truth["package"] if part_truth else None,
                    "name": None if part_name.endswith(".rpk") else part_name[:-len(".srpk")].rsplit(".", 1)[1],
                    "signerSha256": [s["sha256"] for s in signers_of(part)],
                })
            truth["outerSigners"] = signers_of(data)
        truth.update(manifest_truth(app) or {})
        truth["signatureSchemes"] = ["rpk"] if has_signing_block(app) else []
        truth["signers"] = signers_of(app)
        expected[name] = truth

    # What each sample is for, and what presetscan must report beyond the tools' view (by hand).
    expected["signed.rpk"]["filingNumbers"] = [
        {"canonical": "京ICP备2023012345号-3K", "kind": "app", "sources": ["i18n/zh-CN.json"]},
        {"canonical": "京公网安备11010502030143号", "kind": "policeFiling", "sources": ["pages/Index/index.js"]},
        {"canonical": "沪ICP备2022000001号-2K", "kind": "app", "sources": ["manifest.json:config.data.icp"]},
        {"canonical": "粤ICP备2024054321号-5K", "kind": "app", "sources": ["app.js"]},
    ]
    expected["signed.rpk"]["errors"] = []
    expected["signed.rpk"]["warnings"] = []
    expected["unsigned.rpk"]["filingNumbers"] = []
    expected["unsigned.rpk"]["errors"] = []
    expected["unsigned.rpk"]["warnings"] = []
    expected["no-package.rpk"]["errors"] = ["rpk.no-package"]
    expected["no-package.rpk"]["filingNumbers"] = []
    expected["no-package.rpk"]["warnings"] = []
    del expected["not-json.rpk"]["unreadable"]
    expected["not-json.rpk"]["errors"] = ["rpk.manifest-unreadable"]
    expected["not-json.rpk"]["warnings"] = []
    expected["truncated-signature.rpk"]["filingNumbers"] = []
    expected["truncated-signature.rpk"]["errors"] = []
    expected["truncated-signature.rpk"]["warnings"] = ["rpk.signature-malformed"]
    split_package = SPLIT_MANIFEST["package"]
    for name in ("split.rpks", "mixed-signers.rpks"):
        expected[name]["filingNumbers"] = [
            {"canonical": "京公网安备11010502030143号", "kind": "policeFiling",
             "sources": [split_package + ".rpk!/pages/Index/index.js", split_package + ".base.srpk!/pages/Index/index.js"]},
            {"canonical": "浙ICP备2021003456号-1K", "kind": "app",
             "sources": [split_package + ".rpk!/pages/Sub/index.js", split_package + ".sub1.srpk!/pages/Sub/index.js"]},
            {"canonical": "粤ICP备2024054321号-5K", "kind": "app",
             "sources": [split_package + ".rpk!/app.js", split_package + ".base.srpk!/app.js"]},
        ]
        expected[name]["errors"] = []
    expected["split.rpks"]["warnings"] = []
    expected["mixed-signers.rpks"]["warnings"] = ["rpk.component-signer-mismatch"]

    with open(os.path.join(out, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
