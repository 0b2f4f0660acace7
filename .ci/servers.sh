#!/usr/bin/env bash
# servers.sh installs and starts the test servers the object-store tests use,
# on 127.0.0.1 only:
#   versitygw        an S3-compatible gateway (posix backend on a temp dir)
#   fake-gcs-server  a GCS emulator (in-memory)
# Both are Go programs from the module proxy, built once with `go install`
# into $HACKLE_TEST_BIN. Idempotent: a server already answering is left as is.
# It writes the environment the tests read to $HACKLE_TEST_STATE/env.sh:
#   . "$(bash .ci/servers.sh --env-file)"     # or: eval "$(bash .ci/servers.sh)"
# Stop them with: bash .ci/servers.sh --stop
set -euo pipefail

VERSITYGW_VERSION=${VERSITYGW_VERSION:-v1.8.0}
FAKE_GCS_VERSION=${FAKE_GCS_VERSION:-v1.56.1}
BIN=${HACKLE_TEST_BIN:-$HOME/.cache/hackle-agent/bin}
STATE=${HACKLE_TEST_STATE:-${TMPDIR:-/tmp}/hackle-agent-test-servers}
S3_PORT=${HACKLE_TEST_S3_PORT:-19070}
GCS_PORT=${HACKLE_TEST_GCS_PORT:-19443}
ENV_FILE=$STATE/env.sh

log() { echo "servers.sh: $*" >&2; }

if [[ ${1:-} == --env-file ]]; then
	echo "$ENV_FILE"
	exit 0
fi

stop() {
	for name in versitygw fake-gcs-server; do
		if [[ -f $STATE/$name.pid ]]; then
			kill "$(cat "$STATE/$name.pid")" 2>/dev/null || true
			rm -f "$STATE/$name.pid"
		fi
	done
	log "stopped"
}
if [[ ${1:-} == --stop ]]; then
	stop
	exit 0
fi

install() { # name module@version
	if [[ -x $BIN/$1 ]] && [[ $(cat "$BIN/$1.version" 2>/dev/null) == "$2" ]]; then
		return
	fi
	log "building $2 into $BIN (3-6 minutes on 2 cores the first time)"
	mkdir -p "$BIN"
	GOBIN=$BIN GOFLAGS=-buildvcs=false go install "$2"
	echo "$2" >"$BIN/$1.version"
}

alive() { # pidfile port
	[[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null
}

wait_port() { # name port
	for _ in $(seq 1 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	log "$1 did not start on port $2; its log:"
	tail -20 "$STATE/$1.log" >&2
	return 1
}

mkdir -p "$STATE"
# The two builds run side by side; either failing fails the script.
install versitygw "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION" &
vgw=$!
install fake-gcs-server "github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION" &
fgcs=$!
wait $vgw
wait $fgcs

# Keys are made once per state dir and kept, so a second run finds the same.
if [[ ! -f $STATE/keys ]]; then
	rnd() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
	cat >"$STATE/keys" <<-EOF
		ROOT_ACCESS=hackleroot$(rnd | head -c 8)
		ROOT_SECRET=$(rnd)
		LIMITED_ACCESS=hacklenodelete$(rnd | head -c 8)
		LIMITED_SECRET=$(rnd)
	EOF
	chmod 600 "$STATE/keys"
fi
. "$STATE/keys"
S3_ENDPOINT=http://127.0.0.1:$S3_PORT
GCS_ENDPOINT=http://127.0.0.1:$GCS_PORT

if alive "$STATE/versitygw.pid" "$S3_PORT"; then
	log "versitygw already running at $S3_ENDPOINT"
else
	mkdir -p "$STATE/s3data" "$STATE/s3iam" "$STATE/s3versions"
	ROOT_ACCESS_KEY_ID=$ROOT_ACCESS ROOT_SECRET_ACCESS_KEY=$ROOT_SECRET \
		nohup "$BIN/versitygw" --port "127.0.0.1:$S3_PORT" --iam-dir "$STATE/s3iam" --quiet \
		posix --versioning-dir "$STATE/s3versions" "$STATE/s3data" >"$STATE/versitygw.log" 2>&1 &
	echo $! >"$STATE/versitygw.pid"
	wait_port versitygw "$S3_PORT"
	# A second user that the tests grant everything but delete (check's failure case).
	"$BIN/versitygw" admin --access "$ROOT_ACCESS" --secret "$ROOT_SECRET" --endpoint-url "$S3_ENDPOINT" \
		create-user --access "$LIMITED_ACCESS" --secret "$LIMITED_SECRET" --role user >>"$STATE/versitygw.log" 2>&1 ||
		log "create-user failed (already there?), see $STATE/versitygw.log"
	log "versitygw started at $S3_ENDPOINT"
fi

if alive "$STATE/fake-gcs-server.pid" "$GCS_PORT"; then
	log "fake-gcs-server already running at $GCS_ENDPOINT"
else
	nohup "$BIN/fake-gcs-server" -scheme http -host 127.0.0.1 -port "$GCS_PORT" -backend memory \
		-external-url "$GCS_ENDPOINT" -public-host "127.0.0.1:$GCS_PORT" -log-level warn \
		>"$STATE/fake-gcs-server.log" 2>&1 &
	echo $! >"$STATE/fake-gcs-server.pid"
	wait_port fake-gcs-server "$GCS_PORT"
	log "fake-gcs-server started at $GCS_ENDPOINT"
fi

cat >"$ENV_FILE" <<EOF
export HACKLE_TEST_S3_ENDPOINT=$S3_ENDPOINT
export HACKLE_TEST_S3_ACCESS_KEY=$ROOT_ACCESS
export HACKLE_TEST_S3_SECRET_KEY=$ROOT_SECRET
export HACKLE_TEST_S3_LIMITED_ACCESS_KEY=$LIMITED_ACCESS
export HACKLE_TEST_S3_LIMITED_SECRET_KEY=$LIMITED_SECRET
export HACKLE_TEST_GCS_ENDPOINT=$GCS_ENDPOINT
EOF
chmod 600 "$ENV_FILE"
log "S3 (versitygw):  $S3_ENDPOINT"
log "GCS (emulator):  $GCS_ENDPOINT"
log "env for the tests: . $ENV_FILE"
cat "$ENV_FILE"
