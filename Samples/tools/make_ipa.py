#!/usr/bin/env python3
"""make_ipa.py — write the sample iOS app archives of Samples/ipa/ and their ground truth.

iOS apps cannot be built with Debian's tools, so the parts are made by hand from the public
formats, structurally as Xcode and codesign make them:
  * Mach-O (<mach-o/loader.h>, <mach-o/fat.h>): thin 32/64-bit files in either byte order with
    LC_SEGMENT(_64) __TEXT (__text, __cstring, __ustring), __LINKEDIT and LC_CODE_SIGNATURE;
    universal files with FAT_MAGIC (0xcafebabe) and FAT_MAGIC_64 (0xcafebabf), slices 16 KiB aligned;
  * the code signature (xnu cs_blobs.h): a SuperBlob (0xfade0cc0) indexing a CodeDirectory
    (0xfade0c02, version 0x20400, SHA-256 page hashes of the slice up to the signature, special
    slots for Info.plist and the requirements), an empty Requirements blob (0xfade0c01) and the
    CMS blob wrapper (0xfade0b01) holding `openssl cms -sign -binary -noattr -outform DER`
    (detached) over the CodeDirectory bytes, signed with a SAMPLE ONLY key;
  * embedded.mobileprovision: `openssl cms -sign -nodetach -noattr -outform DER` over an XML plist;
  * Info.plist and InfoPlist.strings through Python's plistlib (XML and binary), and the old-style
    text form ("key" = "value";) in UTF-16LE with a BOM and in UTF-8.

Then it reads every archive back with independent code and real tools and writes
Samples/ipa/expected.json: plist values from plistlib; for each executable slice the CMS blob cut
out by offset, its certificates from `openssl pkcs7 -inform DER -print_certs` and
`openssl x509 -fingerprint -sha256`, its signer from `openssl cms -verify -noverify -signer`
(which also checks the signature over the CodeDirectory cut out by offset); the provisioning
profile's content from `openssl cms -verify -noverify` and plistlib.

Usage: python3 Samples/tools/make_ipa.py   (writes Samples/ipa/; deterministic: rerun gives the same bytes)
"""
import atexit
import datetime
import hashlib
import json
import os
import plistlib
import struct
import shutil
import subprocess
import tempfile
import zipfile

SAMPLES = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(SAMPLES, "ipa")
KEYS = os.path.join(SAMPLES, "keys")
TMP = tempfile.mkdtemp(prefix="make_ipa.")
atexit.register(shutil.rmtree, TMP, ignore_errors=True)
ZIP_TIME = (2024, 1, 1, 0, 0, 0)
TEAM = "A1B2C3D4E5"


def run(*args, input=None):
    return subprocess.run(args, input=input, check=True, capture_output=True).stdout


def key_files(name):
    """PEM key and certificate of a SAMPLE ONLY key pair (the .pk8 is PKCS#8 DER)."""
    key = os.path.join(TMP, name + ".key.pem")
    if not os.path.exists(key):
        run("openssl", "pkcs8", "-inform", "DER", "-nocrypt", "-in", os.path.join(KEYS, name + ".pk8"), "-out", key)
    return key, os.path.join(KEYS, name + ".x509.pem")


def cert_der(name):
    return run("openssl", "x509", "-in", key_files(name)[1], "-outform", "DER")


def cms_sign(data, signer, extra=None, detached=True):
    key, cert = key_files(signer)
    path = os.path.join(TMP, "content.bin")
    with open(path, "wb") as f:
        f.write(data)
    args = ["openssl", "cms", "-sign", "-binary", "-noattr", "-outform", "DER", "-md", "sha256",
            "-in", path, "-signer", cert, "-inkey", key]
    if not detached:
        args.append("-nodetach")
    if extra:
        args += ["-certfile", key_files(extra)[1]]
    return run(*args)


# ---------------------------------------------------------------- Mach-O

CPU = {  # name: (cputype, cpusubtype, 64-bit, big-endian)
    "arm64": (0x0100000C, 0, True, False),
    "armv7": (12, 9, False, False),
    "arm64_32": (0x0200000C, 1, False, False),
    "x86_64": (0x01000007, 3, True, False),
    "ppc": (18, 0, False, True),
}
LC_SEGMENT, LC_SEGMENT_64, LC_CODE_SIGNATURE = 0x1, 0x19, 0x1D
LC_ENCRYPTION_INFO, LC_ENCRYPTION_INFO_64 = 0x21, 0x2C
SIGNATURE_SPACE = 8192  # reserved like codesign does: the size is in the hashed load commands
PAGE = 4096


