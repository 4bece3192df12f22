#!/usr/bin/env bash
#
# Manage a private, disposable PostgreSQL cluster for pigdata's tests and for
# local development.
#
# Usage: scripts/postgres.sh {install|start|stop|status|url}
#
#   install  Install Debian's `postgresql` package if no server binaries are
#            found. Needs root and apt-get; otherwise exits 1.
#   start    Make sure the cluster exists, is running and has the `pigdata`
#            database, then print ONLY its SQLAlchemy URL on stdout, so that
#            callers can do  URL=$(scripts/postgres.sh start).
#   stop     Stop the cluster if it is running.
#   status   Print whether the cluster is running (exit 0 if so, 1 if not).
#   url      Print the SQLAlchemy URL without starting anything.
#
# Environment:
#   PIGDATA_PG_DIR   data directory (default: <project root>/.pg)
#   PIGDATA_PG_PORT  TCP port, on 127.0.0.1 only (default: 54329)
#   PIGDATA_PG_FAST  1 (the default) turns fsync, synchronous_commit and
#                    full_page_writes off. The cluster only ever holds
#                    throwaway test data and durability costs a lot of test
#                    time; the price is that an OS crash or power loss may
#                    corrupt it, in which case delete the data directory.
#                    Set to 0 for PostgreSQL's normal, durable settings.
#                    Takes effect the next time the server is started.
#
# Exit status: 0 success, 1 error, 2 usage error, 3 (start) no PostgreSQL
# server binaries found. Status 3 is separate so the caller can decide
# whether it means "skip the database tests" or "fail".
#
# Everything except the URL (and `status` output) goes to stderr.

set -euo pipefail

# Callers capture stdout, so any stray output from initdb, pg_ctl, apt-get
# and so on would corrupt the URL. Keep the real stdout on fd 3 for the few
# things that belong there and send everything else to stderr.
exec 3>&1 1>&2

SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT_ROOT=$(dirname -- "$SCRIPT_DIR")

PORT=${PIGDATA_PG_PORT:-54329}
FAST=${PIGDATA_PG_FAST:-1}
HOST=127.0.0.1
DB_USER=pigdata
DB_NAME=pigdata
URL="postgresql+psycopg://${DB_USER}@${HOST}:${PORT}/${DB_NAME}"
START_TIMEOUT=30      # seconds to wait for the server to accept connections
SERVER_USER=postgres  # OS account that runs the server when we are root

if [[ $(id -u) -eq 0 ]]; then IS_ROOT=1; else IS_ROOT=0; fi

# Set by the subcommands.
BINDIR=""
PSQL=""
DATA_DIR=""

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() {
    local code=$1
    shift
    log "$*"
    exit "$code"
}

usage() {
    sed -n '5,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
}

if ! [[ $PORT =~ ^[1-9][0-9]{0,4}$ ]] || ((PORT > 65535)); then
    die 2 "PIGDATA_PG_PORT must be a port number, got '$PORT'"
fi
case $FAST in
    1 | true | yes | on) FAST=1 ;;
    0 | false | no | off) FAST=0 ;;
    *) die 2 "PIGDATA_PG_FAST must be 1 or 0, got '$FAST'" ;;
esac

# A developer's PGHOST, PGSSLMODE, PGOPTIONS, PGDATA, ... must not redirect or
# break the admin commands below, which always say exactly what they mean.
while IFS= read -r var; do
    unset "$var"
done < <(compgen -e | grep '^PG' || true)

# ----------------------------------------------------------------------------
# Locating binaries and the data directory
# ----------------------------------------------------------------------------

is_server_bindir() {
    [[ -n $1 && -x $1/initdb && -x $1/pg_ctl && -x $1/postgres && -x $1/pg_isready ]]
}

# Print the directory holding initdb/pg_ctl/postgres, or return 1.
find_bindir() {
    local dir
    # pg_config names "the" installation, but on Debian it can also be the
    # libpq-dev variant pointing at /usr/bin without any server, hence the check.
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        if is_server_bindir "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    # Debian/Ubuntu keep each major version apart; prefer the newest.
    while IFS= read -r dir; do
        if is_server_bindir "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -rV)
    # Anything else on PATH (source builds, Homebrew, symlinks). Resolve the
    # link so that pg_ctl and postgres come from the same installation.
    if dir=$(command -v initdb 2>/dev/null); then
        dir=$(dirname -- "$(readlink -f -- "$dir")")
        if is_server_bindir "$dir"; then
            printf '%s\n' "$dir"
            return 0
        fi
    fi
    return 1
}

