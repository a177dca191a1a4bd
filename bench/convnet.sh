#!/usr/bin/env bash
# chainrule against PyTorch (CPU) on the convnet of configs/mnist-cnn.json (conv 32@3x3 relu, maxpool 2,
# conv 64@3x3 relu, maxpool 2, flatten, dense 10 softmax; batch 128; full 60k MNIST epochs, training only).
# Runs alternate: torch float32, torch float64, chainrule float64, repeated --rounds times, so load from other
# processes hits all three alike. Prints a markdown table of median seconds per epoch and ratios.
#
#   bench/convnet.sh [--data DIR] [--passes P] [--rounds R] [--threads T]
#
# PyTorch is Debian's python3-torch (apt-get install -y python3-torch), run by /usr/bin/python3.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/.." && pwd -P)"
data="${XDG_CACHE_HOME:-$HOME/.cache}/chainrule/mnist"
threads=$(( $(nproc) >= 2 ? 2 : 1 ))
passes=2
rounds=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --passes) passes="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "convnet.sh: unknown argument '$1'; valid: --data DIR, --passes P, --rounds R, --threads T" >&2; exit 2 ;;
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
field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$2" <<<"$1"; }
torch_run() { # dtype
  /usr/bin/python3 "$here/convnet_torch.py" --data "$data" --dtype "$1" --passes "$passes" --warmup 1 --threads "$threads"
}
chainrule_run() {
  "$runner" bench "$config" --data "$data" --threads "$threads" --passes "$passes" --warmup 1 --json 2>/dev/null
}
t32=(); t64=(); tc=()
for r in $(seq "$rounds"); do
  t32+=("$(field "$(torch_run float32)" medianEpochSeconds)")
  t64+=("$(field "$(torch_run float64)" medianEpochSeconds)")
  tc+=("$(field "$(chainrule_run)" medianEpochSeconds)")
  echo "round $r: torch f32 ${t32[-1]} s, torch f64 ${t64[-1]} s, chainrule f64 ${tc[-1]} s" >&2
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
m32="$(med "${t32[@]}")"; m64="$(med "${t64[@]}")"; mc="$(med "${tc[@]}")"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -1), torch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "each figure: median over $rounds rounds of the median of $passes timed epochs after 1 warm-up; $threads thread(s) each"
echo
echo "| implementation | s/epoch | chainrule f64 is |"
echo "|---|---:|---:|"
ratio() { python3 -c "a=float('$1'); b=float('$2'); print(f'{a/b:.2f}× faster' if a>=b else f'{b/a:.2f}× slower')"; }
echo "| PyTorch float32 | $m32 | $(ratio "$m32" "$mc") |"
echo "| PyTorch float64 | $m64 | $(ratio "$m64" "$mc") |"
echo "| chainrule float64 | $mc | — |"
