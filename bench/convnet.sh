#!/usr/bin/env bash
# chainrule against PyTorch (CPU) on the convnet of configs/mnist-cnn.json (conv 32@3x3 relu, maxpool 2,
# conv 64@3x3 relu, maxpool 2, flatten, dropout 0.5, dense 10 softmax; Adam lr 1e-3; batch 128; MNIST epochs,
# training only). Runs alternate: torch float32, torch float64, chainrule float64, repeated --rounds times, so
# load from other processes hits all three alike. Prints a markdown table of median wall seconds per epoch,
# ratios, and CPU seconds per epoch (the whole process's user+sys over the epochs it ran, warm-up included:
# the figure to read on a shared machine, where wall time measures the other processes).
#
#   bench/convnet.sh [--data DIR] [--passes P] [--rounds R] [--threads T] [--limit N]
#
# --limit N: the first N training samples only (a cut copy of the IDX files in a temporary folder), for a
# quick comparison; a full epoch is 60000.
#
# PyTorch is Debian's python3-torch (apt-get install -y python3-torch), run by /usr/bin/python3.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/.." && pwd -P)"
data="${XDG_CACHE_HOME:-$HOME/.cache}/chainrule/mnist"
threads=$(( $(nproc) >= 2 ? 2 : 1 ))
passes=2
rounds=2
limit=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --passes) passes="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --limit) limit="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "convnet.sh: unknown argument '$1'; valid: --data DIR, --passes P, --rounds R, --threads T, --limit N" >&2; exit 2 ;;
  esac
done
config="$root/configs/mnist-cnn.json"
runner="$root/runner/bin/runner"
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "convnet.sh: PyTorch missing for /usr/bin/python3; install it with: apt-get install -y python3-torch" >&2
  exit 2
fi
if [[ ! -f "$data/train-images-idx3-ubyte" ]]; then
  "$runner" bench "$config" --passes 1 --warmup 0 >/dev/null
  data="${XDG_CACHE_HOME:-$HOME/.cache}/chainrule/mnist"
fi
if [[ "$limit" != 0 ]]; then
  cut="$(mktemp -d "${TMPDIR:-/tmp}/convnet-bench.XXXXXX")"
  trap 'rm -rf "$cut"' EXIT
  /usr/bin/python3 - "$data" "$cut" "$limit" <<'PY'
import os, struct, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
for name in os.listdir(src):
    if not name.endswith("ubyte"):
        continue
    raw = open(os.path.join(src, name), "rb").read()
    nd = raw[3]
    dims = struct.unpack(">" + "I" * nd, raw[4:4 + 4 * nd])
    keep = min(n, dims[0]) if name.startswith("train") else dims[0]
    per = 1
    for d in dims[1:]:
        per *= d
    head = raw[:4] + struct.pack(">" + "I" * nd, keep, *dims[1:])
    open(os.path.join(dst, name), "wb").write(head + raw[4 + 4 * nd:4 + 4 * nd + keep * per])
PY
  data="$cut"
fi
epochs=$((passes + 1))
field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$2" <<<"$1"; }
cpufile="$(mktemp "${TMPDIR:-/tmp}/convnet-cpu.XXXXXX")"
timed() { # command...: its stdout; the process's user+sys seconds into $cpufile
  /usr/bin/time -f '%U %S' -o "$cpufile" "$@"
}
cpu_per_epoch() { awk -v e="$epochs" '{printf "%.1f", ($1 + $2) / e}' "$cpufile"; }
torch_run() { # dtype
  timed /usr/bin/python3 "$here/convnet_torch.py" --data "$data" --dtype "$1" --passes "$passes" --warmup 1 --threads "$threads" \
    --optimizer adam --lr 0.001 --dropout 0.5
}
chainrule_run() {
  timed "$runner" bench "$config" --data "$data" --threads "$threads" --passes "$passes" --warmup 1 --json 2>/dev/null
}
"$runner" --version >/dev/null   # builds the jar first if it is stale, outside the timing
t32=(); t64=(); tc=(); c32=(); c64=(); cc=()
for r in $(seq "$rounds"); do
  t32+=("$(field "$(torch_run float32)" medianEpochSeconds)"); c32+=("$(cpu_per_epoch)")
  t64+=("$(field "$(torch_run float64)" medianEpochSeconds)"); c64+=("$(cpu_per_epoch)")
  tc+=("$(field "$(chainrule_run)" medianEpochSeconds)"); cc+=("$(cpu_per_epoch)")
  echo "round $r: torch f32 ${t32[-1]} s (${c32[-1]} CPU s), torch f64 ${t64[-1]} s (${c64[-1]} CPU s), chainrule f64 ${tc[-1]} s (${cc[-1]} CPU s)" >&2
done
rm -f "$cpufile"
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m32="$(med "${t32[@]}")"; m64="$(med "${t64[@]}")"; mc="$(med "${tc[@]}")"
k32="$(med "${c32[@]}")"; k64="$(med "${c64[@]}")"; kc="$(med "${cc[@]}")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -1), torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "each figure: median over $rounds rounds of the median of $passes timed epochs after 1 warm-up; $threads thread(s) each; $( [[ "$limit" != 0 ]] && echo "epochs of the first $limit samples" || echo "full 60000-sample epochs")"
echo
echo "| implementation | s/epoch (wall) | chainrule f64 is | CPU s/epoch (process, warm-up incl.) |"
echo "|---|---:|---:|---:|"
ratio() { python3 -c "a=float('$1'); b=float('$2'); print(f'{a/b:.2f}× faster' if a>=b else f'{b/a:.2f}× slower')"; }
echo "| PyTorch float32 | $m32 | $(ratio "$m32" "$mc") | $k32 |"
echo "| PyTorch float64 | $m64 | $(ratio "$m64" "$mc") | $k64 |"
echo "| chainrule float64 | $mc | — | $kc |"
