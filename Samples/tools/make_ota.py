#!/usr/bin/env python3
"""make_ota.py — write Android OTA zips from partition images, and read them back with the real tools.

Written from the public formats only:
  * block-based (non-A/B) OTAs: AOSP bootable/recovery/updater/blockimg.cpp transfer lists (version 4
    header: version, blocks written, stash entries, stash blocks; `new`/`zero`/`erase` commands with
    `<count>,<a>,<b>,...` half-open block range sets), `<p>.new.dat` being the blocks of every `new`
    command in order, compressed with the `brotli` or `xz` command-line tool;
  * A/B OTAs: system/update_engine/update_metadata.proto (payload major version 2: `CrAU`, u64 BE
    version, u64 BE manifest size, u32 BE metadata signature size, the DeltaArchiveManifest, the
    data blobs), operations REPLACE, REPLACE_BZ, REPLACE_XZ, REPLACE_ZSTD (14), ZERO, DISCARD,
    compressed with the `bzip2`, `xz` and `zstd` command-line tools; `payload.bin` stored in the zip
    and located by `ota-streaming-property-files` in META-INF/com/android/metadata.

Commands:
  samples OUTDIR       from OUTDIR/fw (Samples/make-firmware.sh output) write block-ota.zip,
                       ab-ota.zip, block-ota-incremental.zip, ab-ota-incremental.zip and
                       expected.tsv / expected-diagnostics.tsv (what the tools extract, what must be PS009)
  payload OUT.zip NAME=IMAGE... [--codec xz|bz|zstd|none] [--chunk BYTES] [--level N] [--store-incompressible]
                       a full A/B OTA zip whose payload holds the images (the benchmark's input);
                       with --store-incompressible, xz chunks that deflate cannot shrink are written
                       as xz streams of uncompressed LZMA2 chunks (what xz makes of them, minus the
                       match finder's time), the others by the xz tool
  apply-payload ZIP OUTDIR
                       apply a full payload's operations with the command-line decompressors and
                       write OUTDIR/<partition>.img
  apply-block ZIP OUTDIR
                       rebuild every partition of a block OTA (brotli -d / xz -d + the transfer list)
  ops ZIP              print every payload operation: partition, type, offset of its data in the
                       zip file, data length
"""
import hashlib
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

BLOCK = 4096
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
OP = {"REPLACE": 0, "REPLACE_BZ": 1, "MOVE": 2, "BSDIFF": 3, "SOURCE_COPY": 4, "SOURCE_BSDIFF": 5,
      "ZERO": 6, "DISCARD": 7, "REPLACE_XZ": 8, "REPLACE_ZSTD": 14}
TOOL = {"xz": ["xz", "-c", "--check=crc32"], "bz": ["bzip2", "-c"], "zstd": ["zstd", "-q", "-c"]}
UNTOOL = {OP["REPLACE_XZ"]: ["xz", "-dc"], OP["REPLACE_BZ"]: ["bzip2", "-dc"], OP["REPLACE_ZSTD"]: ["zstd", "-qdc"]}


