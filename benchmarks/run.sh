#!/usr/bin/env bash
# Speed benchmarks of egfr-annot (issue #9): generate the data, time egfr-annot and bcftools
# side by side (the ratio sections in interleaved rounds, interleave.py; start-up and batch with
# hyperfine), measure peak memory and import time, write RESULTS.md.
#
#   benchmarks/run.sh                 # full benchmark (1M + 5M records, indexed 5M, start-up,
#                                     # batch of 1,000 panel VCFs); ~15-25 min on 2 cores
#   benchmarks/run.sh --quick         # small files, few runs: a smoke test (~20 s)
#
# Options:
#   --quick            small sizes, 2 runs each (timings are NOT comparable to the targets)
#   --out DIR          results directory (timing JSON, RSS, importtime, RESULTS.md);
#                      default benchmarks/work/results (full) or benchmarks/work/quick
#   --data DIR         generated data (default benchmarks/data, git-ignored); reused when the
#                      generator's sidecar .json says it is already the requested file
#   --results FILE     where to write the Markdown summary (default: benchmarks/RESULTS.md for
#                      a full run, DIR/RESULTS.md for --quick)
#   --only LIST        comma-separated sections: large,indexed,memory,startup,batch
#   --runs N           interleaved rounds for the large files (default 11; --quick 2); the
#                      indexed section runs 21 rounds (--quick 2), start-up 20 hyperfine runs
#   --no-bytecode-cache  keep the environment's PYTHONDONTWRITEBYTECODE; by default the run
#                      uses a bytecode cache in DIR/pycache (PYTHONPYCACHEPREFIX), as an
#                      installed package has .pyc files (compiling egfr_annot from source
#                      costs ~0.07 s per start)
#
# Environment: EGFR_ANNOT (default: egfr-annot on PATH), PYTHON (default: the interpreter of
# that egfr-annot, else python3), BCFTOOLS, HYPERFINE.
set -euo pipefail
trap 'echo "run.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")

QUICK=0
OUT=""
DATA=""
RESULTS=""
ONLY="large,indexed,memory,startup,batch"
RUNS=""
BYTECODE_CACHE=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --out) OUT=$2; shift ;;
        --data) DATA=$2; shift ;;
        --results) RESULTS=$2; shift ;;
        --only) ONLY=$2; shift ;;
        --runs) RUNS=$2; shift ;;
        --no-bytecode-cache) BYTECODE_CACHE=0 ;;
        -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

EGFR=${EGFR_ANNOT:-$(command -v egfr-annot || true)}
if [[ -z "$EGFR" ]]; then echo "run.sh: egfr-annot not found (set EGFR_ANNOT)" >&2; exit 2; fi
if [[ -z "${PYTHON:-}" ]]; then
    shebang=$(head -c 200 "$EGFR" | head -n 1 | sed -n 's/^#!//p')
    if [[ -n "$shebang" && -x "${shebang%% *}" ]]; then PYTHON=${shebang%% *}; else PYTHON=python3; fi
fi
BCFTOOLS=${BCFTOOLS:-bcftools}
HYPERFINE=${HYPERFINE:-hyperfine}
for tool in "$HYPERFINE" "$BCFTOOLS" bgzip tabix; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 2; }
done
"$PYTHON" -c "import egfr_annot" || { echo "run.sh: $PYTHON cannot import egfr_annot" >&2; exit 2; }

if [[ $QUICK == 1 ]]; then
    MODE=quick
    LARGE_SIZES="20000"
    IDX_RECORDS=20000; IDX_FRACTION=0.01
    PANEL_FILES=10; SUBSET=3
    RUNS=${RUNS:-2}; WARMUP=0
    INDEXED_RUNS=2
    STARTUP_RUNS=3; STARTUP_WARMUP=1
    BATCH_RUNS=2
    OUT=${OUT:-$HERE/work/quick}
    RESULTS=${RESULTS:-$OUT/RESULTS.md}
else
    MODE=full
    LARGE_SIZES="1000000 5000000"
    IDX_RECORDS=5000000; IDX_FRACTION=0.0005
    PANEL_FILES=1000; SUBSET=50
    RUNS=${RUNS:-11}; WARMUP=1
    # sub-second commands on a shared machine: enough runs for a steady median
    INDEXED_RUNS=21
    STARTUP_RUNS=20; STARTUP_WARMUP=3
    BATCH_RUNS=3
    OUT=${OUT:-$HERE/work/results}
    RESULTS=${RESULTS:-$HERE/RESULTS.md}
fi
DATA=${DATA:-$HERE/data}
mkdir -p "$OUT" "$DATA"
OUT=$(cd "$OUT" && pwd)
DATA=$(cd "$DATA" && pwd)
if [[ $BYTECODE_CACHE == 1 ]]; then
    unset PYTHONDONTWRITEBYTECODE
    export PYTHONPYCACHEPREFIX="$OUT/pycache"
    BYTECODE="cached .pyc (PYTHONPYCACHEPREFIX=$OUT/pycache), as an installed package"
