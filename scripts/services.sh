#!/usr/bin/env bash
# Local PostgreSQL 15 and Redis for development and CI.
#
#   scripts/services.sh start    start both (idempotent) and print the exports
#   scripts/services.sh stop     stop both (idempotent)
#   scripts/services.sh status   exit 0 only if both answer
#   scripts/services.sh env      print the exports only
#
# `eval "$(scripts/services.sh start)"` starts them and sets DATABASE_URL and REDIS_URL:
# progress goes to stderr, only the export lines go to stdout.
#
# Files live in ${SERVICES_DIR:-<repo>/tmp/services} (git-ignored). PostgreSQL refuses to
# run as root, so as root its data directory belongs to the `postgres` OS user; when that
# user cannot reach SERVICES_DIR (a clone under /root, say) the data directory moves to a
# per-clone directory under ${TMPDIR:-/tmp} instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="${SERVICES_DIR:-$ROOT/tmp/services}"
PG_PORT="${PG_PORT:-54329}"
PG_DB="${PG_DB:-voucher}"
PG_MAX_CONNECTIONS="${PG_MAX_CONNECTIONS:-100}"
REDIS_PORT="${REDIS_PORT:-63799}"

log() { printf 'services: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

print_env() {
    echo "export DATABASE_URL=postgres://postgres@127.0.0.1:${PG_PORT}/${PG_DB}"
    echo "export REDIS_URL=redis://127.0.0.1:${REDIS_PORT}/0"
}

# --- PostgreSQL ---------------------------------------------------------------

find_pg_bindir() {
    local dir
    for dir in "${PG_BINDIR:-}" /usr/lib/postgresql/15/bin "$(pg_config --bindir 2>/dev/null || true)" \
        "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")" \
        "$(find /usr/lib/postgresql -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1)"; do
        if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return 0
        fi
    done
    die "PostgreSQL server binaries not found (apt-get install postgresql-15, or set PG_BINDIR)"
}

is_root() { [[ "$(id -u)" == 0 ]]; }

# Run a PostgreSQL server binary as the postgres OS user when we are root.
as_pg() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_dir() {
    local dir="$SERVICES_DIR/pg"
    # The socket path must stay under the ~107-byte limit for unix sockets.
    if (is_root && ! runuser -u postgres -- test -x "$SERVICES_DIR") || ((${#dir} > 80)); then
        dir="${TMPDIR:-/tmp}/voucher-pg-$(printf '%s' "$SERVICES_DIR" | cksum | cut -d' ' -f1)"
    fi
    echo "$dir"
}

pg_running() { as_pg "$BINDIR/pg_ctl" status -D "$PGDATA_DIR" >/dev/null 2>&1; }

pg_init() {
    [[ -f "$PGDATA_DIR/PG_VERSION" ]] && return 0
    if is_root; then
        id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (install the postgresql package)"
    fi
    log "initdb $PGDATA_DIR"
    # A half-made directory from an interrupted run: initdb needs it empty.
    rm -rf "$PGDATA_DIR"
    mkdir -p "$PGDATA_DIR"
    chmod 700 "$PGDATA_DIR"
    if is_root; then chown postgres:postgres "$PGDATA_DIR"; fi
    # -U postgres: the superuser is `postgres` whichever OS user runs this, so the URL is fixed.
    as_pg "$BINDIR/initdb" -D "$PGDATA_DIR" -U postgres --auth-local=trust --auth-host=trust \
        --encoding=UTF8 --locale=C >/dev/null
    echo "include_if_exists = 'voucher.conf'" | as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null
}

pg_write_conf() {
    # Rewritten on every start so a changed port or limit takes effect.
    as_pg tee "$PGDATA_DIR/voucher.conf" >/dev/null <<EOF
# Written by scripts/services.sh; edits are overwritten on the next start.
listen_addresses = '127.0.0.1'
port = ${PG_PORT}
unix_socket_directories = '${PGDATA_DIR}'
# Room for a 16-worker benchmark plus Celery workers and a shell or two.
max_connections = ${PG_MAX_CONNECTIONS}
# Durability stays at the defaults on purpose: lock and ledger tests must see real
# commit behaviour, not a database that skips fsync.
fsync = on
synchronous_commit = on
full_page_writes = on
EOF
}

pg_start() {
    if pg_running; then
        log "PostgreSQL already running ($PGDATA_DIR)"
    else
        pg_init
        pg_write_conf
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
        if ! as_pg "$BINDIR/pg_ctl" start -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 >/dev/null; then
            tail -n 20 "$PGDATA_DIR/server.log" >&2 || true
            die "PostgreSQL did not start (is port $PG_PORT taken? set PG_PORT)"
        fi
    fi
    wait_for "PostgreSQL" "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres
    local psql=("$BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
    if [[ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ]]; then
        log "creating database $PG_DB"
        "${psql[@]}" -c "CREATE DATABASE \"$PG_DB\""
    fi
}

pg_stop() {
    if pg_running; then
        log "stopping PostgreSQL"
        as_pg "$BINDIR/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w >/dev/null
    else
        log "PostgreSQL not running"
    fi
}

# --- Redis --------------------------------------------------------------------

redis_up() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

redis_start() {
    command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server)"
    local dir="$SERVICES_DIR/redis"
    if redis_up; then
        log "Redis already running on 127.0.0.1:$REDIS_PORT"
    else
        mkdir -p "$dir"
        log "starting Redis on 127.0.0.1:$REDIS_PORT"
        redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes --dir "$dir" \
            --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    fi
    wait_for "Redis" redis_up
}

redis_stop() {
    if redis_up; then
        log "stopping Redis"
        # NOSAVE: the data is disposable and a failing save must not block the stop.
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
        for _ in $(seq 50); do redis_up || return 0; sleep 0.1; done
        die "Redis on port $REDIS_PORT did not stop"
    else
        log "Redis not running"
    fi
}

# --- common -------------------------------------------------------------------

wait_for() {
    local name="$1" _
    shift
    for _ in $(seq 60); do
        "$@" && return 0
        sleep 0.5
    done
    die "$name did not answer within 30 s"
}

main() {
    local cmd="${1:-}"
    case "$cmd" in
        start | stop | status) ;;
        env) print_env; return 0 ;;
        *) echo "usage: $0 start|stop|status|env" >&2; return 2 ;;
    esac
    mkdir -p "$SERVICES_DIR"
    SERVICES_DIR="$(cd "$SERVICES_DIR" && pwd)"
    BINDIR="$(find_pg_bindir)"
    PGDATA_DIR="$(pg_dir)"
    case "$cmd" in
        start)
            pg_start
            redis_start
            log "ready (PostgreSQL data: $PGDATA_DIR)"
            print_env
            ;;
        stop)
            redis_stop
            pg_stop
            ;;
        status)
            local ok=0
            if pg_running && "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
                log "PostgreSQL: up on 127.0.0.1:$PG_PORT"
            else
                log "PostgreSQL: down"; ok=1
            fi
            if redis_up; then log "Redis: up on 127.0.0.1:$REDIS_PORT"; else log "Redis: down"; ok=1; fi
            return "$ok"
            ;;
    esac
}

main "$@"
