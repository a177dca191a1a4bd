#!/usr/bin/env bash
# chainrule against numpy on the notes' model (784-128-64-10 sigmoid, softmax-CE, Glorot-uniform weights,
# zero biases, SGD lr 0.1 on the mean gradient, full 60k MNIST epochs, training only), on the two goals side by
# side: batch 1 against numpy's per-sample loop (target 12×) and batch 128 against numpy float64 (target 1.5×).
# The four commands alternate in rounds (numpy 1, chainrule 1, numpy 128, chainrule 128, then the next round in
# reverse order), so a change of machine load hits both sides of a ratio alike. Prints each round's median
# epoch seconds, then one markdown table: medians over the rounds with min–max, the ratio of the medians and
# the range of the per-round ratios, in wall seconds and in CPU seconds (numpy: the process, every thread;
# chainrule: its training thread, so at batch 128 on 2 threads the second thread's share is left out). On a
# shared machine read the CPU ratio at batch 1, where both sides run on one thread.
#
#   bench/compare.sh [--data DIR] [--threads T] [--passes P] [--rounds R]
#
# DIR holds train-images-idx3-ubyte and train-labels-idx1-ubyte (default: the runner's MNIST cache,
# ~/.cache/chainrule/mnist, filled by runner/bin/runner on first use). P timed epochs per command and round
# after one warm-up epoch (default 2), R rounds (default 3).
# numpy at its best, in its own command only: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (some shells set
# them, forcing slower kernels), and glibc told to keep freed memory (MALLOC_MMAP_THRESHOLD_,
# MALLOC_TRIM_THRESHOLD_): every numpy step allocates 800 KB temporaries, which glibc otherwise maps and unmaps
# each time; in a sandbox with slow page faults that alone made batch 1 20x slower (1.3 ms per W update).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/.." && pwd -P)"
data="${XDG_CACHE_HOME:-$HOME/.cache}/chainrule/mnist"
threads=$(( $(nproc) >= 2 ? 2 : 1 ))  # the runner's default: batches of 32+ rows split over 2 cores
passes=2
rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --passes) passes="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument '$1'; valid: --data DIR, --threads T, --passes P, --rounds R" >&2; exit 2 ;;
  esac
done
for v in "$threads" "$passes" "$rounds"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --threads, --passes and --rounds take a positive whole number, got '$v'" >&2; exit 2; }
done
config="$root/configs/mnist-3layer.json"
runner="$root/runner/bin/runner"
if [[ ! -f "$data/train-images-idx3-ubyte" ]]; then
  # the runner fetches and verifies MNIST into its cache on first use
  "$runner" bench "$config" --batch-size 128 --passes 1 --warmup 0 >/dev/null
  data="${XDG_CACHE_HOME:-$HOME/.cache}/chainrule/mnist"
fi
numpy() { # batch
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=268435456 \
    python3 "$here/numpy_baseline.py" --data "$data" --batch "$1" --dtype float64 --passes "$passes" --warmup 1 --lr 0.1
}
chainrule() { # batch
  "$runner" bench "$config" --data "$data" --batch-size "$1" --threads "$threads" --passes "$passes" --warmup 1 --json 2>/dev/null
}
seconds() { # json: its median epoch wall and CPU seconds
  python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["medianEpochSeconds"], d["medianEpochCpuSeconds"])' <<<"$1"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -1), numpy $(python3 -c 'import numpy; print(numpy.__version__)'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "each command: $passes timed epochs after 1 warm-up, median; chainrule on $threads thread(s); $rounds rounds"
echo
results="$(mktemp "${TMPDIR:-/tmp}/compare.XXXXXX")"
trap 'rm -f "$results"' EXIT
runs=("numpy 1" "chainrule 1" "numpy 128" "chainrule 128")
for ((r = 1; r <= rounds; r++)); do
  order=(0 1 2 3)
  (( r % 2 == 0 )) && order=(3 2 1 0)
  line="round $r:"
  for i in "${order[@]}"; do
    read -r impl b <<<"${runs[$i]}"
    read -r s c <<<"$(seconds "$("$impl" "$b")")"
    echo "$r $impl $b $s $c" >>"$results"
    line+=" $impl@$b ${s}s (cpu ${c}s)"
  done
  echo "$line (load $(cut -d' ' -f1 /proc/loadavg))"
done
echo
python3 - "$results" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
t = {}
for r, impl, b, s, c in rows:
    t.setdefault((impl, int(b)), {})[int(r)] = (float(s), float(c))
def span(v):
    return f"{statistics.median(v):.3f} ({min(v):.3f}–{max(v):.3f})"
print("| goal | seconds | numpy f64 s/epoch | chainrule s/epoch | ratio of medians | per-round ratios | target | met |")
print("|---|---|---:|---:|---:|---:|---:|---|")
for b, goal, target in ((1, "batch 1 vs numpy's per-sample loop", 12.0), (128, "batch 128 vs numpy float64", 1.5)):
    for k, kind in ((0, "wall"), (1, "CPU")):
        n = {r: v[k] for r, v in t[("numpy", b)].items()}
        c = {r: v[k] for r, v in t[("chainrule", b)].items()}
        ratio = statistics.median(n.values()) / statistics.median(c.values())
        per = [n[r] / c[r] for r in sorted(n) if r in c]
        met = ("yes" if ratio >= target else "no") if k == 0 else "—"
        print(f"| {goal} | {kind} | {span(list(n.values()))} | {span(list(c.values()))} | {ratio:.2f}× | "
              f"{min(per):.2f}–{max(per):.2f}× | {target:g}× | {met} |")
EOF
