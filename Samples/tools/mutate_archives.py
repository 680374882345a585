#!/usr/bin/env python3
"""Black-box mutation loop over archive seeds (issue 12): mutate, run `presetscan list --format json`,
keep the inputs that die by a signal, time out or draw a sanitizer report (crash-<sha1>.<ext> + .log).

    python3 Samples/tools/mutate_archives.py BINARY OUTDIR COUNT [SEED...]

Without seeds it makes tar.gz, tar.xz, tar.bz2, tar.zst (pax), cpio, 7z, iso9660 and ar archives of
Samples/apk/hello.apk with bsdtar. Samples/archive-crashes/ holds inputs it found (renamed).
SEED=N in the environment picks the random sequence. Works with an ASan build of presetscan.
"""
import os, random, subprocess, sys, hashlib, tempfile, shutil
binary, outdir, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
seeds = sys.argv[4:]
if not seeds:
    here = os.path.dirname(os.path.abspath(__file__))
    work = tempfile.mkdtemp(prefix="mutate-seeds-")
    shutil.copy(os.path.join(here, "..", "apk", "hello.apk"), work)
    open(os.path.join(work, "notes.txt"), "w").write("notes\n")
    for name, opts in [("s.tar.gz", ["-z", "--format", "ustar"]), ("s.tar.xz", ["-J", "--format", "ustar"]),
                       ("s.tar.bz2", ["-j", "--format", "gnutar"]), ("s.tar.zst", ["--zstd", "--format", "pax"]),
                       ("s.cpio", ["--format", "newc"]), ("s.7z", ["--format", "7zip"]),
                       ("s.iso", ["--format", "iso9660"]), ("s.a", ["--format", "ar"])]:
        subprocess.run(["bsdtar", "-c", "-f", os.path.join(work, name)] + opts + ["-C", work, "hello.apk", "notes.txt"], check=True)
        seeds.append(os.path.join(work, name))
rng = random.Random(int(os.environ.get("SEED", "1")))
os.makedirs(outdir, exist_ok=True)
INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfffe, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff]
def mutate(data):
    d = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        if not d: break
        if op == 0:
            for _ in range(rng.randint(1, 8)):
                i = rng.randrange(len(d)); d[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            v = rng.choice(INTERESTING); w = rng.choice([1, 2, 4]); i = rng.randrange(len(d))
            d[i:i+w] = (v & ((1 << (8*w)) - 1)).to_bytes(w, rng.choice(["little", "big"]))
        elif op == 2:
            del d[rng.randrange(len(d)):]
        elif op == 3:
            a = rng.randrange(len(d)); n = rng.randint(1, 64); b = rng.randrange(len(d))
            d[b:b] = d[a:a+n]
        else:
            i = rng.randrange(len(d)); d[i] = rng.randrange(256)
    return bytes(d)
env = dict(os.environ, ASAN_OPTIONS="abort_on_error=1:detect_leaks=0:symbolize=1", SWIFT_BACKTRACE="enable=no")
stats = {}
for k in range(count):
    seed = seeds[k % len(seeds)]
    data = mutate(open(seed, "rb").read())
    ext = seed.split("/")[-1].split(".", 1)[1]
    path = os.path.join(outdir, "cur-%d.%s" % (os.getpid(), ext))
    open(path, "wb").write(data)
    try:
        r = subprocess.run([binary, "list", "--format", "json", path], capture_output=True, timeout=20, env=env)
        rc = r.returncode
    except subprocess.TimeoutExpired:
        rc = "timeout"; r = None
    s = stats.setdefault(ext, {"runs": 0, "crash": 0, "timeout": 0})
    s["runs"] += 1
    bad = rc == "timeout" or (isinstance(rc, int) and rc < 0) or (r is not None and b"Sanitizer" in r.stderr)
    if bad:
        s["crash" if rc != "timeout" else "timeout"] += 1
        h = hashlib.sha1(data).hexdigest()[:12]
        keep = os.path.join(outdir, "crash-%s.%s" % (h, ext))
        open(keep, "wb").write(data)
        if r is not None: open(keep + ".log", "wb").write(r.stderr[-20000:])
        print("BAD", rc, keep, flush=True)
os.remove(path)
print(stats)
