#!/usr/bin/env python3
"""Turn raw `aapt dump badging` and `apksigner verify --print-certs -v` output into
ground-truth JSON Lines for presetscan's tests.

Shared by Samples/groundtruth.sh (the androguard corpus) and Samples/make-samples.sh
(the small committed sample APKs). Standard library only; any python3 >= 3.7 works.

The shell scripts run the tools and leave, for every APK number N (its line number in the
sorted list, starting at 1), these files in a raw folder:

    N.aapt.out  N.aapt.err  N.aapt.rc       aapt dump badging PATH
    N.sig.out   N.sig.err   N.sig.rc        apksigner verify --print-certs -v PATH
    N.sig28.*   (optional)                  the same with --min-sdk-version 28, run only when
                                            the first apksigner run printed no certificate

Usage:
    parse_tools.py assemble --root DIR --list FILE --raw DIR > out.jsonl
    parse_tools.py summary FILE.jsonl

Output line (keys always present, in this order; see Samples/README.md):
    {"path", "sha256", "aapt": {...}, "apksigner": {...}, "apksignerRetry": {...} | null}

Tool quirks this parser knows about (aapt 1:10.0.0+r36 and apksigner 31.0.2, Debian 12):
  * aapt escapes values with ResTable::normalizeForOutput: backslash -> \\, newline -> \n,
    double quote -> \"; a single quote is printed as is (so `'` inside '...' is not escaped).
  * aapt prints versionCode='' / versionName='' when the attribute is missing: stored as null.
  * aapt and libziparchive log lines on stderr carry a timestamp and pids
    ("zipro W 11-29 07:58:05  9824  9824 msg"): they are stripped so the output is stable.
  * apksigner prints "Verifies" and scheme/cert lines on stdout, WARNING lines on stdout,
    "DOES NOT VERIFY" and ERROR lines on stderr, and Java stack traces on stderr when it
    crashes. It prints certificates only when the APK verifies. apksigner 31 knows nothing of
    v3.1 (no "v3.1 scheme" line), so schemes.v31 is null: "not reported", not "false".
"""

import argparse
import hashlib
import json
import os
import re
import sys

# --------------------------------------------------------------------------- helpers

_AAPT_ESCAPE = re.compile(r'\\(\\|n|")')


def aapt_unescape(value):
    """Undo ResTable::normalizeForOutput (\\ -> \\, \\n -> newline, \\" -> ")."""
    return _AAPT_ESCAPE.sub(lambda m: {"\\": "\\", "n": "\n", '"': '"'}[m.group(1)], value)


# "zipro W 11-29 07:58:05  9824  9824 Error opening ..." -> "zipro W Error opening ..."
_LOG_PREFIX = re.compile(r"^(\S+) ([VDIWEF]) \d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? +\d+ +\d+ ")


def normalize_stderr_line(line):
    return _LOG_PREFIX.sub(r"\1 \2 ", line.rstrip("\r\n"))


def read_text(path):
    if not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace")


def read_rc(path):
    text = read_text(path)
    if text is None or not text.strip():
        return None
    return int(text.strip())


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- aapt

# package: name='X' versionCode='Y' versionName='Z' [platformBuildVersionName='..'] [...]
# versionName may itself contain a single quote, so the known trailing attributes anchor it.
_PACKAGE = re.compile(
    r"^package: name='(?P<name>.*?)' versionCode='(?P<vc>.*?)' versionName='(?P<vn>.*?)'"
    r"(?P<rest>(?: (?:platformBuildVersionName|platformBuildVersionCode|compileSdkVersion"
    r"|compileSdkVersionCodename)='[^']*')*)$"
)
_QUOTED_LINE = re.compile(r"^(?P<key>[A-Za-z0-9_-]+):'(?P<value>.*)'$")
_PERMISSION = re.compile(r"^(?P<key>uses-permission(?:-sdk-23)?): name='(?P<name>.*?)'(?: maxSdkVersion='[^']*')?$")

_LABEL_KEYS = {
    "application-label": "label",
    "application-label-zh-CN": "labelZhCN",
    "application-label-zh-TW": "labelZhTW",
    "application-label-zh-HK": "labelZhHK",
    "application-label-zh": "labelZh",
}