# Set BINDIR and PSQL, or exit 3.
require_bindir() {
    BINDIR=$(find_bindir) ||
        die 3 "no PostgreSQL server binaries found (tried 'pg_config --bindir'," \
            "/usr/lib/postgresql/*/bin and initdb on PATH);" \
            "install PostgreSQL, e.g. with '$0 install' as root on Debian"
    # Prefer the psql that matches the server; any psql can do our two queries.
    if [[ -x $BINDIR/psql ]]; then
        PSQL=$BINDIR/psql
    else
        PSQL=$(command -v psql) || die 1 "psql not found next to $BINDIR/initdb or on PATH"
    fi
}

# initdb and postgres refuse to run as root, so as root everything that
# touches the cluster runs as an unprivileged account instead.
ensure_server_user() {
    ((IS_ROOT)) || return 0
    getent passwd "$SERVER_USER" >/dev/null && return 0
    log "creating system user '$SERVER_USER' to run the server"
    # Same home and shell as Debian's postgresql package would use, so that
    # installing that package later finds a compatible account.
    useradd --system --user-group --no-create-home \
        --home-dir /var/lib/postgresql --shell /bin/bash \
        --comment "PostgreSQL administrator" "$SERVER_USER"
}

# Close every fd above stderr in the current (sub)shell. The postmaster
# outlives this script and would otherwise keep our caller's pipes open: the
# real stdout on fd 3 (so "URL=$(postgres.sh start)" would never return), the
# lock on fd 9, and whatever pipes a CI runner handed down to us.
close_inherited_fds() {
    local fd n
    for fd in "/proc/$BASHPID/fd"/*; do
        n=${fd##*/}
        { [[ $n =~ ^[0-9]+$ ]] && ((n > 2)) && eval "exec $n>&-"; } || true
    done
    exec 3>&- 9<&- # in case there is no /proc
}

# Run a command as the server's OS user (or just run it when not root), in a
# subshell without our extra fds (see above). cd / because the server user
# usually can't enter root's working directory, and initdb/postgres complain
# if they cannot resolve it.
as_server() {
    (
        close_inherited_fds
        cd /
        if ((IS_ROOT)); then
            if command -v runuser >/dev/null 2>&1; then
                exec runuser -u "$SERVER_USER" -- "$@"
            else
                exec su -s "$BASH" "$SERVER_USER" -c "$(printf '%q ' "$@")"
            fi
        else
            exec "$@"
        fi
    )
}

# Set DATA_DIR. With $1 = 1 (start), also create missing parent directories.
resolve_data_dir() {
    local create=$1 parent fallback
    # Absolute, because the server commands run from / (see as_server).
    DATA_DIR=$(realpath -m -- "${PIGDATA_PG_DIR:-$PROJECT_ROOT/.pg}")
    ((IS_ROOT)) || return 0

    # The server user must be able to reach the directory through all its
    # parents; projects checked out under /root typically aren't reachable.
    parent=$(dirname -- "$DATA_DIR")
    ((create)) && mkdir -p -- "$parent"
    # Without the user nothing can be running as it, so no need to look further.
    getent passwd "$SERVER_USER" >/dev/null || return 0
    if ! as_server test -x "$parent" 2>/dev/null; then
        fallback=/tmp/pigdata-pg-$PORT
        log "user '$SERVER_USER' cannot traverse to $parent; using $fallback as the data directory instead"
        DATA_DIR=$fallback
    fi
}

# Serialise concurrent start/stop calls (e.g. parallel test workers) on the
# same cluster. Locking the directory itself needs no extra file and no
# shared writable location. Without flock we simply go unlocked.
take_lock() {
    command -v flock >/dev/null 2>&1 || return 0
    [[ -d $DATA_DIR ]] || return 0
    exec 9<"$DATA_DIR" # fd 9 is closed for children in as_server
    flock -w 120 9 || die 1 "timed out waiting for another postgres.sh working on $DATA_DIR"
}

# ----------------------------------------------------------------------------
# Cluster helpers
# ----------------------------------------------------------------------------

# Major version as PostgreSQL writes it to PG_VERSION: "9.6", "15", ...
bin_major_version() {
    local ver major minor
    ver=$("$BINDIR/postgres" -V | awk '{print $3}') # "15.18", "16beta1"
    ver=${ver%%[!0-9.]*}
    IFS=. read -r major minor _ <<<"$ver"
    if ((major < 10)); then
        printf '%s.%s\n' "$major" "$minor"
    else
        printf '%s\n' "$major"
    fi
}

is_running() {
    [[ -f $DATA_DIR/PG_VERSION ]] || return 1
    as_server "$BINDIR/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1
}

