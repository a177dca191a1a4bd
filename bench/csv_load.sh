#!/usr/bin/env bash
# chainrule's csv source against pandas.read_csv on one seeded 1,000,000 × 20 numeric CSV: alternating runs
# (pandas, chainrule, pandas, chainrule, ...), each in a fresh process, timing the load call only
# (in-process clock: pd.read_csv(file) / CsvProvider.load), wall and CPU seconds (the process's CPU time
# over the call, every thread: chainrule's two parsing threads, its JIT and GC; pandas' C parser). Prints every
# run, then min/median/max per side and the ratio of the medians. On a shared machine the wall times follow
# the load average; the CPU times much less.
#
#   bench/csv_load.sh [--rounds R] [--rows N] [--values decimal6|full] [--dir FOLDER]
#
# --values decimal6 (default): Gaussian values with 6 decimals (-0.734181); full: Double.toString of uniform
# values, 16-17 significant digits (-0.8254838707328823), the harder case for a number parser.
# pandas comes from a venv at /tmp/venv-bench (made on first use: python3 -m venv, pip install pandas numpy).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
root="$(cd "$here/.." && pwd -P)"
rounds=3; rows=1000000; values=decimal6; dir="${TMPDIR:-/tmp}/chainrule-csv-bench"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
    --values) values="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    *) echo "csv_load.sh: unknown argument '$1'; valid: --rounds R, --rows N, --values decimal6|full, --dir FOLDER" >&2; exit 2 ;;
  esac
done
venv=/tmp/venv-bench
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c 'import pandas' 2>/dev/null; then
  python3 -m venv "$venv" && "$venv/bin/pip" install -q pandas numpy
fi
(cd "$root" && mvn -B -q -o package -pl datasources -am -DskipTests)
cp="$root/datasources/target/classes:$root/datasources/target/test-classes:$root/api/target/classes"
case "$values" in
  decimal6) full="" ;;
  full) full="full" ;;
  *) echo "csv_load.sh: --values must be decimal6 or full, got '$values'" >&2; exit 2 ;;
esac
mkdir -p "$dir"
file="$dir/bench-$rows${full:+-full}.csv"
if [[ ! -s "$file" ]]; then
  java -cp "$cp" dev.chainrule.datasources.CsvLoadBench generate "$file.tmp" "$rows" $full && mv "$file.tmp" "$file"
fi
echo "file: $file ($(du -h "$file" | cut -f1), $rows rows × 20 columns, values $values); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); java $(java -version 2>&1 | head -1 | cut -d'"' -f2); pandas $("$venv/bin/python" -c 'import pandas; print(pandas.__version__)')"
pandas_run() {
  "$venv/bin/python" - "$file" <<'PY'
import sys, time
import pandas as pd
c = time.process_time(); t = time.perf_counter(); df = pd.read_csv(sys.argv[1])
s = time.perf_counter() - t; cpu = time.process_time() - c
print(f"{s:.4f} {cpu:.4f} {df.shape[0]} {df.shape[1]}")
PY
}
chainrule_run() {
  java -cp "$cp" dev.chainrule.datasources.CsvLoadBench load "$file"
}
pa=(); ch=(); pac=(); chc=()
for ((i = 1; i <= rounds; i++)); do
  read -r pw pc prows pcols <<< "$(pandas_run)"; read -r cw cc crows ccols <<< "$(chainrule_run)"
  echo "round $i: pandas wall $pw s cpu $pc s ($prows × $pcols), chainrule wall $cw s cpu $cc s ($crows rows × $ccols features + label)"
  pa+=("$pw"); ch+=("$cw"); pac+=("$pc"); chc+=("$cc")
done
stats() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
  printf "min %.3f  median %.3f  max %.3f", a[1], m, a[NR]; print "" > "/dev/stderr"; print m > "/tmp/.csvbench.median" }' 2>/dev/null; }
ratio() { awk -v p="$1" -v c="$2" -v w="$3" 'BEGIN { printf "median %s ratio chainrule/pandas: %.2f (%.2fx %s)\n", w, c / p, (c < p ? p / c : c / p), (c < p ? "faster" : "slower") }'; }
ps=$(stats "${pa[@]}"); pm=$(cat /tmp/.csvbench.median)
cs=$(stats "${ch[@]}"); cm=$(cat /tmp/.csvbench.median)
pcs=$(stats "${pac[@]}"); pcm=$(cat /tmp/.csvbench.median)
ccs=$(stats "${chc[@]}"); ccm=$(cat /tmp/.csvbench.median)
echo "pandas.read_csv  wall s: $ps   cpu s: $pcs"
echo "chainrule csv    wall s: $cs   cpu s: $ccs"
ratio "$pm" "$cm" wall
ratio "$pcm" "$ccm" cpu
