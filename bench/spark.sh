#!/usr/bin/env bash
# docs/spark.md's figures, side by side in one run on this machine:
#  1. a sweep of 4 mnist-3layer variants (bench/sweep-mnist.json: learning rate × first width) run one after the
#     other (--workers 1), on 2 local workers (--workers 2) and as Spark tasks on local[2]; wall seconds and the
#     ratio to one after the other (goal ≤ 0.6), and that every variant's weights.bin agree across the three;
#  2. Spark training's per-step cost (dev.chainrule.spark.SyncBench): mnist-3layer's network at four widths,
#     K = 2 and 4, the shards on one machine against the same shards as Spark tasks, and the bare round trip
#     (broadcast, K tasks, gradient-sized results collected in order);
#  3. `runner train configs/mnist-3layer.json` with training.shards 2, batch 256, 1 epoch: local and --spark local[2].
#
#   bench/spark.sh [--batch B] [--steps S] [--rounds R] [--skip-sweep] [--skip-steps]
#
# The sweep timings alternate (one after the other, 2 workers, Spark) R times (default 2) so that all three see the
# same machine noise; each row gives the median and the range.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/.." && pwd -P)"
batch=256; steps=30; sweep=1; rounds=2; stepsbench=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --batch) batch="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --skip-sweep) sweep=0; shift ;;
    --skip-steps) stepsbench=0; shift ;;
    *) echo "spark.sh: unknown argument '$1'; valid: --batch B, --steps S, --rounds R, --skip-sweep, --skip-steps" >&2; exit 2 ;;
  esac
done
rs="$root/spark/bin/runner-spark"
"$rs" --version >/dev/null   # builds runner.jar and the spark module once, outside the timings
out="$(mktemp -d "${TMPDIR:-/tmp}/chainrule-spark-bench.XXXXXX")"
trap 'rm -rf "$out"' EXIT
echo "# $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
secs() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
med() { sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.1f (%.1f–%.1f)", m, a[1], a[NR] }'; }
if [[ $sweep == 1 ]]; then
  : > "$out/seq.t"; : > "$out/par.t"; : > "$out/spark.t"
  same=yes
  for r in $(seq 1 "$rounds"); do
    secs "$rs" sweep "$root/bench/sweep-mnist.json" --workers 1 --out "$out/seq$r" >> "$out/seq.t"
    secs "$rs" sweep "$root/bench/sweep-mnist.json" --workers 2 --out "$out/par$r" >> "$out/par.t"
    secs "$rs" sweep "$root/bench/sweep-mnist.json" --spark 'local[2]' --out "$out/spark$r" >> "$out/spark.t"
    for v in "$out"/seq1/mnist-3layer-*/weights.bin; do
      n="$(basename "$(dirname "$v")")"
      cmp -s "$v" "$out/par$r/$n/weights.bin" && cmp -s "$v" "$out/spark$r/$n/weights.bin" || same=no
    done
  done
  s1=$(sort -g "$out/seq.t" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  s2=$(sort -g "$out/par.t" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  s3=$(sort -g "$out/spark.t" | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }')
  echo
  echo "| sweep of 4 mnist-3layer variants, $rounds alternating rounds | wall s, median (range) | ratio of medians |"
  echo "|---|---:|---:|"
  printf '| one after the other (--workers 1) | %s | 1.00 |\n' "$(med < "$out/seq.t")"
  printf '| 2 local workers (--workers 2) | %s | %.2f |\n' "$(med < "$out/par.t")" "$(echo "$s2 / $s1" | bc -l)"
  printf '| Spark local[2], one task per run | %s | %.2f |\n' "$(med < "$out/spark.t")" "$(echo "$s3 / $s1" | bc -l)"
  echo
  echo "every variant's weights.bin identical across all runs: $same"
  echo
  cat "$out/par1/summary.txt"
fi
[[ $stepsbench == 1 ]] || exit 0
echo
echo "Per step, batch $batch, median of $steps steps:"
echo
(cd "$out" && java --add-modules jdk.incubator.vector -Dslf4j.provider=org.apache.logging.slf4j.SLF4JServiceProvider \
  -cp "$root/runner/target/runner.jar:$root/spark/target/chainrule-spark.jar:$root/spark/target/lib/*" \
  dev.chainrule.spark.SyncBench 'local[2]' "$batch" "$steps" 2 4 2>/dev/null)
echo
python3 - "$root/configs/mnist-3layer.json" "$out/k2.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["training"].update({"shards": 2, "batchSize": 256, "epochs": 1})
json.dump(c, open(sys.argv[2], "w"))
PY
t1=$(secs "$rs" train "$out/k2.json" --out "$out/k2-local")
t2=$(secs "$rs" train "$out/k2.json" --out "$out/k2-spark" --spark 'local[2]')
steps_per_epoch=$(( (60000 + 255) / 256 ))
echo "| mnist-3layer, shards 2, batch 256, 1 epoch ($steps_per_epoch steps) | wall s | ms/step over local |"
echo "|---|---:|---:|"
printf '| one machine | %.1f | |\n' "$t1"
printf '| --spark local[2] | %.1f | %.1f |\n' "$t2" "$(echo "($t2 - $t1) * 1000 / $steps_per_epoch" | bc -l)"
cmp -s "$out/k2-local/weights.bin" "$out/k2-spark/weights.bin" && echo "weights.bin identical: yes" || echo "weights.bin identical: NO"
