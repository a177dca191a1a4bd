#!/usr/bin/env bash
# chainrule float64 against PyTorch 2 (float32 and float64) and Keras 3 / TensorFlow (float32) on the convnet of
# configs/mnist-cnn.json (conv 32@3x3 relu, maxpool 2, conv 64@3x3 relu, maxpool 2, flatten, dropout 0.5, dense 10
# softmax; He-normal conv kernels, Glorot-uniform dense weights, zero biases; Adam lr 1e-3; batch 128; MNIST
# epochs, training only), each on --threads threads (torch.set_num_threads; TensorFlow intra-op T, inter-op 1).
# Every round runs each
# implementation once, one after the other, so load from other processes hits all alike. Prints one markdown
# table: each implementation's median epoch per round (wall seconds), their median, samples/s, CPU seconds per
# epoch (the whole process's, every thread, over the timed epochs: the steadier figure on a shared machine), and
# chainrule's ratio to each, with the goal line (chainrule f64 at least as fast as PyTorch f32).
#
#   bench/convnet.sh [--data DIR] [--passes P] [--rounds R] [--threads T] [--limit N] [--skip LIST] [--debian-torch]
#
# --limit N: the first N training samples only (a cut copy of the IDX files in a temporary folder), for a quick
# comparison; a full epoch is 60000. --skip LIST: comma-separated implementations left out, of torch32, torch64,
# keras (torch64 is the slow one: ~10x chainrule's epoch). --debian-torch: PyTorch from /usr/bin/python3 (Debian's
# python3-torch) instead of the venv's.
#
# The venvs are made on first use under ${XDG_CACHE_HOME:-~/.cache}/chainrule/bench-venv: torch/ (pip install
# torch numpy) and keras/ (pip install tensorflow-cpu keras numpy), from whatever index pip is configured with.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/.." && pwd -P)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/chainrule"
data="$cache/mnist"
threads=$(( $(nproc) >= 2 ? 2 : 1 ))
passes=2
rounds=2
limit=0
skip=""
debian_torch=0
usage="valid: --data DIR, --passes P, --rounds R, --threads T, --limit N, --skip torch32,torch64,keras, --debian-torch"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --passes) passes="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --limit) limit="$2"; shift 2 ;;
    --skip) skip="$2"; shift 2 ;;
    --debian-torch) debian_torch=1; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "convnet.sh: unknown argument '$1'; $usage" >&2; exit 2 ;;
  esac
done
for n in "$passes" "$rounds" "$threads" "$limit"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "convnet.sh: --passes, --rounds, --threads and --limit take whole numbers, got '$n'" >&2; exit 2; }
done
(( passes >= 1 && rounds >= 1 && threads >= 1 )) || { echo "convnet.sh: --passes, --rounds and --threads must be at least 1" >&2; exit 2; }
impls=()
for i in torch32 torch64 keras; do
  [[ ",$skip," == *",$i,"* ]] || impls+=("$i")
done
for s in ${skip//,/ }; do
  [[ "$s" =~ ^(torch32|torch64|keras)$ ]] || { echo "convnet.sh: --skip takes torch32, torch64, keras; got '$s'" >&2; exit 2; }
done
impls+=(chainrule)
config="$root/configs/mnist-cnn.json"
runner="$root/runner/bin/runner"
venv() { # name packages...: the venv's python, made on first use
  local dir="$cache/bench-venv/$1"; shift
  if [[ ! -x "$dir/bin/python" ]] || ! "$dir/bin/python" -c "import ${VENV_IMPORT}" 2>/dev/null; then
    echo "convnet.sh: making $dir (pip install $*)..." >&2
    python3 -m venv "$dir" >&2 && "$dir/bin/pip" install -q --retries 1 "$@" >&2 \
      || { echo "convnet.sh: could not install $* into $dir" >&2; exit 2; }
  fi
  echo "$dir/bin/python"
}
need_torch=0
for i in "${impls[@]}"; do [[ "$i" == torch* ]] && need_torch=1; done
if (( need_torch )); then
  if (( debian_torch )); then
    torch_py=/usr/bin/python3
    /usr/bin/python3 -c 'import torch' 2>/dev/null \
      || { echo "convnet.sh: --debian-torch: PyTorch missing for /usr/bin/python3 (apt-get install -y python3-torch)" >&2; exit 2; }
  else
    torch_py="$(VENV_IMPORT=torch venv torch torch numpy)"
  fi
fi
[[ " ${impls[*]} " == *" keras "* ]] && keras_py="$(VENV_IMPORT='keras, tensorflow' venv keras tensorflow-cpu keras numpy)"
if [[ ! -f "$data/train-images-idx3-ubyte" ]]; then
  "$runner" bench "$config" --passes 1 --warmup 0 >/dev/null
  data="$cache/mnist"
fi
if [[ "$limit" != 0 ]]; then
  cut="$(mktemp -d "${TMPDIR:-/tmp}/convnet-bench.XXXXXX")"
  trap 'rm -rf "$cut"' EXIT
  python3 - "$data" "$cut" "$limit" <<'PY'
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
run() { # implementation: one JSON line with medianEpochSeconds and the process's CPU seconds per epoch
  case "$1" in
    torch32|torch64)
      "$torch_py" "$here/convnet_torch.py" --data "$data" --dtype "$([[ $1 == torch32 ]] && echo float32 || echo float64)" \
        --passes "$passes" --warmup 1 --threads "$threads" --optimizer adam --lr 0.001 --dropout 0.5 ;;
    keras)
      "$keras_py" "$here/convnet_keras.py" --data "$data" --passes "$passes" --warmup 1 --threads "$threads" 2>/dev/null ;;
    chainrule)
      "$runner" bench "$config" --data "$data" --threads "$threads" --passes "$passes" --warmup 1 --json 2>/dev/null ;;
  esac
}
label() {
  case "$1" in
    torch32) echo "PyTorch $torch_version float32" ;;
    torch64) echo "PyTorch $torch_version float64" ;;
    keras) echo "Keras $keras_version / TensorFlow $tf_version float32" ;;
    chainrule) echo "chainrule float64" ;;
  esac
}
"$runner" --version >/dev/null   # builds the jar first if it is stale, outside the timing
declare -A wall cpu samples
for r in $(seq "$rounds"); do
  line="round $r:"
  for i in "${impls[@]}"; do
    out="$(run "$i" | tail -n 1)"
    read -r w c s <<<"$(python3 -c 'import json,sys; j=json.loads(sys.argv[1]); c=j.get("medianEpochProcessCpuSeconds", j.get("medianEpochCpuSeconds")); print(j["medianEpochSeconds"], c, j["samplesPerSecond"])' "$out")"
    wall[$i]="${wall[$i]:-} $w"; cpu[$i]="${cpu[$i]:-} $c"; samples[$i]="$(python3 -c "print(round($w * $s))")"
    line+=" $i $w s ($c CPU s)"
  done
  echo "$line" >&2