def align(n, a):
    return (n + a - 1) // a * a


def code_directory(identifier, code, info_plist, requirements):
    """CodeDirectory version 0x20400 (cs_blobs.h CS_CodeDirectory), SHA-256, 4 KiB pages."""
    ident = identifier.encode() + b"\0"
    team = TEAM.encode() + b"\0"
    special = [hashlib.sha256(requirements).digest(), hashlib.sha256(info_plist).digest()]  # slots -2, -1
    pages = [hashlib.sha256(code[i:i + PAGE]).digest() for i in range(0, len(code), PAGE)]
    header_size = 88
    ident_offset = header_size
    team_offset = ident_offset + len(ident)
    hash_offset = team_offset + len(team) + 32 * len(special)
    length = hash_offset + 32 * len(pages)
    header = struct.pack(">IIIIIIIII", 0xFADE0C02, length, 0x20400, 0, hash_offset, ident_offset,
                         len(special), len(pages), len(code))
    header += struct.pack(">BBBBI", 32, 2, 0, 12, 0)  # hashSize, hashType SHA-256, platform, log2 page size, spare2
    header += struct.pack(">III", 0, team_offset, 0)  # scatterOffset, teamOffset, spare3
    header += struct.pack(">QQQQ", 0, 0, 0x4000, 1)  # codeLimit64, execSegBase, execSegLimit, execSegFlags (main binary)
    assert len(header) == header_size
    return header + ident + team + b"".join(reversed(special)) + b"".join(pages)


def super_blob(code, identifier, info_plist, signer, extra):
    requirements = struct.pack(">III", 0xFADE0C01, 12, 0)
    cd = code_directory(identifier, code, info_plist, requirements)
    cms = cms_sign(cd, signer, extra) if signer else b""
    wrapper = struct.pack(">II", 0xFADE0B01, 8 + len(cms)) + cms
    blobs = [(0, cd), (2, requirements), (0x10000, wrapper)]
    offset = 12 + 8 * len(blobs)
    index, body = b"", b""
    for slot, blob in blobs:
        index += struct.pack(">II", slot, offset + len(body))
        body += blob
    blob = struct.pack(">III", 0xFADE0CC0, 12 + len(index) + len(body), len(blobs)) + index + body
    assert len(blob) <= SIGNATURE_SPACE, len(blob)
    return blob + b"\0" * (SIGNATURE_SPACE - len(blob))


