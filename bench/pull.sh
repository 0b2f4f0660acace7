#!/usr/bin/env bash
# bench/pull.sh: time and measure the peak RSS of the Hackle side on one
# exported day: `validate --partition`, `pull` into a folder, `pull` into
# PostgreSQL, and PostgreSQL's own COPY FROM of the same rows from a CSV file
# into an identical table, in the same run. One command from a clean clone:
#
#   bash bench/pull.sh                      # 1M and 5M rows, each measured twice
#   ROWS=1000000 REPS=1 bash bench/pull.sh
#
# Needs Go, GNU time and PostgreSQL: the server of the test environment
# (.ci/postgres.sh, started here when it is not running) or BENCH_PG_URL.
# Results: printed, appended to bench/results/pull.tsv and written as a
# Markdown table to bench/results/pull-latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=$PATH:/usr/local/go/bin
ROWS=${ROWS:-1000000 5000000}
REPS=${REPS:-2}
DATE=2023-01-01
DATA=${BENCH_DATA:-bench/data}
OUT=bench/results
mkdir -p "$DATA" "$OUT"
DATA=$(cd "$DATA" && pwd) # pull names its source by path: keep it absolute
started=$SECONDS

[[ -x /usr/bin/time ]] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }

# PostgreSQL: the test environment's server, or BENCH_PG_URL. The bench works
# in a database of its own (hackle_bench), dropped and created again before
# every pull, so that nothing of an earlier run (rows, or the pull's state if
# it lives in the database) is found there.
if [[ -z ${BENCH_PG_URL:-} ]]; then
	bash .ci/postgres.sh >/dev/null
	# shellcheck disable=SC1090
	. "${HACKLE_TEST_CACHE:-$HOME/.cache/hackle-agent}/postgres.env"
	BENCH_PG_URL=$HACKLE_TEST_POSTGRES_URL
fi
if ! command -v psql >/dev/null; then
	echo "bench: installing the PostgreSQL client (psql) from Debian packages" >&2
	SUDO=""
	[[ $(id -u) == 0 ]] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null