done
torch_version="$( (( need_torch )) && "$torch_py" -c 'import torch; print(torch.__version__)' || echo -)"
if [[ -n "${keras_py:-}" ]]; then
  read -r keras_version tf_version <<<"$(TF_CPP_MIN_LOG_LEVEL=3 "$keras_py" -c 'import keras, tensorflow as tf; print(keras.__version__, tf.__version__)' 2>/dev/null)"
fi
cpuinfo() { grep -m1 "^$1" /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'; }
echo "machine: $(nproc) cores, $(cpuinfo 'model name') (family $(cpuinfo 'cpu family') model $(cpuinfo 'model[[:space:]]')), $(grep -q avx512f /proc/cpuinfo && echo 'AVX-512, ')$(awk '/MemTotal/ {printf "%.0f GB", $2 / 1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "each figure: the median of $passes timed epoch(s) after 1 warm-up, per round; $rounds round(s); $threads thread(s) each; $( [[ "$limit" != 0 ]] && echo "epochs of the first $limit samples" || echo "full 60000-sample epochs")"
echo
python3 - "$rounds" "${impls[@]}" <<PY
import statistics, sys
rounds = int(sys.argv[1])
impls = sys.argv[2:]
wall = {$(for i in "${impls[@]}"; do printf '"%s": [%s], ' "$i" "$(echo ${wall[$i]} | tr ' ' ',')"; done)}
cpu = {$(for i in "${impls[@]}"; do printf '"%s": [%s], ' "$i" "$(echo ${cpu[$i]} | tr ' ' ',')"; done)}
samples = {$(for i in "${impls[@]}"; do printf '"%s": %s, ' "$i" "${samples[$i]}"; done)}
labels = {$(for i in "${impls[@]}"; do printf '"%s": "%s", ' "$i" "$(label "$i")"; done)}
med = {i: statistics.median(wall[i]) for i in impls}
mc = med["chainrule"]
print("| implementation | s/epoch per round | median s/epoch | samples/s | CPU s/epoch (median) | chainrule f64's speed ÷ this one's |")
print("|---|---|---:|---:|---:|---:|")
for i in impls:
    if i == "chainrule":
        ratio = "—"
    else:
        ratio = f"{med[i] / mc:.2f}×"
    print(f"| {labels[i]} | {', '.join(f'{t:.3f}' for t in wall[i])} | {med[i]:.3f} | {samples[i] / med[i]:.0f} | "
          f"{statistics.median(cpu[i]):.2f} | {ratio} |")
if "torch32" in impls:
    r = med["torch32"] / mc
    print()
    print(f"goal: chainrule f64 ≥ 1.0× PyTorch f32's speed: {r:.2f}× — {'met' if r >= 1 else 'open'}")
load, cores = float(open("/proc/loadavg").read().split()[0]), $(nproc)
if load > cores:
    print(f"warning: load average {load:.1f} on {cores} cores: the wall times measure the queue for a core (and "
          "PyTorch's OpenMP threads spin while they wait), so the ratios compare nothing; read the CPU seconds, "
          "or run on a quiet machine")
PY