def thin(arch, identifier, cstrings=(), ustrings=(), signer="sample-a", extra=None, info_plist=b"",
         filetype=2, signature_offset=None, encrypted=False):
    """A thin Mach-O: header, __TEXT (3 sections), __LINKEDIT, LC_CODE_SIGNATURE, signature at the end.

    encrypted: an LC_ENCRYPTION_INFO(_64) with cryptid 1 over the __TEXT sections, whose bytes are
    scrambled, as in an App Store download (FairPlay)."""
    cputype, subtype, is64, big = CPU[arch]
    e = ">" if big else "<"
    word = "Q" if is64 else "I"
    text = (b"\x1f\x20\x03\xd5" * 8)  # nop
    cstring = b"".join(s.encode() + b"\0" for s in cstrings) or b"\0"
    ustring = b"".join(s.encode("utf-16-le") + b"\0\0" for s in ustrings) or b"\0\0"
    header_size = 32 if is64 else 28
    seg_size, sect_size = (72, 80) if is64 else (56, 68)
    crypt_size = (24 if is64 else 20) if encrypted else 0
    cmds_size = (seg_size + 3 * sect_size) + seg_size + 16 + crypt_size
    data_start = align(header_size + cmds_size, 16)
    text_off = data_start
    cstring_off = text_off + len(text)
    ustring_off = align(cstring_off + len(cstring), 2)
    text_end = ustring_off + len(ustring)
    sig_off = align(text_end, 16)
    sig_off_written = signature_offset if signature_offset is not None else sig_off
    total = sig_off + SIGNATURE_SPACE

    def section(name, off, size, flags):
        s = name.encode().ljust(16, b"\0") + b"__TEXT".ljust(16, b"\0")
        if is64:
            s += struct.pack(e + "QQIIIIIIII", 0x100000000 + off, size, off, 2, 0, 0, flags, 0, 0, 0)
        else:
            s += struct.pack(e + "IIIIIIIII", 0x4000 + off, size, off, 2, 0, 0, flags, 0, 0)
        return s

    def segment(name, fileoff, filesize, sections):
        cmd = LC_SEGMENT_64 if is64 else LC_SEGMENT
        body = name.encode().ljust(16, b"\0")
        body += struct.pack(e + word * 4 + "iiII", fileoff, filesize, fileoff, filesize, 5, 5, len(sections), 0)
        return struct.pack(e + "II", cmd, 8 + len(body) + sum(map(len, sections))) + body + b"".join(sections)

    cmds = segment("__TEXT", 0, text_end, [
        section("__text", text_off, len(text), 0x80000400),
        section("__cstring", cstring_off, len(cstring), 0x2),  # S_CSTRING_LITERALS
        section("__ustring", ustring_off, len(ustring), 0x0),
    ])
    cmds += segment("__LINKEDIT", sig_off, SIGNATURE_SPACE, [])
    cmds += struct.pack(e + "IIII", LC_CODE_SIGNATURE, 16, sig_off_written, SIGNATURE_SPACE)
    if encrypted:
        cmds += struct.pack(e + "IIIII", LC_ENCRYPTION_INFO_64 if is64 else LC_ENCRYPTION_INFO, crypt_size, text_off,
                            text_end - text_off, 1) + (b"\0" * 4 if is64 else b"")
    assert len(cmds) == cmds_size
    header = struct.pack(e + "IiiIIII", 0xFEEDFACF if is64 else 0xFEEDFACE, cputype, subtype, filetype,
                         4 if encrypted else 3, cmds_size, 0x00200085)
    if is64:
        header += struct.pack(e + "I", 0)
    image = bytearray(total)
    image[0:len(header)] = header
    image[header_size:header_size + cmds_size] = cmds
    image[text_off:text_off + len(text)] = text
    image[cstring_off:cstring_off + len(cstring)] = cstring
    image[ustring_off:ustring_off + len(ustring)] = ustring
    if encrypted:
        image[text_off:text_end] = bytes(b ^ 0x5A for b in image[text_off:text_end])
    image[sig_off:] = super_blob(bytes(image[:sig_off]), identifier, info_plist, signer, extra)
    return bytes(image)


def fat(slices, magic64=False):
    """A universal file: big-endian fat_header and fat_arch(_64), slices 2^14 aligned."""
    table_end = 8 + (32 if magic64 else 20) * len(slices)
    table, body = b"", b""
    for arch, image in slices:
        cputype, subtype, _, _ = CPU[arch]
        start = align(table_end + len(body), 1 << 14)
        body += b"\0" * (start - table_end - len(body))
        if magic64:
            table += struct.pack(">iiQQII", cputype, subtype, start, len(image), 14, 0)
        else:
            table += struct.pack(">iiIII", cputype, subtype, start, len(image), 14)
        body += image
    return struct.pack(">II", 0xCAFEBABF if magic64 else 0xCAFEBABE, len(slices)) + table + body


# ---------------------------------------------------------------- archives