def parse_aapt(out, err, rc):
    res = {
        "ok": False,
        "exitCode": rc,
        "package": None,
        "versionCode": None,
        "versionName": None,
        "label": None,
        "labelZhCN": None,
        "labelZhTW": None,
        "labelZhHK": None,
        "labelZh": None,
        "sdkVersion": None,
        "targetSdkVersion": None,
        "permissions": None,
        "permissionsSdk23": None,
        "error": None,
        "stderr": [],
    }
    saw_package = False
    permissions, permissions23 = [], []
    for line in (out or "").splitlines():
        m = _PACKAGE.match(line)
        if m and not saw_package:
            saw_package = True
            res["package"] = aapt_unescape(m.group("name"))
            res["versionCode"] = m.group("vc") or None
            res["versionName"] = aapt_unescape(m.group("vn")) if m.group("vn") else None
            continue
        m = _PERMISSION.match(line)
        if m:
            target = permissions if m.group("key") == "uses-permission" else permissions23
            target.append(aapt_unescape(m.group("name")))
            continue
        m = _QUOTED_LINE.match(line)
        if m:
            key, value = m.group("key"), m.group("value")
            if key in _LABEL_KEYS and res[_LABEL_KEYS[key]] is None:
                res[_LABEL_KEYS[key]] = aapt_unescape(value)
            elif key in ("sdkVersion", "targetSdkVersion") and res[key] is None:
                res[key] = value
    if saw_package:
        res["permissions"] = permissions
        res["permissionsSdk23"] = permissions23
    err_lines = [normalize_stderr_line(l) for l in (err or "").splitlines() if l.strip()]
    res["stderr"] = err_lines[:20]
    res["ok"] = rc == 0 and saw_package
    if not res["ok"]:
        # The brief asks for "the first line of stderr"; the first line is often a
        # libziparchive warning, so prefer the first line that states an error.
        chosen = next((l for l in err_lines if "ERROR" in l or "error:" in l), None)
        if chosen is None:
            chosen = err_lines[0] if err_lines else (
                "no package line in output" if rc == 0 else "exit code %s, no stderr" % rc)
        res["error"] = chosen
    return res


# --------------------------------------------------------------------------- apksigner

_SCHEME = re.compile(r"^Verified using (?P<scheme>v1|v2|v3|v3\.1|v4) scheme \(.*\): (?P<v>true|false)$")
_SOURCE_STAMP = re.compile(r"^Verified for SourceStamp: (?P<v>true|false)$")
# "Signer #1 certificate DN: ..."; newer apksigner may use "Signer (minSdkVersion=.., ...)".
_SIGNER = re.compile(r"^Signer (?P<id>#\d+|\([^)]*\)) (?P<what>certificate DN|certificate SHA-256 digest"
                     r"|certificate SHA-1 digest|certificate MD5 digest|key algorithm|key size \(bits\)"
                     r"|public key SHA-256 digest|public key SHA-1 digest|public key MD5 digest): (?P<v>.*)$")
_SIGNER_FIELD = {
    "certificate DN": "dn",
    "certificate SHA-256 digest": "sha256",
    "certificate SHA-1 digest": "sha1",
    "certificate MD5 digest": "md5",
    "key algorithm": "keyAlgorithm",
    "key size (bits)": "keySize",
    "public key SHA-256 digest": "publicKeySha256",
    "public key SHA-1 digest": "publicKeySha1",
    "public key MD5 digest": "publicKeyMd5",
}
_SCHEME_KEY = {"v1": "v1", "v2": "v2", "v3": "v3", "v3.1": "v31", "v4": "v4"}


# Reason classes of a failed `apksigner verify`, as presetscan names them (APKVerification.Reason),
# plus "not-an-apk" (apksig threw ApkFormatException) and "tool-unsupported" (the JDK running
# apksigner lacks an algorithm, e.g. RSA-PSS: the APK itself may be fine).
_REASONS = [
    ("tool-unsupported", ("NoSuchAlgorithmException",)),
    ("not-an-apk", ("ApkFormatException",)),
    ("stripped", ("Signature stripped?",)),
    ("missing-signature", ("Missing META-INF/MANIFEST.MF", "No JAR signatures",
                           "signature required for target sandbox version")),
    ("unsupported-algorithm", ("which is not supported on API Level", "No supported signatures")),
    ("content-mismatch", ("digest mismatch", "does not match the digest specified", "not found in the APK",
                          "not protected by signature", "not signed by")),
    ("signature-invalid", ("did not verify", "Failed to verify JAR signature")),
]


def reason_class(res):
    """The class of the first error of a run that does not verify, None when it verifies."""
    if res["verifies"]:
        return None
    text = res["error"] or ""
    for name, needles in _REASONS:
        if any(n in text for n in needles):
            return name
    return "malformed"


