#!/usr/bin/env bash
# postgres.sh starts a throwaway PostgreSQL server for the pull sink tests,
# on 127.0.0.1 only, and writes the environment they read:
#   export HACKLE_TEST_POSTGRES_URL=postgres://hackle@127.0.0.1:PORT/hackle_test?sslmode=disable
# into $HOME/.cache/hackle-agent/postgres.env (source it).
# It installs the Debian package postgresql with apt-get when no initdb is
# found, runs the server as a non-root user (the package's "postgres" user
# when run as root) with its data in $HACKLE_TEST_PGSTATE (default
# ${TMPDIR:-/tmp}/hackle-agent-postgres), on a free port from 15432 up, with
# trust authentication. Idempotent: a server already running is reused.
# Usage: bash .ci/postgres.sh && . ~/.cache/hackle-agent/postgres.env
#        bash .ci/postgres.sh --stop
set -euo pipefail

CACHE=${HACKLE_TEST_CACHE:-$HOME/.cache/hackle-agent}
ENV_FILE=$CACHE/postgres.env
STATE=${HACKLE_TEST_PGSTATE:-${TMPDIR:-/tmp}/hackle-agent-postgres}
DATA=$STATE/data
DB=hackle_test
ROLE=hackle
log() { echo "postgres.sh: $*" >&2; }

bindir() {
	local d
	d=$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -1 || true)
	[[ -n $d ]] && dirname "$d"
}

if [[ -z $(bindir) ]]; then
	log "installing postgresql from Debian packages"
	SUDO=""
	[[ $(id -u) == 0 ]] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
BIN=$(bindir)

# initdb and postgres refuse to run as root: use an unprivileged user.
as_user() { "$@"; }
if [[ $(id -u) == 0 ]]; then
	id -u postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
	as_user() { runuser -u postgres -- "$@"; }
fi

mkdir -p "$STATE"
if [[ $(id -u) == 0 ]]; then chown postgres: "$STATE"; fi

if [[ ${1:-} == --stop ]]; then
	as_user "$BIN/pg_ctl" -D "$DATA" stop -m fast >/dev/null 2>&1 || true
	log "stopped"
	exit 0
fi

if [[ ! -f $DATA/PG_VERSION ]]; then
	log "initdb into $DATA"
	as_user "$BIN/initdb" -D "$DATA" -U "$ROLE" --auth=trust -E UTF8 --no-locale >"$STATE/initdb.log"
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! as_user "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
	port=$(cat "$STATE/port" 2>/dev/null || echo 15432)
	while ! port_free "$port"; do port=$((port + 1)); done
	echo "$port" >"$STATE/port"
	log "starting PostgreSQL on 127.0.0.1:$port"
	as_user "$BIN/pg_ctl" -D "$DATA" -l "$STATE/server.log" -w -t 60 start \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $STATE" >/dev/null
fi
port=$(cat "$STATE/port")

psql() { as_user "$BIN/psql" -h 127.0.0.1 -p "$port" -U "$ROLE" -v ON_ERROR_STOP=1 -qtA "$@"; }
if [[ $(psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") != 1 ]]; then
	psql -d postgres -c "CREATE DATABASE $DB"
fi

mkdir -p "$CACHE"
echo "export HACKLE_TEST_POSTGRES_URL=postgres://$ROLE@127.0.0.1:$port/$DB?sslmode=disable" >"$ENV_FILE.tmp"
mv "$ENV_FILE.tmp" "$ENV_FILE"
log "ready: $(cat "$ENV_FILE")"
