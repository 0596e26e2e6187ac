#!/usr/bin/env bash
# Profiles behind benchmarks/PROFILING.md (issue #9). Needs py-spy (a dev tool, not a dependency:
# pip install py-spy) and the data of benchmarks/run.sh (generated first if missing).
#
#   benchmarks/profile.sh [--out DIR] [--data DIR]
#
# Writes DIR/*.raw (py-spy collapsed stacks), DIR/*.md (summaries by process, stage, function),
# DIR/startup.cprofile.txt and DIR/importtime.txt.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=$HERE/work/profiles
DATA=$HERE/data
while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) OUT=$2; shift ;;
        --data) DATA=$2; shift ;;
        *) echo "profile.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
EGFR=${EGFR_ANNOT:-$(command -v egfr-annot)}
PYTHON=${PYTHON:-$(head -n 1 "$EGFR" | sed -n 's/^#!//p')}
PYTHON=${PYTHON:-python3}
PYSPY=${PYSPY:-$(command -v py-spy || echo "$(dirname "$PYTHON")/py-spy")}
mkdir -p "$OUT" "$DATA"
SCRATCH=$OUT/scratch
mkdir -p "$SCRATCH"

"$PYTHON" "$HERE/generate.py" --records 5000000 --panel-fraction 0.04 --out "$DATA/wgs_5M.vcf.gz" --reuse
"$PYTHON" "$HERE/generate.py" --records 5000000 --panel-fraction 0.0005 \
    --out "$DATA/wgs_5M_indexed.vcf.gz" --index --reuse
"$PYTHON" "$HERE/generate.py" --panel-vcfs 1000 --records-per-file 200 \
    --out-dir "$DATA/panel_vcfs_1000" --reuse
PANEL=$DATA/panel_vcfs_1000/PT0000.vcf.gz

spy() { # spy NAME COMMAND...
    local name=$1
    shift
    "$PYSPY" record -f raw -r 250 --subprocesses -o "$OUT/$name.raw" -- "$@" >/dev/null 2>&1
    "$PYTHON" "$HERE/profile_summary.py" "$OUT/$name.raw" --stage-map --top 25 > "$OUT/$name.md"
    echo "wrote $OUT/$name.md" >&2
}

spy unindexed_5M "$EGFR" run "$DATA/wgs_5M.vcf.gz" -q --no-checksum --out-dir "$SCRATCH"
spy indexed_5M "$EGFR" run "$DATA/wgs_5M_indexed.vcf.gz" -q --out-dir "$SCRATCH"
spy panel_200 "$EGFR" run "$PANEL" -q --out-dir "$SCRATCH"
rm -rf "$SCRATCH/batch"
spy batch_1000 "$EGFR" batch "$DATA/panel_vcfs_1000" --out-dir "$SCRATCH/batch" --workers 2

"$PYTHON" -m cProfile -s cumulative -m egfr_annot run "$PANEL" -q --out-dir "$SCRATCH" \
    2>&1 | head -n 80 > "$OUT/startup.cprofile.txt"
"$PYTHON" -X importtime -m egfr_annot run "$PANEL" -q --out-dir "$SCRATCH" 2> "$OUT/importtime.txt"
echo "profiles in $OUT" >&2
