#!/usr/bin/env bash
# Same-run A/B of `runner bench` between another checkout (A, e.g. a build of the previous head) and this one (B):
# alternating A, B, A, B ... so both see the same machine noise, at each batch size; prints each run's samples/s
# and, per side, the median and the range (the spread this noisy machine gives).
#
#   bench/ab.sh OTHER_CHECKOUT [--rounds R] [--batches "1 128"] [--passes P] [--config FILE]
#
# OTHER_CHECKOUT is a chainrule working tree (git worktree add ../baseline <commit>); its runner/bin/runner builds
# itself on first use.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/.." && pwd -P)"
[[ $# -ge 1 ]] || { sed -n '2,9p' "$0"; exit 2; }
other="$(cd "$1" && pwd -P)"; shift
rounds=3; batches="1 128"; passes=2; config="configs/mnist-3layer.json"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --batches) batches="$2"; shift 2 ;;
    --passes) passes="$2"; shift 2 ;;
    --config) config="$2"; shift 2 ;;
    *) echo "ab.sh: unknown argument '$1'; valid: --rounds R, --batches \"B ...\", --passes P, --config FILE" >&2; exit 2 ;;
  esac
done
run() {  # $1 checkout, $2 batch → samples/s
  (cd "$1" && runner/bin/runner bench "$config" --batch-size "$2" --passes "$passes" --json 2>/dev/null) \
    | grep -o '"samplesPerSecond":[0-9.eE+-]*' | head -1 | cut -d: -f2
}
summary() {  # numbers on stdin → "median min–max"
  sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
    printf "%.0f (%.0f–%.0f)", m, a[1], a[NR] }'
}
echo "A = $other ($(git -C "$other" rev-parse --short HEAD)), B = $root ($(git -C "$root" rev-parse --short HEAD))"
echo "| batch | A samples/s median (range) | B samples/s median (range) | B/A |"
echo "|---:|---:|---:|---:|"
for b in $batches; do
  as=(); bs=()
  for ((r = 0; r < rounds; r++)); do
    as+=("$(run "$other" "$b")"); bs+=("$(run "$root" "$b")")
  done
  am=$(printf '%s\n' "${as[@]}" | summary); bm=$(printf '%s\n' "${bs[@]}" | summary)
  ratio=$(awk -v a="${am%% *}" -v b="${bm%% *}" 'BEGIN { printf "%.3f", b / a }')
  echo "| $b | $am | $bm | $ratio |"
  echo "  runs A: ${as[*]}; B: ${bs[*]}" >&2
done
