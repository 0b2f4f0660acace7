#!/usr/bin/env bash
# bench/run.sh: time hackle-agent export against DuckDB doing the same job,
# on the same generated files, at 1 and 2 threads, and record wall time,
# rows/s and peak RSS of each. One command from a clean clone:
#
#   bash bench/run.sh                 # 1M rows, NDJSON and CSV
#   ROWS="1000000 5000000" bash bench/run.sh
#
# Results: printed, and appended to bench/results/results.tsv (and a
# Markdown table in bench/results/latest.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
ROWS=${ROWS:-1000000}
THREADS=${THREADS:-1 2}
SHAPES=${SHAPES:-ndjson csv}
DATA=${BENCH_DATA:-bench/data}
OUT=bench/results
mkdir -p "$DATA" "$OUT"

[[ -x /usr/bin/time ]] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
[[ -d testdata/duckdb/node_modules/@duckdb/node-api ]] || npm ci --prefix testdata/duckdb --no-audit --no-fund --loglevel=error >/dev/null
go build -o "$DATA/hackle-agent" ./cmd/hackle-agent

# measure NAME THREADS CMD…: runs CMD under GNU time; prints "wall_s rss_mb".
measure() {
	shift 2
	local log=$DATA/time.log
	/usr/bin/time -v -o "$log" "$@" >/dev/null 2>"$DATA/stderr.log" || { cat "$DATA/stderr.log" >&2; return 1; }
	local wall rss
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
	echo "$wall $rss"
}

stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- . ':!bench' 2>/dev/null || commit=$commit-dirty # the code measured
[[ -f $OUT/results.tsv ]] || printf 'when\trows\tshape\tthreads\tagent_s\tduckdb_s\tratio\tagent_rows_per_s\tagent_rss_mb\tduckdb_rss_mb\tcommit\n' >"$OUT/results.tsv"
{
	echo "Commit $commit, $stamp, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
	echo
	echo "| rows | shape | threads | agent s | DuckDB s | agent/DuckDB | agent rows/s | agent RSS MB | DuckDB RSS MB |"
	echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|"
} >"$OUT/latest.md"

for rows in $ROWS; do
	for shape in $SHAPES; do
		input=$DATA/events-$rows.$shape
		[[ -s $input ]] || go run ./testdata/gen -rows "$rows" -format "$shape" -bad 0.01 -o "$input"
		# Both tools read the file from the page cache: else the first one
		# timed pays for the disk (5 s for 2.4 GB here) and the other not.
		cat "$input" >/dev/null
		for t in $THREADS; do
			rm -rf "$DATA/bucket" "$DATA/report" "$DATA/duckdb.parquet"
			read -r a_wall a_rss < <(GOMAXPROCS=$t measure agent "$t" "$DATA/hackle-agent" export --threads "$t" \
				--input "$input" --date 2023-01-01 --dest "$DATA/bucket" --report-dir "$DATA/report" -q --max-error-rate 0.05)
			read -r d_wall d_rss < <(measure duckdb "$t" node bench/duckdb-export.mjs "$input" "$shape" "$DATA/duckdb.parquet" "$t")
			ratio=$(awk -v a="$a_wall" -v d="$d_wall" 'BEGIN {printf "%.2f", a/d}')
			rps=$(awk -v r="$rows" -v a="$a_wall" 'BEGIN {printf "%.0f", r/a}')
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stamp" "$rows" "$shape" "$t" "$a_wall" "$d_wall" "$ratio" "$rps" "$a_rss" "$d_rss" "$commit" >>"$OUT/results.tsv"
			echo "| $rows | $shape | $t | $a_wall | $d_wall | $ratio | $rps | $a_rss | $d_rss |" >>"$OUT/latest.md"
			echo "rows=$rows shape=$shape threads=$t  agent ${a_wall}s ${a_rss}MB  duckdb ${d_wall}s ${d_rss}MB  ratio $ratio  ($rps rows/s)"
		done
	done
done
cat "$OUT/latest.md"
