#!/usr/bin/env python3
"""grow_package.py — make a small sample package the size of a real one, keeping it readable.

Usage: grow_package.py IN OUT NAME=FILE [NAME=FILE ...]

Writes OUT: the ZIP IN with each FILE added as entry NAME (deflated), the new entries placed
*in front of* IN's own entries. Everything of IN from its first local header to the end of its
central directory is kept byte for byte (an APK/HAP/RPK signing block stays where the reader
looks for it, right before the central directory); only the central directory's local-header
offsets and the end record are shifted. The signatures no longer cover the content, which
`inspect` does not verify for these kinds: the benchmark measures reading, not verification.
No ZIP64 (the packages stay far below 4 GiB).
"""
import io
import struct
import sys
import zipfile


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    src, dst, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
    data = open(src, "rb").read()
    eocd_at = data.rfind(b"PK\x05\x06")
    if eocd_at < 0:
        print(f"{src}: no end of central directory", file=sys.stderr)
        return 2
    (_, _, _, _, count, cd_size, cd_offset, comment_len) = struct.unpack_from("<IHHHHIIH", data, eocd_at)

    # The new entries, as a ZIP of their own whose local part and central directory are reused.
    new = io.BytesIO()
    with zipfile.ZipFile(new, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for spec in specs:
            name, _, path = spec.partition("=")
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
    added = new.getvalue()
    a_eocd = added.rfind(b"PK\x05\x06")
    (_, _, _, _, a_count, a_cd_size, a_cd_offset, _) = struct.unpack_from("<IHHHHIIH", added, a_eocd)
    shift = a_cd_offset  # the new local entries go first

    # Shift every central-directory header's local-header offset of the original entries.
    cd = bytearray(data[cd_offset:cd_offset + cd_size])
    at = 0
    while at + 46 <= len(cd) and cd[at:at + 4] == b"PK\x01\x02":
        name_len, extra_len, comment = struct.unpack_from("<HHH", cd, at + 28)
        (offset,) = struct.unpack_from("<I", cd, at + 42)
        struct.pack_into("<I", cd, at + 42, offset + shift)
        at += 46 + name_len + extra_len + comment

    out = bytearray(added[:a_cd_offset])           # new local entries
    out += data[:cd_offset]                          # original local entries + signing block
    new_cd_offset = len(out)
    out += cd                                        # original central directory, shifted
    out += added[a_cd_offset:a_cd_offset + a_cd_size]  # the new entries' central directory
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count + a_count, count + a_count,
                       cd_size + a_cd_size, new_cd_offset, comment_len)
    out += data[eocd_at + 22:eocd_at + 22 + comment_len]
    open(dst, "wb").write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