else
    BYTECODE="environment as given (PYTHONDONTWRITEBYTECODE=${PYTHONDONTWRITEBYTECODE:-unset})"
fi
SCRATCH="$OUT/scratch"
rm -rf "$SCRATCH"
mkdir -p "$SCRATCH"
# Results of the sections run now are replaced; the others are kept, so that sections can be
# run one at a time (--only) into the same results directory.
want() { [[ ",$ONLY," == *",$1,"* ]]; }
want large && rm -f "$OUT"/hf_large_*.json
want indexed && rm -f "$OUT"/hf_indexed.json
want memory && rm -f "$OUT"/rss_*.json
want startup && rm -f "$OUT"/hf_startup.json "$OUT"/importtime.txt
want batch && rm -f "$OUT"/hf_batch.json "$OUT"/hf_per_process.json "$OUT"/batch_meta.json

log() { printf '\n== %s\n' "$*" >&2; }
code() { # record which code a section measures (sha256 of src/egfr_annot/**/*.py)
    "$PYTHON" "$HERE/summarise.py" digest > "$OUT/code_$1.txt"
}
human() { # 1000000 -> 1M
    local n=$1
    if (( n % 1000000 == 0 )); then echo "$((n / 1000000))M"
    elif (( n % 1000 == 0 )); then echo "$((n / 1000))k"
    else echo "$n"; fi
}
hf() { # hf NAME RUNS WARMUP [hyperfine args...]: JSON to $OUT/hf_NAME.json
    local name=$1 runs=$2 warmup=$3
    shift 3
    "$HYPERFINE" -N --style basic --runs "$runs" --warmup "$warmup" \
        --export-json "$OUT/hf_$name.json" "$@"
}
ilv() { # ilv NAME RUNS WARMUP [-n NAME COMMAND]...: the commands in interleaved rounds (the
    # ratios compare commands of the same rounds, not blocks minutes apart), same JSON layout
    local name=$1 runs=$2 warmup=$3
    shift 3
    "$PYTHON" "$HERE/interleave.py" --runs "$runs" --warmup "$warmup" \
        --export-json "$OUT/hf_$name.json" "$@"
}

"$PYTHON" "$HERE/summarise.py" meta --out "$OUT/meta.json" --mode "$MODE" \
    --egfr-annot "$EGFR" --bcftools "$BCFTOOLS" --hyperfine "$HYPERFINE" --data "$DATA" \
    --bytecode "$BYTECODE"

# ---- data ----------------------------------------------------------------------------------
log "generating data in $DATA ($MODE)"
BED="$DATA/genes.GRCh38.bed"
"$PYTHON" "$HERE/genes_bed.py" --build GRCh38 --out "$BED"
for n in $LARGE_SIZES; do
    if want large || want memory; then
        "$PYTHON" "$HERE/generate.py" --records "$n" --panel-fraction 0.04 --samples 2 \
            --out "$DATA/wgs_$(human "$n").vcf.gz" --reuse
    fi
done
IDX="$DATA/wgs_$(human $IDX_RECORDS)_indexed.vcf.gz"
if want indexed || want memory; then
    "$PYTHON" "$HERE/generate.py" --records "$IDX_RECORDS" --panel-fraction "$IDX_FRACTION" \
        --samples 2 --out "$IDX" --index --reuse
fi
PANEL_DIR="$DATA/panel_vcfs_$PANEL_FILES"
"$PYTHON" "$HERE/generate.py" --panel-vcfs "$PANEL_FILES" --records-per-file 200 \
    --out-dir "$PANEL_DIR" --reuse