# Port of the running server, from line 4 of postmaster.pid.
running_port() {
    sed -n 4p "$DATA_DIR/postmaster.pid" 2>/dev/null | tr -d '[:space:]'
}

# Exit status as pg_isready's: 0 accepting, 1 rejecting (starting up),
# 2 no response.
probe() {
    "$BINDIR/pg_isready" -q -t 2 -h "$HOST" -p "$PORT" -U "$DB_USER" -d postgres
}

show_log_tail() {
    if [[ -f $DATA_DIR/server.log ]]; then
        log "last lines of $DATA_DIR/server.log:"
        tail -n 25 -- "$DATA_DIR/server.log" >&2 || true
    fi
}

# Hand the (locked) data directory to the server user.
prepare_data_dir() {
    # Never take over or wipe a directory we didn't create: PIGDATA_PG_DIR
    # may point somewhere by mistake. This runs under the lock so that a
    # concurrent initdb isn't mistaken for foreign content.
    if [[ ! -f $DATA_DIR/PG_VERSION && -n $(ls -A -- "$DATA_DIR") ]]; then
        die 1 "$DATA_DIR is not empty but holds no PostgreSQL cluster (perhaps an interrupted" \
            "initdb); remove it or point PIGDATA_PG_DIR elsewhere"
    fi
    if ((IS_ROOT)); then
        # Also catches clusters created earlier by root or by another user.
        if [[ $(stat -c %U -- "$DATA_DIR") != "$SERVER_USER" ]] ||
            [[ -e $DATA_DIR/PG_VERSION && $(stat -c %U -- "$DATA_DIR/PG_VERSION") != "$SERVER_USER" ]]; then
            chown -R -- "$SERVER_USER:" "$DATA_DIR"
        fi
    fi
    # postgres refuses data directories that others can read.
    chmod 700 -- "$DATA_DIR"
}

init_cluster_if_needed() {
    local data_ver bin_ver locale
    if [[ -f $DATA_DIR/PG_VERSION ]]; then
        # A newer PostgreSQL can't start an older cluster; say so plainly
        # instead of leaving the user to dig through the server log.
        data_ver=$(<"$DATA_DIR/PG_VERSION")
        bin_ver=$(bin_major_version)
        [[ $data_ver == "$bin_ver" ]] ||
            die 1 "$DATA_DIR was created by PostgreSQL $data_ver but the binaries in $BINDIR" \
                "are version $bin_ver; it only holds test data, so delete it and run start again"
        return 0
    fi

    # C.UTF-8 gives UTF-8 character classes with byte-order (fast, stable)
    # collation; very minimal systems may lack it, and plain C still works.
    if [[ $(LC_ALL=C.UTF-8 locale charmap 2>/dev/null) == UTF-8 ]]; then
        locale=C.UTF-8
    else
        locale=C
        log "locale C.UTF-8 not available; initialising with locale C"
    fi
    log "initialising a new cluster in $DATA_DIR"
    # trust: the server only listens on 127.0.0.1 and a socket inside a 0700
    # directory, and tests must connect without passwords.
    as_server "$BINDIR/initdb" -D "$DATA_DIR" -A trust -U "$DB_USER" \
        --encoding=UTF8 --locale="$locale" ||
        die 1 "initdb failed"
    # Our settings live in a separate file that we rewrite on every start, so
    # postgresql.conf stays pristine and changed settings are picked up.
    printf "\n# Settings managed by scripts/postgres.sh\ninclude_if_exists = 'pigdata.conf'\n" |
        as_server tee -a "$DATA_DIR/postgresql.conf" >/dev/null
}

