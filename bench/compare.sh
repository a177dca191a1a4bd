#!/usr/bin/env bash
# chainrule against numpy on the notes' model (784-128-64-10 sigmoid, softmax-CE, Glorot-uniform weights,
# zero biases, SGD lr 0.1 on the mean gradient, full 60k MNIST epochs, training only), back to back at
# batch sizes 1, 32 and 128. Prints a markdown table; the ratio is chainrule's samples/s over numpy float64's.
#
#   bench/compare.sh [--data DIR] [--threads T] [--passes P]
#
# DIR holds train-images-idx3-ubyte and train-labels-idx1-ubyte (default: the runner's MNIST cache,
# ~/.cache/chainrule/mnist, filled by runner/bin/runner on first use).
# numpy at its best, in its own command only: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (some shells set
# them, forcing slower kernels), and glibc told to keep freed memory (MALLOC_MMAP_THRESHOLD_,
# MALLOC_TRIM_THRESHOLD_): every numpy step allocates 800 KB temporaries, which glibc otherwise maps and unmaps
# each time; in a sandbox with slow page faults that alone made batch 1 20x slower (1.3 ms per W update).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/.." && pwd -P)"
data="${XDG_CACHE_HOME:-$HOME/.cache}/chainrule/mnist"
threads=$(( $(nproc) >= 2 ? 2 : 1 ))  # the runner's default: batches of 32+ rows split over 2 cores
passes=5
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --passes) passes="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1'; valid: --data DIR, --threads T, --passes P" >&2; exit 2 ;;
  esac
done
config="$root/configs/mnist-3layer.json"
runner="$root/runner/bin/runner"
if [[ ! -f "$data/train-images-idx3-ubyte" ]]; then
  # the runner fetches and verifies MNIST into its cache on first use
  "$runner" bench "$config" --batch-size 128 --passes 1 --warmup 0 >/dev/null
  data="${XDG_CACHE_HOME:-$HOME/.cache}/chainrule/mnist"
fi
numpy() { # batch dtype passes
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=268435456 \
    python3 "$here/numpy_baseline.py" --data "$data" \
    --batch "$1" --dtype "$2" --passes "$3" --warmup 1 --lr 0.1
}
chainrule() { # batch
  "$runner" bench "$config" --data "$data" --batch-size "$1" --threads "$threads" --passes "$passes" --warmup 1 --json 2>/dev/null
}
field() { # json key
  python3 -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$2" <<<"$1"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -1), numpy $(python3 -c 'import numpy; print(numpy.__version__)')"
echo "chainrule: $passes timed epochs after 1 warm-up, $threads thread(s); numpy: 2 timed epochs at batch 1, $passes otherwise, after 1 warm-up; medians"
echo
echo "| batch | numpy f64 s/epoch | numpy f32 s/epoch | chainrule s/epoch | chainrule samples/s | ratio vs numpy f64 |"
echo "|---:|---:|---:|---:|---:|---:|"
for b in 1 32 128; do
  if [[ $b == 1 ]]; then np64="$(numpy 1 float64 2)"; np32=""; else np64="$(numpy "$b" float64 "$passes")"; np32="$(numpy "$b" float32 "$passes")"; fi
  cr="$(chainrule "$b")"
  t64="$(field "$np64" medianEpochSeconds)"
  t32="$( [[ -n "$np32" ]] && field "$np32" medianEpochSeconds || echo "—")"
  tc="$(field "$cr" medianEpochSeconds)"
  sps="$(field "$cr" samplesPerSecond)"
  ratio="$(python3 -c "print(f'{float(\"$t64\") / float(\"$tc\"):.2f}×')")"
  printf '| %s | %s | %s | %s | %.0f | %s |\n' "$b" "$t64" "$t32" "$tc" "$sps" "$ratio"
done
