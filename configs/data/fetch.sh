#!/usr/bin/env bash
# Public data sets for the CSV and image-folder configs, taken from Debian's python3-sklearn package (BSD-3;
# the classic UCI sets scikit-learn ships): iris.csv and diabetes.csv (committed beside this script, rewritten
# identically), and digits/ (1,797 8×8 handwritten digits as PNG files in one folder per class; not committed).
# Needs apt-get (Debian's registry) and python3 (standard library only).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download python3-sklearn >/dev/null)
dpkg-deb -x "$work"/python3-sklearn_*.deb "$work/x"
src="$(find "$work/x" -type d -path '*sklearn/datasets/data' | head -1)"
python3 - "$src" "$here" <<'PY'
import gzip, os, struct, sys, zlib
src, out = sys.argv[1], sys.argv[2]

def write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)

# iris: the first line is "150,4,setosa,versicolor,virginica", then 4 measurements and the class index
lines = open(os.path.join(src, "iris.csv")).read().split("\n")
names = lines[0].split(",")[2:]
rows = ["sepal_length,sepal_width,petal_length,petal_width,species"]
for l in lines[1:]:
    if l.strip():
        p = l.split(",")
        rows.append(",".join(p[:4] + [names[int(p[4])]]))
write(os.path.join(out, "iris.csv"), "\n".join(rows) + "\n")

# diabetes: ten raw baseline variables (space-separated) and a disease-progression score one year later
x = gzip.open(os.path.join(src, "diabetes_data_raw.csv.gz"), "rt").read().split("\n")
y = gzip.open(os.path.join(src, "diabetes_target.csv.gz"), "rt").read().split("\n")
rows = ["age,sex,bmi,bp,s1,s2,s3,s4,s5,s6,progression"]
for a, b in zip(x, y):
    if a.strip():
        rows.append(",".join(a.split() + [repr(float(b))]))
write(os.path.join(out, "diabetes.csv"), "\n".join(rows) + "\n")

# digits: 64 pixel values 0..16 and the digit per row; each image a gray 8×8 PNG, 0..16 scaled to 0..255
def png(w, h, pixels):
    raw = b"".join(b"\x00" + bytes(pixels[r * w:(r + 1) * w]) for r in range(h))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
count = [0] * 10
for l in gzip.open(os.path.join(src, "digits.csv.gz"), "rt").read().split("\n"):
    if not l.strip():
        continue
    v = [int(float(t)) for t in l.split(",")]
    label = v[64]
    d = os.path.join(out, "digits", str(label))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "%04d.png" % count[label]), "wb") as f:
        f.write(png(8, 8, [round(p * 255 / 16) for p in v[:64]]))
    count[label] += 1
print("iris.csv, diabetes.csv and digits/ (%d images) in %s" % (sum(count), out))
PY