def write_ipa(name, files):
    """files: [(path, bytes)]; deflated, fixed times, in the order given (like Xcode's export)."""
    path = os.path.join(OUT, name)
    with zipfile.ZipFile(path, "w") as z:
        for entry, data in files:
            info = zipfile.ZipInfo(entry, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    return path


def utf16_strings(pairs):
    text = "/* Localized versions of Info.plist keys (UTF-16, as Xcode writes them) */\n\n"
    for k, v in pairs:
        text += '"%s" = "%s";\n' % (k, v.replace("\\", "\\\\").replace('"', '\\"'))
    return b"\xff\xfe" + text.encode("utf-16-le")


def profile(app_id, development, certs, devices=None):
    plist = {
        "AppIDName": "presetscan sample",
        "ApplicationIdentifierPrefix": [TEAM],
        "CreationDate": datetime.datetime(2026, 3, 31, 12, 0, 0),
        "DeveloperCertificates": certs,
        "Entitlements": {"application-identifier": app_id, "com.apple.developer.team-identifier": TEAM,
                         "get-task-allow": development, "keychain-access-groups": [TEAM + ".*"]},
        "ExpirationDate": datetime.datetime(2027, 3, 31, 12, 0, 0),
        "Name": "presetscan SAMPLE ONLY profile",
        "TeamIdentifier": [TEAM],
        "TeamName": "presetscan SAMPLE ONLY",
        "TimeToLive": 365,
        "UUID": "00000000-0000-4000-8000-000000000001",
        "Version": 1,
    }
    if devices:
        plist["ProvisionedDevices"] = devices
    return cms_sign(plistlib.dumps(plist, sort_keys=True), "sample-b", detached=False)


def info(identifier, executable, **extra):
    plist = {"CFBundleIdentifier": identifier, "CFBundleExecutable": executable, "CFBundlePackageType": "APPL",
             "CFBundleInfoDictionaryVersion": "6.0"}
    plist.update(extra)
    return plist


def ascii_string(text):
    """bplist00 ASCII string object: 0x5n, or 0x5f and an int length when n > 14."""
    raw = text.encode()
    return (bytes([0x50 | len(raw)]) if len(raw) < 15 else bytes([0x5F, 0x10, len(raw)])) + raw


def cycle_bplist():
    """A binary plist whose root dictionary holds an array that holds the root again."""
    objects = [
        b"\xd2\x01\x02\x03\x04",  # 0: dict, 2 entries: keys 1, 2; values 3, 4
        ascii_string("CFBundleIdentifier"),  # 1
        ascii_string("Loop"),  # 2
        ascii_string("cn.example.ios.cycle"),  # 3
        b"\xa1\x00",  # 4: array [object 0]
    ]
    body, offsets = b"bplist00", []
    for o in objects:
        offsets.append(len(body))
        body += o
    table_offset = len(body)
    body += bytes(offsets)
    return body + struct.pack(">6xBBQQQ", 1, 1, len(objects), 0, table_offset)


# What each archive was made to show, beyond what the tools read back: labels from the text
# strings files (which plistlib cannot read), the filing numbers planted and the source presetscan
# names for each, the components, and the diagnostics each broken archive must give.
PLANTED = {
    "hello.ipa": {
        "labels": {"zh-CN": "你好 iOS", "zh-TW": "妳好 iOS", "en": "Hello iOS (en)"},
        "permissions": ["NSCameraUsageDescription", "NSLocationWhenInUseUsageDescription"],
        "filingNumbers": {
            "京ICP备2024000001号-1A": ["Payload/Hello.app/Info.plist:ICPFilingNumber"],
            "沪ICP备2024000002号-1A": ["Payload/Hello.app/zh-Hans.lproj/InfoPlist.strings:ICPNumber"],
            "粤ICP备2024000003号-1A": ["Payload/Hello.app/Config.plist:about/footer/1"],
            "浙ICP备2024000004号-1A": ["Payload/Hello.app/www/about.html"],
            "苏ICP备2024000005号-1A": ["Payload/Hello.app/www/config.json"],
            "京ICP备2024000006号-2A": ["Payload/Hello.app/Hello:__TEXT,__cstring"],
            "闽ICP备2024000007号-3A": ["Payload/Hello.app/Hello:__TEXT,__ustring"],
            "鄂ICP备2024000008号-1A": ["Payload/Hello.app/PlugIns/Share.appex/Share:__TEXT,__cstring"],
        },
        "lookAlikes": {"Payload/Hello.app/notice.txt": "policeFiling"},
        "components": [
            {"path": "Payload/Hello.app/Frameworks/Kit.framework", "role": "framework", "package": "cn.example.ios.kit",
             "name": "Kit"},
            {"path": "Payload/Hello.app/Frameworks/libswiftCore.dylib", "role": "framework", "package": None,
             "name": "libswiftCore.dylib"},
            {"path": "Payload/Hello.app/PlugIns/Share.appex", "role": "plugin", "package": "cn.example.ios.hello.share",
             "name": "Share to Hello"},
        ],
        "profileType": "development",
        # the Share plug-in is signed by sample-b, the app by sample-a
        "warnings": ["ipa.component-signer-differs"],
        "errors": [],
    },
    "universal.ipa": {
        "labels": {},
        "permissions": ["NSMicrophoneUsageDescription"],
        "filingNumbers": {
            "晋ICP备2024000009号-1A": ["Payload/Universal.app/Universal:__TEXT,__cstring"],
        },
        "lookAlikes": {},
        "components": [
            {"path": "Payload/Universal.app/Frameworks/Legacy.framework", "role": "framework",
             "package": "cn.example.ios.legacy", "name": "Legacy"},
            {"path": "Payload/Universal.app/PlugIns/Widget.appex", "role": "plugin",
             "package": "cn.example.ios.universal.widget", "name": "Widget"},
            {"path": "Payload/Universal.app/Watch/WatchApp.app", "role": "watch",
             "package": "cn.example.ios.universal.watchkitapp", "name": "Watch"},
        ],
        "profileType": "distribution",
        # armv7 and arm64 slices signed by different keys; each component is signed by one of them.
        "warnings": ["ipa.codesign-slices-differ"],
        "errors": [],
    },
    "encrypted.ipa": {
        "labels": {},
        "permissions": [],
        # the executable's number is encrypted; the one in iTunesMetadata.plist is found
        "filingNumbers": {"京ICP备2024000010号-1A": ["iTunesMetadata.plist:copyright"]},
        "absentFilingNumbers": ["京ICP备2024000011号-1A"],
        "lookAlikes": {},
        "components": [],
        "warnings": ["ipa.executable-encrypted"],
        "errors": [],
    },
    "cycle.ipa": {"warnings": [], "errors": ["ipa.info-plist-unreadable"]},
    "no-bundle-id.ipa": {"warnings": [], "errors": ["ipa.no-bundle-id"]},
    "truncated-macho.ipa": {"warnings": ["ipa.macho-unreadable"], "errors": []},
    "sig-past-end.ipa": {"warnings": ["ipa.codesign-unreadable", "ipa.profile-mismatch"], "errors": []},
}


def build():
    os.makedirs(OUT, exist_ok=True)
    cert_a, cert_b = cert_der("sample-a"), cert_der("sample-b")

    # hello.ipa: XML Info.plist, thin arm64, development profile, plug-in, framework, dylib.
    app = "Payload/Hello.app/"
    hello_info = plistlib.dumps(info(
        "cn.example.ios.hello", "Hello", CFBundleDisplayName="Hello iOS", CFBundleName="Hello",
        CFBundleShortVersionString="1.2.3", CFBundleVersion="45", MinimumOSVersion="13.0",
        DTPlatformName="iphoneos", DTSDKName="iphoneos17.0",
        NSCameraUsageDescription="Scan QR codes", NSLocationWhenInUseUsageDescription="Find stores nearby",
        ICPFilingNumber="京ICP备2024000001号-1A",
        CFBundleURLTypes=[{"CFBundleURLName": "hello", "CFBundleURLSchemes": ["hello"]}]), sort_keys=True)
    share_info = plistlib.dumps(info("cn.example.ios.hello.share", "Share", CFBundleDisplayName="Share to Hello",
                                     CFBundlePackageType="XPC!"), fmt=plistlib.FMT_BINARY, sort_keys=True)
    kit_info = plistlib.dumps(info("cn.example.ios.kit", "Kit", CFBundleName="Kit", CFBundlePackageType="FMWK"),
                              sort_keys=True)
    config = plistlib.dumps({"about": {"footer": ["版权所有", "粤ICP备2024000003号-1A"]}}, fmt=plistlib.FMT_BINARY,
                            sort_keys=True)
    hello = [
        (app + "Info.plist", hello_info),
        (app + "Hello", thin("arm64", "cn.example.ios.hello", cstrings=["hello", "备案号：京ICP备2024000006号-2A"],
                              ustrings=["闽ICP备2024000007号-3A"], extra="sample-b", info_plist=hello_info)),
        (app + "embedded.mobileprovision", profile(TEAM + ".cn.example.ios.hello", True, [cert_a],
                                                   devices=["00008030-000000000000001E"])),
        (app + "zh-Hans.lproj/InfoPlist.strings", utf16_strings([
            ("CFBundleDisplayName", "你好 iOS"), ("CFBundleName", "你好"),
            ("NSCameraUsageDescription", "扫描\"二维码\""), ("ICPNumber", "沪ICP备2024000002号-1A")])),
        (app + "zh-Hant.lproj/InfoPlist.strings",
         '// UTF-8 without a BOM\n"CFBundleDisplayName" = "妳好 iOS";\nCFBundleName = "妳好";\n'.encode()),
        (app + "en.lproj/InfoPlist.strings", plistlib.dumps({"CFBundleDisplayName": "Hello iOS (en)"},
                                                            fmt=plistlib.FMT_BINARY)),
        (app + "Base.lproj/InfoPlist.strings", plistlib.dumps({"CFBundleDisplayName": "Base name"})),
        (app + "Config.plist", config),
        (app + "www/about.html", "<p>浙ICP备2024000004号-1A</p>".encode()),
        (app + "www/config.json", json.dumps({"icp": "苏ICP备2024000005号-1A"}, ensure_ascii=False).encode()),
        (app + "notice.txt", "京公网安备11010502030143号".encode()),
        (app + "PlugIns/Share.appex/Info.plist", share_info),
        (app + "PlugIns/Share.appex/Share", thin("arm64", "cn.example.ios.hello.share",
                                                 cstrings=["鄂ICP备2024000008号-1A"], signer="sample-b",
                                                 info_plist=share_info)),
        (app + "Frameworks/Kit.framework/Info.plist", kit_info),
        (app + "Frameworks/Kit.framework/Kit", thin("arm64", "cn.example.ios.kit", info_plist=kit_info, filetype=6)),
        (app + "Frameworks/libswiftCore.dylib", thin("arm64", "libswiftCore", filetype=6)),
    ]
    write_ipa("hello.ipa", hello)

    # universal.ipa: binary Info.plist; fat armv7 (sample-a) + arm64 (sample-b); fat64 plug-in;
    # big-endian ppc framework; a watch app; distribution profile with a wildcard app id.
    app = "Payload/Universal.app/"
    uni_info = plistlib.dumps(info("cn.example.ios.universal", "Universal", CFBundleName="Universal",
                                   CFBundleShortVersionString="2.0", CFBundleVersion="2000", MinimumOSVersion="9.0",
                                   NSMicrophoneUsageDescription="Voice notes"),
                              fmt=plistlib.FMT_BINARY, sort_keys=True)
    widget_info = plistlib.dumps(info("cn.example.ios.universal.widget", "Widget", CFBundleDisplayName="Widget"),
                                 fmt=plistlib.FMT_BINARY)
    legacy_info = plistlib.dumps(info("cn.example.ios.legacy", "Legacy"))
    watch_info = plistlib.dumps(info("cn.example.ios.universal.watchkitapp", "WatchApp", CFBundleDisplayName="Watch"))
    universal = [
        (app + "Info.plist", uni_info),
        (app + "Universal", fat([
            ("armv7", thin("armv7", "cn.example.ios.universal", cstrings=["晋ICP备2024000009号-1A"], info_plist=uni_info)),
            ("arm64", thin("arm64", "cn.example.ios.universal", cstrings=["晋ICP备2024000009号-1A"], signer="sample-b",
                           info_plist=uni_info)),
        ])),
        (app + "embedded.mobileprovision", profile(TEAM + ".cn.example.ios.*", False, [cert_a, cert_b])),
        (app + "PlugIns/Widget.appex/Info.plist", widget_info),
        (app + "PlugIns/Widget.appex/Widget", fat([
            ("arm64", thin("arm64", "cn.example.ios.universal.widget", signer="sample-b", info_plist=widget_info)),
            ("x86_64", thin("x86_64", "cn.example.ios.universal.widget", signer="sample-b", info_plist=widget_info)),
        ], magic64=True)),
        (app + "Frameworks/Legacy.framework/Info.plist", legacy_info),
        (app + "Frameworks/Legacy.framework/Legacy", thin("ppc", "cn.example.ios.legacy", info_plist=legacy_info,
                                                          filetype=6)),
        (app + "Watch/WatchApp.app/Info.plist", watch_info),
        (app + "Watch/WatchApp.app/WatchApp", thin("arm64_32", "cn.example.ios.universal.watchkitapp",
                                                   info_plist=watch_info)),
    ]
    write_ipa("universal.ipa", universal)

    # encrypted.ipa: an App Store download: FairPlay-encrypted executable (its strings are not
    # readable), iTunesMetadata.plist beside Payload/.
    store_info = plistlib.dumps(info("cn.example.ios.store", "Store", CFBundleDisplayName="Store",
                                     CFBundleShortVersionString="3.1", CFBundleVersion="310"), fmt=plistlib.FMT_BINARY)
    write_ipa("encrypted.ipa", [
        ("iTunesMetadata.plist", plistlib.dumps({"itemName": "Store", "softwareVersionBundleId": "cn.example.ios.store",
                                                 "copyright": "京ICP备2024000010号-1A"})),
        ("Payload/Store.app/Info.plist", store_info),
        ("Payload/Store.app/Store", thin("arm64", "cn.example.ios.store", cstrings=["京ICP备2024000011号-1A"],
                                         info_plist=store_info, encrypted=True)),
        ("Payload/Store.app/SC_Info/Store.sinf", b"\0" * 64),
    ])

    # Broken ones.
    write_ipa("cycle.ipa", [("Payload/Cycle.app/Info.plist", cycle_bplist()),
                            ("Payload/Cycle.app/Cycle", thin("arm64", "cn.example.ios.cycle"))])
    nobid_info = plistlib.dumps({"CFBundleExecutable": "NoID", "CFBundleName": "No ID", "CFBundleVersion": "1"})
    write_ipa("no-bundle-id.ipa", [("Payload/NoID.app/Info.plist", nobid_info),
                                   ("Payload/NoID.app/NoID", thin("arm64", "NoID", info_plist=nobid_info))])
    trunc_info = plistlib.dumps(info("cn.example.ios.truncated", "Truncated", CFBundleShortVersionString="1.0"))
    write_ipa("truncated-macho.ipa", [("Payload/Truncated.app/Info.plist", trunc_info),
                                      ("Payload/Truncated.app/Truncated",
                                       thin("arm64", "cn.example.ios.truncated", info_plist=trunc_info)[:100])])
    past_info = plistlib.dumps(info("cn.example.ios.pastend", "PastEnd", CFBundleShortVersionString="1.0"))
    past = thin("arm64", "cn.example.ios.pastend", info_plist=past_info, signature_offset=1 << 20)
    write_ipa("sig-past-end.ipa", [("Payload/PastEnd.app/Info.plist", past_info),
                                   ("Payload/PastEnd.app/PastEnd", past),
                                   ("Payload/PastEnd.app/embedded.mobileprovision",
                                    profile(TEAM + ".cn.example.other", False, [cert_a]))])


# ---------------------------------------------------------------- ground truth

def read_slices(data):
    """(architecture cputype, slice bytes) of a thin or universal Mach-O, parsed independently."""
    magic = struct.unpack(">I", data[:4])[0]
    if magic in (0xCAFEBABE, 0xCAFEBABF):
        n = struct.unpack(">I", data[4:8])[0]
        out = []
        for i in range(n):
            if magic == 0xCAFEBABE:
                cpu, _, off, size, _ = struct.unpack(">iiIII", data[8 + 20 * i:28 + 20 * i])
            else:
                cpu, _, off, size, _, _ = struct.unpack(">iiQQII", data[8 + 32 * i:40 + 32 * i])
            out.append((cpu, data[off:off + size]))
        return out
    e = "<" if struct.unpack("<I", data[:4])[0] in (0xFEEDFACE, 0xFEEDFACF) else ">"
    return [(struct.unpack(e + "i", data[4:8])[0], data)]


def signature_blobs(image):
    """(CodeDirectory, CMS blob) cut out of one slice by the offsets its load commands give."""
    e = "<" if struct.unpack("<I", image[:4])[0] in (0xFEEDFACE, 0xFEEDFACF) else ">"
    is64 = struct.unpack(e + "I", image[:4])[0] == 0xFEEDFACF
    ncmds, _ = struct.unpack(e + "II", image[16:24])
    at = 32 if is64 else 28
    for _ in range(ncmds):
        cmd, size = struct.unpack(e + "II", image[at:at + 8])
        if cmd == LC_CODE_SIGNATURE:
            dataoff, datasize = struct.unpack(e + "II", image[at + 8:at + 16])
            sb = image[dataoff:dataoff + datasize]
            if len(sb) < 12:
                return None, None, dataoff
            _, _, count = struct.unpack(">III", sb[:12])
            cd = cms = None
            cms_at = None
            for i in range(count):
                slot, off = struct.unpack(">II", sb[12 + 8 * i:20 + 8 * i])
                _, length = struct.unpack(">II", sb[off:off + 8])
                if slot == 0:
                    cd = sb[off:off + length]
                if slot == 0x10000:
                    cms, cms_at = sb[off + 8:off + length], dataoff + off + 8
            return cd, cms, cms_at
        at += size
    return None, None, None


def contains_itself(value, path=()):
    """Whether plistlib built a structure that contains itself (it follows bplist references as given)."""
    if isinstance(value, (dict, list)):
        if any(value is p for p in path):
            return True
        children = value.values() if isinstance(value, dict) else value
        return any(contains_itself(c, path + (value,)) for c in children)
    return False


def fingerprints(pem_text):
    certs = []
    for block in pem_text.split("-----END CERTIFICATE-----")[:-1]:
        pem = (block[block.index("-----BEGIN CERTIFICATE-----"):] + "-----END CERTIFICATE-----\n").encode()
        out = run("openssl", "x509", "-noout", "-fingerprint", "-sha256", input=pem).decode()
        certs.append(out.strip().split("=", 1)[1].replace(":", "").lower())
    return certs


def cms_truth(cd, cms):
    cms_path, cd_path, signer_path = (os.path.join(TMP, n) for n in ("cms.der", "cd.bin", "signer.pem"))
    with open(cms_path, "wb") as f:
        f.write(cms)
    with open(cd_path, "wb") as f:
        f.write(cd)
    certificates = fingerprints(run("openssl", "pkcs7", "-inform", "DER", "-in", cms_path, "-print_certs").decode())
    verified = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", cms_path, "-content",
                               cd_path, "-noverify", "-signer", signer_path, "-out", os.devnull],
                              capture_output=True).returncode == 0
    signers = fingerprints(open(signer_path).read()) if verified else []
    return {"certificates": certificates, "signers": signers, "signatureVerifies": verified}