def parse_apksigner(out, err, rc, flags):
    res = {
        "ok": False,
        "exitCode": rc,
        "flags": flags,
        "verifies": False,
        "certs": [],
        "schemes": {"v1": None, "v2": None, "v3": None, "v31": None, "v4": None, "sourceStamp": None},
        "error": None,
        "errors": [],
        "warnings": [],
    }
    signers = {}
    order = []
    for line in (out or "").splitlines():
        line = line.rstrip("\r")
        if line == "Verifies":
            res["verifies"] = True
            continue
        m = _SCHEME.match(line)
        if m:
            res["schemes"][_SCHEME_KEY[m.group("scheme")]] = m.group("v") == "true"
            continue
        m = _SOURCE_STAMP.match(line)
        if m:
            res["schemes"]["sourceStamp"] = m.group("v") == "true"
            continue
        m = _SIGNER.match(line)
        if m:
            sid = m.group("id")
            if sid not in signers:
                signers[sid] = {"sha256": None, "sha1": None, "md5": None, "dn": None}
                order.append(sid)
            field = _SIGNER_FIELD[m.group("what")]
            value = m.group("v")
            signers[sid][field] = int(value) if field == "keySize" and value.isdigit() else value
            continue
        if line.startswith("WARNING: "):
            res["warnings"].append(line[len("WARNING: "):])
    exception = None
    for line in (err or "").splitlines():
        line = line.rstrip("\r")
        if line.startswith("ERROR: "):
            res["errors"].append(line[len("ERROR: "):])
        elif line.startswith("WARNING: "):
            res["warnings"].append(line[len("WARNING: "):])
        elif exception is None and line.startswith("Exception in thread "):
            exception = re.sub(r'^Exception in thread "[^"]*" ', "", line)
        elif line == "DOES NOT VERIFY":
            res["verifies"] = False
    if rc != 0:
        res["verifies"] = False
    res["certs"] = [signers[s] for s in order if signers[s]["sha256"]]
    res["ok"] = len(res["certs"]) > 0
    if exception is not None:
        res["error"] = exception
    elif res["errors"]:
        res["error"] = res["errors"][0]
    elif rc != 0:
        res["error"] = "exit code %s" % rc
    res["reasonClass"] = reason_class(res)
    return res


# --------------------------------------------------------------------------- commands

def assemble(root, list_file, raw):
    with open(list_file, "rb") as f:
        paths = [p.decode("utf-8") for p in f.read().split(b"\0") if p]
    out = sys.stdout
    for idx, rel in enumerate(paths, start=1):
        base = os.path.join(raw, str(idx))
        aapt = parse_aapt(read_text(base + ".aapt.out"), read_text(base + ".aapt.err"),
                          read_rc(base + ".aapt.rc"))
        sig = parse_apksigner(read_text(base + ".sig.out"), read_text(base + ".sig.err"),
                              read_rc(base + ".sig.rc"), [])
        retry = None
        if os.path.exists(base + ".sig28.rc"):
            retry = parse_apksigner(read_text(base + ".sig28.out"), read_text(base + ".sig28.err"),
                                    read_rc(base + ".sig28.rc"), ["--min-sdk-version", "28"])
        record = {
            "path": rel,
            "sha256": sha256_file(os.path.join(root, rel)),
            "aapt": aapt,
            "apksigner": sig,
            "apksignerRetry": retry,
        }
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")


def reclassify(jsonl):
    """Adds reasonClass to an androguard.jsonl written before it existed (same result as a rerun)."""
    out = sys.stdout
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            for key in ("apksigner", "apksignerRetry"):
                if record.get(key) is not None:
                    record[key]["reasonClass"] = reason_class(record[key])
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")


def summary(jsonl):
    n = aapt_ok = sig_ok = sig_verifies = retry_run = retry_ok = any_certs = 0
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            n += 1
            aapt_ok += r["aapt"]["ok"]
            sig_ok += r["apksigner"]["ok"]
            sig_verifies += r["apksigner"]["verifies"]
            if r["apksignerRetry"] is not None:
                retry_run += 1
                retry_ok += r["apksignerRetry"]["ok"]
            any_certs += r["apksigner"]["ok"] or bool(r["apksignerRetry"] and r["apksignerRetry"]["ok"])
    print("APKs:                         %d" % n)
    print("aapt ok:                      %d" % aapt_ok)
    print("apksigner ok (printed certs): %d  (verifies: %d)" % (sig_ok, sig_verifies))
    print("apksigner retried with --min-sdk-version 28: %d, of which ok: %d" % (retry_run, retry_ok))
    print("certificates from either run: %d" % any_certs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("assemble")
    a.add_argument("--root", required=True, help="folder the listed paths are relative to")
    a.add_argument("--list", required=True, help="NUL-separated list of relative APK paths")
    a.add_argument("--raw", required=True, help="folder with N.aapt.* and N.sig*.* files")
    s = sub.add_parser("summary")
    s.add_argument("jsonl")
    r = sub.add_parser("reclassify")
    r.add_argument("jsonl")
    args = ap.parse_args()
    if args.cmd == "assemble":
        assemble(args.root, args.list, args.raw)
    elif args.cmd == "reclassify":
        reclassify(args.jsonl)
    else:
        summary(args.jsonl)


if __name__ == "__main__":
    main()