fi
pg_base=${BENCH_PG_URL%%\?*}
pg_query=${BENCH_PG_URL#"$pg_base"}
PG_ADMIN=$BENCH_PG_URL                   # the bench database is created and dropped from here
PG_URL=${pg_base%/*}/hackle_bench$pg_query # where the pulls and COPYs go
psql_admin() { PGOPTIONS=--client-min-messages=warning psql "$PG_ADMIN" -v ON_ERROR_STOP=1 -qAt "$@"; }
psql_bench() { psql "$PG_URL" -v ON_ERROR_STOP=1 -qAt "$@"; }
fresh_db() {
	psql_admin -c "DROP DATABASE IF EXISTS hackle_bench WITH (FORCE)" -c "CREATE DATABASE hackle_bench"
}
# checkpoint writes out the dirty pages of the previous step, so that the next
# one timed does not pay for them (needs a superuser, as in the test server).
checkpoint() { psql_bench -c CHECKPOINT 2>/dev/null || true; }

go build -o "$DATA/hackle-agent" ./cmd/hackle-agent
agent=$DATA/hackle-agent

# Flags come and go while the code changes: pass these only when the binary
# still has them. A fresh state and sink per run make every pull import all.
pull_help=$("$agent" pull --help 2>&1 || true)
has_flag() { grep -q -- "--$1 " <<<"$pull_help"; }
TABLE=hackle_events
table_flag=()
if has_flag table; then
	TABLE=bench_pull
	table_flag=(--table "$TABLE")
fi
state_flag() { if has_flag state-dir; then echo "--state-dir=$1"; fi; }

# measure CMD…: runs CMD under GNU time; prints "wall_s rss_mb cpu_s" (CPU:
# user + system, which moves less than the wall time on a busy machine).
measure() {
	local log=$DATA/time.log
	/usr/bin/time -v -o "$log" "$@" >"$DATA/stdout.log" 2>"$DATA/stderr.log" || {
		echo "bench: failed: $*" >&2
		cat "$DATA/stderr.log" "$DATA/stdout.log" >&2
		return 1
	}
	local wall rss cpu
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$log")
	cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s+=$2} END {printf "%.2f", s}' "$log")
	echo "$wall $rss $cpu"
}

commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- . ':!bench' 2>/dev/null || commit=$commit-dirty # the code measured
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
[[ -f $OUT/pull.tsv ]] || printf 'when\tcommit\trows\trep\tvalidate_s\tvalidate_rss_mb\tpull_folder_s\tpull_folder_rss_mb\tpull_pg_s\tpull_pg_rss_mb\tcopy_s\tpull_pg_over_copy\tpg_rows\tvalidate_cpu_s\tpull_folder_cpu_s\tpull_pg_cpu_s\n' >"$OUT/pull.tsv"
{
	echo "Commit $commit, $stamp, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start."
	echo
	echo "Wall seconds, with the agent's CPU seconds (user + system) in brackets; peak RSS in MB."
	echo
	echo "| rows | rep | validate --partition s | RSS MB | pull folder s | RSS MB | pull PG s | RSS MB | \\copy s | pull PG / \\copy |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$OUT/pull-latest.md"

declare -A peak_v peak_f peak_p
max() { awk -v a="${1:-0}" -v b="$2" 'BEGIN {print (a > b ? a : b)}'; }
for rows in $ROWS; do
	# The day: exported once with the agent of the first run (later runs,
	# e.g. after a change, reuse it so that they pull the same partition).
	input=$DATA/events-$rows.ndjson
	bucket=$DATA/pull-bucket-$rows
	part=$bucket/dt=$DATE
	if [[ ! -f $part/_SUCCESS ]]; then
		[[ -s $input ]] || go run ./testdata/gen -rows "$rows" -format ndjson -bad 0.01 -o "$input"
		rm -rf "$bucket" "$DATA/pull-export-report"
		"$agent" export --input "$input" --date "$DATE" --dest "$bucket" \
			--report-dir "$DATA/pull-export-report" -q --max-error-rate 0.05
	fi
	csv=$DATA/pull-copy-$rows.csv
	rm -f "$csv" # written again from this run's first pull into PostgreSQL
	for rep in $(seq 1 "$REPS"); do
		find "$part" -type f -exec cat {} + >/dev/null # every step reads it from the page cache

		rm -rf "$DATA/pull-report"
		m=$(measure "$agent" validate --partition "$part" --report-dir "$DATA/pull-report" -q)
		read -r v_wall v_rss v_cpu <<<"$m"

		rm -rf "$DATA/pull-sink" "$DATA/pull-report" "$DATA/pull-state"
		# shellcheck disable=SC2046
		m=$(measure "$agent" pull --source "$bucket" --sink "$DATA/pull-sink" --date "$DATE" \
			--report-dir "$DATA/pull-report" $(state_flag "$DATA/pull-state") -q)
		read -r f_wall f_rss f_cpu <<<"$m"

		fresh_db
		checkpoint
		rm -rf "$DATA/pull-report" "$DATA/pull-state"
		# shellcheck disable=SC2046
		m=$(measure "$agent" pull --source "$bucket" --sink "$PG_URL" "${table_flag[@]}" --date "$DATE" \
			--report-dir "$DATA/pull-report" $(state_flag "$DATA/pull-state") -q)
		read -r p_wall p_rss p_cpu <<<"$m"
		pg_rows=$(psql_bench -c "SELECT count(*) FROM $TABLE")

		# PostgreSQL's own COPY of the same rows (those the pull loaded, every
		# column, in PostgreSQL's text form) into an identical table (LIKE …
		# INCLUDING ALL: same columns, types, constraints and index), with
		# psql's \copy: the file is read by the client and streamed over the
		# connection, as pull's rows are.
		[[ -s $csv ]] || psql_bench -c "\\copy (SELECT * FROM $TABLE) TO '$csv' csv"
		psql_bench -c "CREATE TABLE bench_copy (LIKE $TABLE INCLUDING ALL)"
		checkpoint
		m=$(measure psql "$PG_URL" -v ON_ERROR_STOP=1 -qAt -c "\\copy bench_copy FROM '$csv' csv")
		read -r c_wall _ <<<"$m"
		copy_rows=$(psql_bench -c "SELECT count(*) FROM bench_copy")
		[[ $copy_rows == "$pg_rows" ]] || { echo "bench: COPY loaded $copy_rows rows, pull $pg_rows" >&2; exit 1; }

		ratio=$(awk -v p="$p_wall" -v c="$c_wall" 'BEGIN {printf "%.2f", p/c}')
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$stamp" "$commit" "$rows" "$rep" \
			"$v_wall" "$v_rss" "$f_wall" "$f_rss" "$p_wall" "$p_rss" "$c_wall" "$ratio" "$pg_rows" "$v_cpu" "$f_cpu" "$p_cpu" >>"$OUT/pull.tsv"
		echo "| $rows | $rep | $v_wall ($v_cpu) | $v_rss | $f_wall ($f_cpu) | $f_rss | $p_wall ($p_cpu) | $p_rss | $c_wall | $ratio |" >>"$OUT/pull-latest.md"
		echo "rows=$rows rep=$rep  validate ${v_wall}s (${v_cpu} CPU) ${v_rss}MB  pull folder ${f_wall}s (${f_cpu} CPU) ${f_rss}MB  pull PG ${p_wall}s (${p_cpu} CPU) ${p_rss}MB  \\copy ${c_wall}s  pull/copy $ratio  ($pg_rows rows in PG)"
		peak_v[$rows]=$(max "${peak_v[$rows]:-}" "$v_rss")
		peak_f[$rows]=$(max "${peak_f[$rows]:-}" "$f_rss")
		peak_p[$rows]=$(max "${peak_p[$rows]:-}" "$p_rss")
	done
done
psql_admin -c "DROP DATABASE IF EXISTS hackle_bench WITH (FORCE)" # its tables take GBs

# Peak RSS of the largest day over the smallest (highest of the runs of each).
set -- $ROWS
if (($# > 1)); then
	lo=$1 hi=${!#}
	ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a/b}'; }
	{
		echo
		echo "Peak RSS $hi/$lo rows (highest of the runs): validate --partition $(ratio "${peak_v[$hi]}" "${peak_v[$lo]}")," \
			"pull folder $(ratio "${peak_f[$hi]}" "${peak_f[$lo]}"), pull PG $(ratio "${peak_p[$hi]}" "${peak_p[$lo]}")."
	} >>"$OUT/pull-latest.md"
fi
echo >>"$OUT/pull-latest.md"
echo "The whole script took $((SECONDS - started)) s (with the build, and the export of a day when it was missing)." >>"$OUT/pull-latest.md"
cat "$OUT/pull-latest.md"