def der_sha256(der):
    out = run("openssl", "x509", "-inform", "DER", "-noout", "-fingerprint", "-sha256", input=der).decode()
    return out.strip().split("=", 1)[1].replace(":", "").lower()


def truth(path):
    result = {"executables": {}, "plists": {}, "profile": None}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith("Info.plist") or (name.endswith(".strings") and data[:8] == b"bplist00") \
                    or (name.endswith(".strings") and data.lstrip()[:1] == b"<"):
                try:
                    value = plistlib.loads(data)
                    result["plists"][name] = {k: v for k, v in value.items() if isinstance(v, str)}
                    if contains_itself(value):
                        result["plists"][name]["plistlibSelfReference"] = True
                except Exception as error:  # noqa: BLE001 - record what plistlib says
                    result["plists"][name] = {"plistlibError": type(error).__name__}
            if name.endswith("embedded.mobileprovision"):
                p = os.path.join(TMP, "profile.der")
                with open(p, "wb") as f:
                    f.write(data)
                content = run("openssl", "cms", "-verify", "-inform", "DER", "-in", p, "-noverify")
                plist = plistlib.loads(content)
                ent = plist["Entitlements"]
                result["profile"] = {
                    "appIdentifier": ent["application-identifier"],
                    "teamIdentifier": plist["TeamIdentifier"][0],
                    "teamName": plist["TeamName"],
                    "expires": plist["ExpirationDate"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "getTaskAllow": ent.get("get-task-allow", False),
                    "provisionedDevices": "ProvisionedDevices" in plist,
                    "certificateSha256": [der_sha256(c) for c in plist["DeveloperCertificates"]],
                }
            if data[:4] in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe",
                            b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf"):
                slices = []
                for cpu, image in read_slices(data):
                    try:
                        cd, cms, cms_at = signature_blobs(image)
                    except struct.error:
                        slices.append({"cputype": cpu, "unreadable": True})
                        continue
                    entry = {"cputype": cpu, "cmsOffset": cms_at}
                    if cd and cms:
                        entry.update(cms_truth(cd, cms))
                    slices.append(entry)
                result["executables"][name] = slices
    return result


def main():
    build()
    expected = {}
    for name in sorted(os.listdir(OUT)):
        if name.endswith(".ipa"):
            expected[name] = truth(os.path.join(OUT, name))
            expected[name]["planted"] = PLANTED[name]
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
