#!/usr/bin/env bash
# setup.sh installs and starts everything the tests need, then writes the
# environment they read to ~/.cache/hackle-agent/test.env:
#   - Debian packages: tmux (TUI tests), awscli (an independent S3 client),
#     postgresql (the pull sink)
#   - DuckDB from npm (testdata/duckdb), the Parquet reader we test against
#   - an S3-compatible server and a GCS emulator on 127.0.0.1 (.ci/servers.sh)
#   - a PostgreSQL server on 127.0.0.1 (.ci/postgres.sh)
# It is idempotent: what is installed or running already is left as is.
# Usage: bash .ci/setup.sh && . ~/.cache/hackle-agent/test.env && go test ./...
set -euo pipefail
cd "$(dirname "$0")/.."
CACHE=$HOME/.cache/hackle-agent
ENV_FILE=$CACHE/test.env
mkdir -p "$CACHE"
log() { echo "setup.sh: $*" >&2; }

missing=()
command -v tmux >/dev/null || missing+=(tmux)
[[ -x /usr/bin/aws ]] || missing+=(awscli)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
# The completion scripts and the man page are checked with the real shells and groff.
command -v zsh >/dev/null || missing+=(zsh)
command -v fish >/dev/null || missing+=(fish)
command -v groff >/dev/null || missing+=(groff-base)
command -v python3 >/dev/null || missing+=(python3)
if ((${#missing[@]})); then
	log "installing ${missing[*]} from Debian packages"
	SUDO=""
	[[ $(id -u) == 0 ]] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -d testdata/duckdb/node_modules/@duckdb/node-api ]]; then
	log "installing DuckDB (npm) into testdata/duckdb"
	npm ci --prefix testdata/duckdb --no-audit --no-fund --loglevel=error >/dev/null
fi

: >"$ENV_FILE.tmp"
if [[ -f .ci/servers.sh ]]; then
	bash .ci/servers.sh >/dev/null
	cat "$(bash .ci/servers.sh --env-file)" >>"$ENV_FILE.tmp"
fi
if [[ -f .ci/postgres.sh ]]; then
	bash .ci/postgres.sh >/dev/null
	cat "$CACHE/postgres.env" >>"$ENV_FILE.tmp"
fi
mv "$ENV_FILE.tmp" "$ENV_FILE"
log "ready; test environment in $ENV_FILE"