def run(args, data=None):
    return subprocess.run(args, input=data, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout


def xz_stored(data):
    """An .xz stream (CRC32 check) whose LZMA2 chunks are all uncompressed, as xz itself writes
    incompressible data, without running the encoder's match finder (xz-file-format-1.0.4:
    stream header and footer, one block, index; LZMA2 control bytes 1 then 2, size - 1 big-endian)."""
    crc = lambda b: struct.pack("<I", zlib.crc32(b))
    flags = b"\x00\x01"
    out = bytearray(b"\xfd7zXZ\x00" + flags + crc(flags))
    # Block header: size byte, flags (one filter), LZMA2 filter (id 0x21, 1 property byte: 8 MiB dictionary).
    body = b"\x00\x21\x01\x16"
    body += bytes(-(len(body) + 1) % 4)
    header = bytes([(len(body) + 1 + 4) // 4 - 1]) + body
    header += crc(header)
    block = bytearray(header)
    for i in range(0, len(data), 1 << 16):
        piece = data[i:i + (1 << 16)]
        block += bytes([1 if i == 0 else 2]) + struct.pack(">H", len(piece) - 1) + piece
    block += b"\x00"
    unpadded = len(block)
    block += bytes(-len(block) % 4) + crc(data)
    out += block
    index = bytearray(b"\x00" + varint(1) + varint(unpadded + 4) + varint(len(data)))
    index += bytes(-len(index) % 4)
    index += crc(bytes(index))
    out += index
    backward = struct.pack("<I", len(index) // 4 - 1) + flags
    out += crc(backward) + backward + b"YZ"
    return bytes(out)


def incompressible(data):
    """True when deflate at its fastest saves less than 2 %: xz would store such data as it is."""
    return len(zlib.compress(data, 1)) > len(data) * 0.98


# ------------------------------------------------------------------ protobuf (wire format, by hand)
def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(number, value):
    return varint(number << 3) + varint(value)


def field_bytes(number, data):
    return varint(number << 3 | 2) + varint(len(data)) + data


def extent(start, count):
    return field_varint(1, start) + field_varint(2, count)


def operation(op_type, dst, data_offset=None, data=None, src=()):
    m = field_varint(1, op_type)
    if data is not None:
        m += field_varint(2, data_offset) + field_varint(3, len(data))
    for s, n in src:
        m += field_bytes(4, extent(s, n))
    for s, n in dst:
        m += field_bytes(6, extent(s, n))
    if data is not None:
        m += field_bytes(8, hashlib.sha256(data).digest())
    return m


def parse_message(buf):
    """Yields (field number, wire type, value) of one message (value: int or bytes)."""
    i = 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(buf, i)
        elif wire == 2:
            n, i = read_varint(buf, i)
            value, i = buf[i:i + n], i + n
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wire)
        yield number, wire, value


def read_varint(buf, i):
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


# ------------------------------------------------------------------ A/B payload
def chunks_of(image, chunk):
    return [image[i:i + chunk] for i in range(0, len(image), chunk)]


def full_partition_ops(name, image, blob, chunk, codecs, level=None, zero_ops=("ZERO", "DISCARD")):
    """Operations writing `image` from the payload alone; data appended to `blob` (a bytearray)."""
    assert len(image) % BLOCK == 0 and chunk % BLOCK == 0
    per = chunk // BLOCK
    pieces = chunks_of(image, chunk)
    order = list(range(len(pieces)))
    ops, k, z = [], 0, 0
    while order:
        c = order.pop(0)
        if not pieces[c].strip(b"\0"):
            ops.append(operation(OP[zero_ops[z % len(zero_ops)]], [(c * per, len(pieces[c]) // BLOCK)]))
            z += 1
            continue
        group = [c]
        # Every seventh data operation also takes the last data chunk left: two extents, out of order.
        if k % 7 == 3:
            tail = [j for j in order if pieces[j].strip(b"\0")]
            if tail:
                order.remove(tail[-1])
                group.append(tail[-1])
        data = b"".join(pieces[g] for g in group)
        kind = codecs[k % len(codecs)]
        k += 1
        if kind == "REPLACE":
            payload = data
        else:
            tool = {"REPLACE_XZ": "xz", "REPLACE_BZ": "bz", "REPLACE_ZSTD": "zstd"}[kind]
            args = TOOL[tool] + (["-%d" % level] if level is not None else [])
            payload = run(args, data)
        ops.append(operation(OP[kind], [(g * per, len(pieces[g]) // BLOCK) for g in group], len(blob), payload))
        blob += payload
    return ops


def partition_update(name, image, ops, old_size=None):
    m = field_bytes(1, name.encode())
    if old_size is not None:
        m += field_bytes(6, field_varint(1, old_size))
    m += field_bytes(7, field_varint(1, len(image)) + field_bytes(2, hashlib.sha256(image).digest()))
    for op in ops:
        m += field_bytes(8, op)
    return m


def payload_bin(partitions, blob, minor=0):
    manifest = field_varint(3, BLOCK) + field_varint(12, minor)
    for p in partitions:
        manifest += field_bytes(13, p)
    return b"CrAU" + struct.pack(">QQI", 2, len(manifest), 0) + manifest + bytes(blob)


def write_ab_zip(path, payload, metadata, stream_payload_from=None):
    """payload.bin stored (as ota_from_target_files does), then the metadata naming its offset."""
    with zipfile.ZipFile(path, "w") as z:
        info = zipfile.ZipInfo("payload_properties.txt", ZIP_DATE)
        size = os.path.getsize(stream_payload_from) if stream_payload_from else len(payload)
        z.writestr(info, "FILE_HASH=unused\nFILE_SIZE=%d\n" % size, zipfile.ZIP_STORED)
        info = zipfile.ZipInfo("payload.bin", ZIP_DATE)
        if stream_payload_from:
            with z.open(info, "w", force_zip64=True) as w, open(stream_payload_from, "rb") as f:
                shutil.copyfileobj(f, w, 1 << 20)
        else:
            z.writestr(info, payload, zipfile.ZIP_STORED)
        z.writestr(zipfile.ZipInfo("care_map.pb", ZIP_DATE), b"", zipfile.ZIP_STORED)
    offset, size = stored_data(path, "payload.bin")
    metadata = dict(metadata)
    metadata["ota-streaming-property-files"] = "payload.bin:%d:%d" % (offset, size)
    with zipfile.ZipFile(path, "a") as z:
        text = "".join("%s=%s\n" % kv for kv in sorted(metadata.items()))
        z.writestr(zipfile.ZipInfo("META-INF/com/android/metadata", ZIP_DATE), text, zipfile.ZIP_DEFLATED)


def stored_data(path, name):
    """(offset in the zip file, size) of a stored entry's data."""
    with zipfile.ZipFile(path) as z:
        i = z.getinfo(name)
    with open(path, "rb") as f:
        f.seek(i.header_offset + 26)
        name_len, extra_len = struct.unpack("<HH", f.read(4))
    return i.header_offset + 30 + name_len + extra_len, i.file_size


def list_ops(zip_path):
    """Yields (partition, operation type, offset of its data in the zip file, data length)."""
    base, _ = stored_data(zip_path, "payload.bin")
    with open(zip_path, "rb") as f:
        f.seek(base)
        head = f.read(24)
        _, manifest_size, sig_size = struct.unpack(">QQI", head[4:24])
        manifest = f.read(manifest_size)
    data_start = base + 24 + manifest_size + sig_size
    for number, _, raw in parse_message(manifest):
        if number != 13:
            continue
        fields = list(parse_message(raw))
        name = next(v for n, _, v in fields if n == 1).decode()
        for n, _, v in fields:
            if n == 8:
                op = dict((k, x) for k, _, x in parse_message(v) if k in (1, 2, 3))
                yield name, op.get(1, 0), data_start + op.get(2, 0), op.get(3, 0)


def apply_payload(zip_path, outdir):
    """Writes every full partition of the payload to OUTDIR/<name>.img, reading one operation's data
    at a time; returns {name: image path, or None for a partition that needs the source build}."""
    result = {}
    with zipfile.ZipFile(zip_path) as z, z.open("payload.bin") as data:
        head = data.read(24)
        assert head[:4] == b"CrAU"
        version, manifest_size, sig_size = struct.unpack(">QQI", head[4:24])
        assert version == 2
        manifest = data.read(manifest_size)
        data_start = 24 + manifest_size + sig_size
        block, parts = BLOCK, []
        for number, _, value in parse_message(manifest):
            if number == 3:
                block = value
            elif number == 13:
                parts.append(value)
        for raw in parts:
            name, size, ops = None, 0, []
            for number, _, value in parse_message(raw):
                if number == 1:
                    name = value.decode()
                elif number == 7:
                    size = dict((n, v) for n, _, v in parse_message(value)).get(1, 0)
                elif number == 8:
                    op = {"dst": [], "src": [], 2: 0, 3: 0}
                    for n, _, v in parse_message(value):
                        if n in (4, 6):
                            e = dict((k, x) for k, _, x in parse_message(v))
                            op["src" if n == 4 else "dst"].append((e.get(1, 0), e.get(2, 0)))
                        else:
                            op[n] = v
                    ops.append(op)
            if any(op["src"] or op[1] not in (0, 1, 6, 7, 8, 14) for op in ops):
                result[name] = None
                continue
            path = os.path.join(outdir, name + ".img")
            with open(path, "wb") as image:
                image.truncate(size)
                for op in ops:
                    t = op[1]
                    if t in (6, 7):
                        continue  # ZERO/DISCARD: the truncated file already reads as zeros there
                    data.seek(data_start + op[2])
                    blob = data.read(op[3])
                    out = blob if t == 0 else run(UNTOOL[t], blob)
                    pos = 0
                    for start, count in op["dst"]:
                        piece = out[pos:pos + count * block]
                        image.seek(start * block)
                        image.write(piece + bytes(count * block - len(piece)))
                        pos += count * block
            result[name] = path
    return result


# ------------------------------------------------------------------ block-based OTA
def rangeset(ranges):
    nums = [n for r in ranges for n in r]
    return "%d,%s" % (len(nums), ",".join(map(str, nums)))


def runs(blocks):
    """Sorted block numbers -> half-open ranges."""
    out = []
    for b in blocks:
        if out and out[-1][1] == b:
            out[-1][1] = b + 1
        else:
            out.append([b, b + 1])
    return [tuple(r) for r in out]


def block_partition(image):
    """(transfer list text, new.dat bytes) of a full update writing `image` (version 4)."""
    assert len(image) % BLOCK == 0
    n = len(image) // BLOCK
    data_blocks = [b for b in range(n) if image[b * BLOCK:(b + 1) * BLOCK].strip(b"\0")]
    data_set = set(data_blocks)
    zero_blocks = [b for b in range(n) if b not in data_set]
    data_ranges = runs(data_blocks)
    zero_ranges = runs(zero_blocks)
    # Two `new` commands, the second half first, so new.dat order differs from block order.
    half = len(data_ranges) // 2
    news = [data_ranges[half:], data_ranges[:half]] if half else [data_ranges]
    lines = ["4", str(len(data_blocks) + len(zero_blocks)), "0", "0"]
    # Trailing zero blocks are erased (don't-care), the rest written as zeros.
    erase = [r for r in zero_ranges if r[1] == n]
    zero = [r for r in zero_ranges if r[1] != n]
    if erase:
        lines.append("erase " + rangeset(erase))
    new_dat = bytearray()
    for group in news:
        if group:
            lines.append("new " + rangeset(group))
            for a, b in group:
                new_dat += image[a * BLOCK:b * BLOCK]
    if zero:
        lines.append("zero " + rangeset(zero))
    return "\n".join(lines) + "\n", bytes(new_dat)


def parse_rangeset(text):
    nums = list(map(int, text.split(",")))
    assert nums[0] == len(nums) - 1
    return list(zip(nums[1::2], nums[2::2]))


def apply_transfer_list(listing, new_dat):
    """The image a full transfer list writes (None for an incremental one)."""
    lines = listing.splitlines()
    version = int(lines[0])
    body = lines[4:] if version >= 2 else lines[2:]
    commands, end = [], 0
    for line in body:
        if not line:
            continue
        words = line.split()
        if words[0] not in ("new", "zero", "erase"):
            return None
        ranges = parse_rangeset(words[1])
        end = max([end] + [b for _, b in ranges])
        commands.append((words[0], ranges))
    image = bytearray(end * BLOCK)
    pos = 0
    for name, ranges in commands:
        for a, b in ranges:
            if name == "new":
                image[a * BLOCK:b * BLOCK] = new_dat[pos:pos + (b - a) * BLOCK]
                pos += (b - a) * BLOCK
            else:
                image[a * BLOCK:b * BLOCK] = bytes((b - a) * BLOCK)
    return bytes(image)


def apply_block(zip_path, outdir):
    """Rebuilds every full partition: {new-data entry name: image path or None}."""
    result = {}
    with zipfile.ZipFile(zip_path) as z:
        names = z.namelist()
        for name in names:
            if not name.endswith(".transfer.list"):
                continue
            p = name[:-len(".transfer.list")]
            new_name = next(n for n in (p + ".new.dat.br", p + ".new.dat.xz", p + ".new.dat") if n in names)
            patch = z.read(p + ".patch.dat") if p + ".patch.dat" in names else b""
            raw = z.read(new_name)
            if new_name.endswith(".br"):
                raw = run(["brotli", "-dc"], raw)
            elif new_name.endswith(".xz"):
                raw = run(["xz", "-dc"], raw)
            image = apply_transfer_list(z.read(name).decode(), raw)
            if image is None or patch:
                result[new_name] = None
                continue
            path = os.path.join(outdir, p + ".img")
            with open(path, "wb") as f:
                f.write(image)
            result[new_name] = path
    return result


def write_block_zip(path, partitions, metadata):
    """partitions: [(name, image, codec, incremental)] with codec in None, "br", "xz"."""
    with zipfile.ZipFile(path, "w") as z:
        for name, image, codec, incremental in partitions:
            listing, new_dat = block_partition(image)
            patch = b""
            if incremental:
                listing, new_dat, patch = incremental_listing(image)
            data_name = name + ".new.dat"
            if codec == "br":
                new_dat, data_name = run(["brotli", "-c", "-q", "6", "-w", "24"], new_dat), data_name + ".br"
            elif codec == "xz":
                new_dat, data_name = run(["xz", "-c", "--check=crc32"], new_dat), data_name + ".xz"
            z.writestr(zipfile.ZipInfo(name + ".transfer.list", ZIP_DATE), listing, zipfile.ZIP_DEFLATED)
            # Brotli data is stored (already compressed), raw new.dat deflated, as releasetools does.
            z.writestr(zipfile.ZipInfo(data_name, ZIP_DATE), new_dat,
                       zipfile.ZIP_DEFLATED if codec is None else zipfile.ZIP_STORED)
            z.writestr(zipfile.ZipInfo(name + ".patch.dat", ZIP_DATE), patch, zipfile.ZIP_STORED)
        z.writestr(zipfile.ZipInfo("META-INF/com/google/android/updater-script", ZIP_DATE),
                   "".join('block_image_update("/dev/block/by-name/%s", package_extract_file("%s.transfer.list"), "%s.new.dat%s", "%s.patch.dat");\n'
                           % (n, n, n, {"br": ".br", "xz": ".xz", None: ""}[c], n) for n, _, c, _ in partitions))
        z.writestr(zipfile.ZipInfo("META-INF/com/android/metadata", ZIP_DATE),
                   "".join("%s=%s\n" % kv for kv in sorted(metadata.items())), zipfile.ZIP_DEFLATED)


def incremental_listing(image):
    """An incremental transfer list (version 4): stash, move and bsdiff from the source build,
    with a non-empty patch.dat, then `new` for the rest."""
    n = len(image) // BLOCK
    sha = lambda b: hashlib.sha1(b).hexdigest()
    src = image[0:2 * BLOCK]
    patch = b"BSDIFF40" + bytes(24)
    lines = ["4", str(n), "1", "2",
             "stash %s %s" % (sha(src), rangeset([(0, 2)])),
             "move %s %s 2 %s" % (sha(image[2 * BLOCK:4 * BLOCK]), rangeset([(2, 4)]), rangeset([(10, 12)])),
             "bsdiff 0 %d %s %s %s 2 %s:%s" % (len(patch), sha(src), sha(image[4 * BLOCK:6 * BLOCK]),
                                              rangeset([(4, 6)]), rangeset([(0, 2)]), sha(src)),
             "free %s" % sha(src),
             "new " + rangeset([(6, n)])]
    return "\n".join(lines) + "\n", image[6 * BLOCK:], patch


# ------------------------------------------------------------------ ground truth
def explore(path, location, found, scratch):
    with open(path, "rb") as f:
        head = f.read(4100)
    if len(head) >= 1082 and head[1080:1082] == b"\x53\xef":
        d = tempfile.mkdtemp(dir=scratch)
        subprocess.run(["debugfs", "-R", "rdump / " + d, path], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walk_dir(d, location, found, scratch)
    elif head[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
        if "AndroidManifest.xml" in names:
            with open(path, "rb") as f:
                found.append((location, hashlib.sha256(f.read()).hexdigest()))
        else:
            d = tempfile.mkdtemp(dir=scratch)
            subprocess.run(["7z", "x", "-o" + d, path], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            walk_dir(d, location, found, scratch)


def walk_dir(d, prefix, found, scratch):
    for root, dirs, files in os.walk(d):
        dirs.sort()
        for name in sorted(files):
            full = os.path.join(root, name)
            if not os.path.islink(full):
                explore(full, prefix + "!/" + os.path.relpath(full, d), found, scratch)


def samples(out):
    fw = os.path.join(out, "fw")
    read = lambda n: open(os.path.join(fw, n), "rb").read()
    system, vendor, product = read("ext4.img"), read("ext4-inline.img"), read("ext2.img")
    pre = "sample/presetscan/ota:12/SAMPLE.0/1:user/release-keys"
    post = "sample/presetscan/ota:12/SAMPLE.1/2:user/release-keys"
    full_meta = {"ota-type": "BLOCK", "post-build": post, "pre-device": "ota"}

    write_block_zip(os.path.join(out, "block-ota.zip"),
                    [("system", system, "br", False), ("vendor", vendor, "xz", False), ("product", product, None, False)],
                    full_meta)
    write_block_zip(os.path.join(out, "block-ota-incremental.zip"),
                    [("system", system, "br", True), ("vendor", vendor, "br", False)],
                    dict(full_meta, **{"pre-build": pre}))

    codecs = ["REPLACE", "REPLACE_XZ", "REPLACE_BZ", "REPLACE_ZSTD"]
    blob = bytearray()
    parts = [partition_update(n, img, full_partition_ops(n, img, blob, 16 << 10, codecs))
             for n, img in (("system", system), ("vendor", vendor), ("product", product))]
    write_ab_zip(os.path.join(out, "ab-ota.zip"), payload_bin(parts, blob), {"ota-type": "AB", "post-build": post})

    # Delta payload (minor version 8): system copies blocks from the source build, vendor is all replaces.
    blob = bytearray()
    ops = full_partition_ops("system", system, blob, 16 << 10, codecs)
    ops.insert(0, operation(OP["SOURCE_COPY"], [(0, 4)], src=[(0, 4)]))
    parts = [partition_update("system", system, ops, old_size=len(system)),
             partition_update("vendor", vendor, full_partition_ops("vendor", vendor, blob, 16 << 10, codecs))]
    write_ab_zip(os.path.join(out, "ab-ota-incremental.zip"), payload_bin(parts, blob, minor=8),
                 {"ota-type": "AB", "post-build": post, "pre-build": pre})

    message = "incremental OTA: needs the source build " + pre
    with tempfile.TemporaryDirectory(dir=out) as scratch, \
            open(os.path.join(out, "expected.tsv"), "w") as exp, \
            open(os.path.join(out, "expected-diagnostics.tsv"), "w") as diag:
        for sample, applier, container in (("block-ota.zip", apply_block, ""), ("block-ota-incremental.zip", apply_block, ""),
                                           ("ab-ota.zip", apply_payload, "payload.bin!/"),
                                           ("ab-ota-incremental.zip", apply_payload, "payload.bin!/")):
            d = tempfile.mkdtemp(dir=scratch)
            found = []
            for part, image in sorted(applier(os.path.join(out, sample), d).items()):
                location = "%s!/%s%s" % (sample, container, part)
                if image is None:
                    diag.write("%s\t%s\tota.incremental\t%s\n" % (sample, location, message))
                else:
                    explore(image, location, found, scratch)
            for location, sha in sorted(found):
                exp.write("%s\t%s\t%s\n" % (sample, location, sha))


def main(argv):
    if len(argv) >= 2 and argv[0] == "samples":
        samples(os.path.abspath(argv[1]))
    elif len(argv) >= 3 and argv[0] == "payload":
        out, rest = argv[1], argv[2:]
        codec, chunk, level, images, store_incompressible = "xz", 2 << 20, None, [], False
        i = 0
        while i < len(rest):
            if rest[i] == "--codec":
                codec, i = rest[i + 1], i + 2
            elif rest[i] == "--chunk":
                chunk, i = int(rest[i + 1]), i + 2
            elif rest[i] == "--level":
                level, i = int(rest[i + 1]), i + 2
            elif rest[i] == "--store-incompressible":
                store_incompressible, i = True, i + 1
            else:
                images.append(rest[i].split("=", 1))
                i += 1
        kind = {"xz": "REPLACE_XZ", "bz": "REPLACE_BZ", "zstd": "REPLACE_ZSTD", "none": "REPLACE"}[codec]
        # Blobs go to a temporary file beside the output, so a multi-GB payload is never held twice.
        with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(out))) as tmp:
            parts, blob_path = [], os.path.join(tmp, "blobs")
            offset = 0
            with open(blob_path, "wb") as blobs:
                for name, path in images:
                    ops = []
                    with open(path, "rb") as f:
                        size = os.fstat(f.fileno()).st_size
                        index = 0
                        while True:
                            data = f.read(chunk)
                            if not data:
                                break
                            data += bytes(-len(data) % BLOCK)
                            dst = [(index * (chunk // BLOCK), len(data) // BLOCK)]
                            if not data.strip(b"\0"):
                                ops.append(operation(OP["ZERO"], dst))
                            else:
                                if kind == "REPLACE":
                                    packed = data
                                elif codec == "xz" and store_incompressible and incompressible(data):
                                    packed = xz_stored(data)
                                else:
                                    packed = run(TOOL[codec] + (["-%d" % level] if level is not None else []), data)
                                ops.append(operation(OP[kind], dst, offset, packed))
                                blobs.write(packed)
                                offset += len(packed)
                            index += 1
                    m = field_bytes(1, name.encode()) + field_bytes(7, field_varint(1, size))
                    parts.append(m + b"".join(field_bytes(8, op) for op in ops))
            manifest = field_varint(3, BLOCK) + field_varint(12, 0) + b"".join(field_bytes(13, p) for p in parts)
            payload_path = os.path.join(tmp, "payload.bin")
            with open(payload_path, "wb") as p, open(blob_path, "rb") as b:
                p.write(b"CrAU" + struct.pack(">QQI", 2, len(manifest), 0) + manifest)
                shutil.copyfileobj(b, p, 1 << 20)
            write_ab_zip(out, None, {"ota-type": "AB"}, stream_payload_from=payload_path)
    elif len(argv) >= 3 and argv[0] == "apply-payload":
        os.makedirs(argv[2], exist_ok=True)
        for name, path in sorted(apply_payload(argv[1], argv[2]).items()):
            print(name, path or "(incremental, not applied)")
    elif len(argv) >= 2 and argv[0] == "ops":
        for name, t, offset, length in list_ops(argv[1]):
            print(name, t, offset, length)
    elif len(argv) >= 3 and argv[0] == "apply-block":
        os.makedirs(argv[2], exist_ok=True)
        for name, path in sorted(apply_block(argv[1], argv[2]).items()):
            print(name, path or "(incremental, not applied)")
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