PANEL_FILES_LIST=("$PANEL_DIR"/*.vcf.gz)  # (no `ls | head`: SIGPIPE + pipefail)
PANEL_VCF=${PANEL_FILES_LIST[0]}
printf '{"large": [%s], "indexed": %s, "indexed_fraction": %s, "panel_files": %s, "subset": %s}\n' \
    "${LARGE_SIZES// /, }" "$IDX_RECORDS" "$IDX_FRACTION" "$PANEL_FILES" "$SUBSET" \
    > "$OUT/sizes.json"

# ---- 1. large unindexed .vcf.gz: egfr-annot vs bcftools view -T -----------------------------
if want large; then
    code large
    for n in $LARGE_SIZES; do
        f="$DATA/wgs_$(human "$n").vcf.gz"
        log "large unindexed $(human "$n") records: $f"
        ilv "large_$(human "$n")" "$RUNS" "$WARMUP" \
            -n "egfr-annot run --no-checksum" "$EGFR run $f --no-checksum -q --out-dir $SCRATCH/large" \
            -n "egfr-annot run" "$EGFR run $f -q --out-dir $SCRATCH/large" \
            -n "bcftools view -T genes.bed" "$BCFTOOLS view -T $BED $f -o /dev/null"
    done
fi

# ---- 2. indexed input: 5M WGS-like (.tbi) vs a 200-record panel file -----------------------
if want indexed; then
    code indexed
    log "indexed $(human $IDX_RECORDS) records: $IDX"
    ilv indexed "$INDEXED_RUNS" "$((WARMUP + 1))" \
        -n "egfr-annot run (indexed)" "$EGFR run $IDX -q --out-dir $SCRATCH/indexed" \
        -n "egfr-annot run --no-checksum (indexed)" "$EGFR run $IDX --no-checksum -q --out-dir $SCRATCH/indexed" \
        -n "egfr-annot run (200-record panel)" "$EGFR run $PANEL_VCF -q --out-dir $SCRATCH/indexed" \
        -n "egfr-annot run --no-checksum (200-record panel)" "$EGFR run $PANEL_VCF --no-checksum -q --out-dir $SCRATCH/indexed" \
        -n "bcftools view -R genes.bed (indexed)" "$BCFTOOLS view -R $BED $IDX -o /dev/null"
fi

# ---- 3. memory ------------------------------------------------------------------------------
if want memory; then
    code memory
    for n in $LARGE_SIZES; do
        f="$DATA/wgs_$(human "$n").vcf.gz"
        log "peak RSS, unindexed $(human "$n")"
        "$PYTHON" "$HERE/peak_rss.py" --out "$OUT/rss_large_$(human "$n").json" \
            --label "egfr-annot run, unindexed $(human "$n")" -- \
            "$EGFR" run "$f" -q --out-dir "$SCRATCH/rss"
    done
    "$PYTHON" "$HERE/peak_rss.py" --out "$OUT/rss_indexed.json" \
        --label "egfr-annot run, indexed $(human $IDX_RECORDS)" -- \
        "$EGFR" run "$IDX" -q --out-dir "$SCRATCH/rss"
    "$PYTHON" "$HERE/peak_rss.py" --out "$OUT/rss_panel.json" \
        --label "egfr-annot run, 200-record panel VCF" -- \
        "$EGFR" run "$PANEL_VCF" -q --out-dir "$SCRATCH/rss"
fi

# ---- 4. start-up ----------------------------------------------------------------------------
if want startup; then
    code startup
    log "start-up"
    hf startup "$STARTUP_RUNS" "$STARTUP_WARMUP" \
        -n "python -c pass" "$PYTHON -c pass" \
        -n "egfr-annot --help" "$EGFR --help" \
        -n "egfr-annot run (200-record panel)" "$EGFR run $PANEL_VCF -q --out-dir $SCRATCH/startup"
    "$PYTHON" -X importtime -m egfr_annot run "$PANEL_VCF" -q --out-dir "$SCRATCH/startup" \
        2> "$OUT/importtime.txt" || { cat "$OUT/importtime.txt" >&2; exit 1; }
fi

# ---- 5. batch -------------------------------------------------------------------------------
if want batch; then
    code batch
    log "batch: $PANEL_FILES panel VCFs, 2 workers; per-process on $SUBSET of them"
    hf batch "$BATCH_RUNS" 1 \
        --prepare "rm -rf $SCRATCH/batch" \
        -n "egfr-annot batch --workers 2 ($PANEL_FILES files)" \
        "$EGFR batch $PANEL_DIR --out-dir $SCRATCH/batch --workers 2"
    printf '%s\n' "${PANEL_FILES_LIST[@]:0:$SUBSET}" > "$SCRATCH/subset.txt"
    hf per_process "$BATCH_RUNS" 1 \
        --prepare "rm -rf $SCRATCH/per_process" \
        -n "one egfr-annot run per file ($SUBSET files)" \
        "xargs -a $SCRATCH/subset.txt -n 1 $EGFR run -q --out-dir $SCRATCH/per_process"
    # the outputs must all be there
    done_files=("$SCRATCH/batch/samples"/*.summary.tsv)
    n_done=${#done_files[@]}
    [[ $n_done == "$PANEL_FILES" ]] || { echo "batch wrote $n_done of $PANEL_FILES" >&2; exit 1; }
    echo "{\"files\": $PANEL_FILES, \"subset\": $SUBSET, \"summaries_written\": $n_done}" \
        > "$OUT/batch_meta.json"
fi

cat /proc/loadavg > "$OUT/loadavg_end.txt" 2>/dev/null || true

# ---- summary --------------------------------------------------------------------------------
"$PYTHON" "$HERE/summarise.py" report --results "$OUT" --out "$RESULTS"
echo "wrote $RESULTS" >&2