write_config() {
    local conf=$DATA_DIR/pigdata.conf sockdir=$DATA_DIR
    # Unix socket paths are limited to 107 bytes; with a deep data directory
    # we go TCP-only rather than fail to start (we connect via TCP anyway).
    if ((${#DATA_DIR} + ${#PORT} + 10 > 107)); then
        sockdir=""
        log "data directory path too long for a Unix socket; listening on TCP only"
    fi
    {
        echo "# Written by scripts/postgres.sh on every start; edits are overwritten."
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $PORT"
        echo "unix_socket_directories = '${sockdir//\'/\'\'}'"
        # Parallel test workers each hold a pool of connections.
        echo "max_connections = 200"
        if ((FAST)); then
            echo "# PIGDATA_PG_FAST=1: throwaway test data, trade durability for speed."
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } | as_server tee "$conf" >/dev/null
}

# Another server answering on our port would make postgres fail with a bind
# error buried in the log; catch the common case up front, before initdb.
ensure_port_free() {
    local rc=0
    probe || rc=$?
    if ((rc == 0 || rc == 1)); then
        die 1 "another PostgreSQL server is already listening on $HOST:$PORT" \
            "(not the one in $DATA_DIR); stop it or set PIGDATA_PG_PORT"
    fi
}

start_server() {
    ensure_port_free
    log "starting PostgreSQL ($BINDIR) on $HOST:$PORT, data in $DATA_DIR"
    if ! as_server "$BINDIR/pg_ctl" -D "$DATA_DIR" -l "$DATA_DIR/server.log" \
        -w -t "$START_TIMEOUT" start; then
        show_log_tail
        die 1 "PostgreSQL failed to start"
    fi
}

stop_server() {
    log "stopping PostgreSQL in $DATA_DIR"
    # fast: roll back open transactions instead of waiting for idle test
    # connections to go away.
    as_server "$BINDIR/pg_ctl" -D "$DATA_DIR" -m fast -w -t 60 stop ||
        die 1 "pg_ctl stop failed"
}

# pg_ctl -w already waits, but the cluster may have been started by someone
# else and still be starting up or recovering, so check the port itself.
wait_until_ready() {
    local i
    for ((i = 0; i < START_TIMEOUT; i++)); do
        probe && return 0
        sleep 1
    done
    show_log_tail
    die 1 "PostgreSQL on $HOST:$PORT did not accept connections within ${START_TIMEOUT}s"
}

ensure_database() {
    local exists
    # Connect to the maintenance database; ours may not exist yet.
    exists=$("$PSQL" -X -q -t -A -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U "$DB_USER" -d postgres \
        -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
    if [[ $exists != 1 ]]; then
        log "creating database $DB_NAME"
        "$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U "$DB_USER" -d postgres \
            -c "CREATE DATABASE \"$DB_NAME\""
    fi
}

# ----------------------------------------------------------------------------
# Subcommands
# ----------------------------------------------------------------------------

cmd_install() {
    local dir
    if dir=$(find_bindir); then
        log "PostgreSQL server binaries already present in $dir"
        return 0
    fi
    ((IS_ROOT)) ||
        die 1 "no PostgreSQL server binaries found and not running as root;" \
            "install PostgreSQL yourself (e.g. sudo apt-get install postgresql) or rerun as root"
    command -v apt-get >/dev/null 2>&1 ||
        die 1 "no PostgreSQL server binaries found and apt-get is not available;" \
            "install PostgreSQL with your system's package manager"
    log "installing Debian's postgresql package"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
    dir=$(find_bindir) || die 1 "installed postgresql, but still no server binaries found"
    log "PostgreSQL server binaries installed in $dir"
}

cmd_start() {
    local port
    require_bindir
    ensure_server_user
    resolve_data_dir 1
    mkdir -p -- "$DATA_DIR"
    take_lock
    prepare_data_dir

    if is_running; then
        port=$(running_port)
        if [[ $port != "$PORT" ]]; then
            # Someone asked for a different port than the running server uses.
            log "server in $DATA_DIR is running on port ${port:-?}, restarting it on $PORT"
            stop_server
            write_config
            start_server
        else
            log "already running on $HOST:$PORT (data in $DATA_DIR)"
        fi
    else
        ensure_port_free
        init_cluster_if_needed
        write_config
        start_server
    fi
    wait_until_ready
    ensure_database
    printf '%s\n' "$URL" >&3
}

cmd_stop() {
    if ! BINDIR=$(find_bindir); then
        # Without binaries we can't have started anything, unless they were
        # removed under a running server, which pg_ctl couldn't fix either.
        resolve_data_dir 0
        [[ -f $DATA_DIR/postmaster.pid ]] &&
            die 3 "$DATA_DIR/postmaster.pid exists but no PostgreSQL binaries were found to stop it"
        log "not running"
        return 0
    fi
    resolve_data_dir 0
    take_lock
    if is_running; then
        stop_server
    else
        log "not running (data directory $DATA_DIR)"
    fi
}

cmd_status() {
    require_bindir
    resolve_data_dir 0
    if is_running; then
        printf 'running on %s:%s, data in %s\n' "$HOST" "$(running_port)" "$DATA_DIR" >&3
    else
        printf 'not running (data directory %s)\n' "$DATA_DIR" >&3
        return 1
    fi
}

main() {
    (($# == 1)) || {
        usage
        exit 2
    }
    case $1 in
        install) cmd_install ;;
        start) cmd_start ;;
        stop) cmd_stop ;;
        status) cmd_status ;;
        url) printf '%s\n' "$URL" >&3 ;;
        -h | --help | help) usage ;;
        *)
            usage
            exit 2
            ;;
    esac
}

main "$@"
