# shellcheck shell=bash
# shellcheck disable=SC2034 # CASSANDRA_STARTED is read by ./parley
# The embedded Cassandra 5 server: a real cassandra-all 5.0.9 in its own JVM, started from
# Maven Central jars because there is no Docker and no Debian package here.
# Sourced by ./parley, which sets PARLEY_ROOT. After cassandra_start, CASSANDRA_STARTED is 1
# if this shell started the node (so it should stop it) and 0 if it reused a running one.

CASSANDRA_SERVER_DIR="$PARLEY_ROOT/cassandra/server"
CASSANDRA_CLASSPATH_FILE="$CASSANDRA_SERVER_DIR/target/cassandra.classpath"
CASSANDRA_STARTED=0
# The address the embedded node listens on (CQL and storage). Loopback unless a caller needs it
# reachable from elsewhere: ./parley chaos runs nodes in network namespaces, which reach it on
# their bridge's address.
CASSANDRA_ADDRESS="${PARLEY_CASSANDRA_ADDRESS:-127.0.0.1}"
# The embedded node runs with authentication on; Parley logs in with this role, made at a data
# directory's first start. Fixed, well-known values: the node listens on 127.0.0.1 only (unless
# PARLEY_CASSANDRA_ADDRESS says otherwise), and
# whoever points tests at a `./parley cassandra` (PARLEY_TEST_CASSANDRA) needs no other setup.
CASSANDRA_DEV_USER=parley
CASSANDRA_DEV_PASSWORD=parley-dev
# Password of the dev node's keystore and truststore (DATA_DIR/tls), which hold only its
# self-signed certificate.
CASSANDRA_TLS_PASSWORD=parley-dev

# Cassandra 5 needs the SecurityManager that JDK 24+ removed, and the app is built for 17:
# use JDK 17 explicitly, not whatever `java` happens to be first on the PATH.
java17() {
  local home="${JAVA17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
  if [[ -x "$home/bin/java" ]]; then
    echo "$home/bin/java"
  else
    echo java
  fi
}

# Runs `mvn -B -q ARGS`, showing its output only if it fails: Debian's Maven 3.8.7 prints
# stray colour codes even with -q and --batch-mode.
mvn_quietly() {
  local output
  if ! output="$(mvn -B -q "$@" 2>&1)"; then
    echo "$output" >&2
    return 1
  fi
}

# Prints the server's classpath. Resolved once with Maven (100 jars, ~67 MB in ~/.m2) and
# kept apart from Parley's classpath: Cassandra brings its own netty, guava and logback.
cassandra_classpath() {
  local pom="$CASSANDRA_SERVER_DIR/pom.xml"
  if [[ ! -s "$CASSANDRA_CLASSPATH_FILE" || "$pom" -nt "$CASSANDRA_CLASSPATH_FILE" ]]; then
    echo "Resolving the Cassandra server jars (cassandra-all 5.0.9, ~67 MB, downloaded on first use) ..." >&2
    mkdir -p "$(dirname "$CASSANDRA_CLASSPATH_FILE")"
    # Write aside and move: an interrupted download must not leave a half classpath behind.
    mvn_quietly -f "$pom" dependency:build-classpath \
      -Dmdep.outputFile="$CASSANDRA_CLASSPATH_FILE.tmp" || return 1
    mv "$CASSANDRA_CLASSPATH_FILE.tmp" "$CASSANDRA_CLASSPATH_FILE"
  fi
  cat "$CASSANDRA_CLASSPATH_FILE"
}

# A tool of the JDK that java17 runs (keytool, ...).
jdk_tool() {
  local java
  java="$(java17)"
  if [[ "$java" == */* ]]; then echo "$(dirname "$java")/$1"; else echo "$1"; fi
}

# cassandra_tls DATA_DIR: the node's TLS files in DATA_DIR/tls, made once: keystore.p12 (a
# self-signed EC certificate for localhost and 127.0.0.1, valid ten years), truststore.p12 (that
# certificate, for clients: PARLEY_CASSANDRA_TRUSTSTORE) and cassandra.crt (the same, PEM).
cassandra_tls() {
  local dir="$1/tls" keytool
  [[ -s "$dir/keystore.p12" && -s "$dir/truststore.p12" ]] && return 0
  keytool="$(jdk_tool keytool)"
  # Made aside and moved: an interrupted run must not leave a keystore without its truststore.
  rm -rf "$dir.tmp"
  mkdir -p "$dir.tmp"
  chmod 700 "$dir.tmp"
  "$keytool" -genkeypair -alias cassandra -keyalg EC -groupname secp256r1 -validity 3650 \
    -dname "CN=localhost" -ext "SAN=dns:localhost,ip:127.0.0.1" \
    -keystore "$dir.tmp/keystore.p12" -storetype PKCS12 \
    -storepass "$CASSANDRA_TLS_PASSWORD" -keypass "$CASSANDRA_TLS_PASSWORD" >/dev/null 2>&1 || return 1
  "$keytool" -exportcert -rfc -alias cassandra -keystore "$dir.tmp/keystore.p12" \
    -storepass "$CASSANDRA_TLS_PASSWORD" -file "$dir.tmp/cassandra.crt" >/dev/null 2>&1 || return 1
  "$keytool" -importcert -noprompt -alias cassandra -file "$dir.tmp/cassandra.crt" \
    -keystore "$dir.tmp/truststore.p12" -storetype PKCS12 \
    -storepass "$CASSANDRA_TLS_PASSWORD" >/dev/null 2>&1 || return 1
  rm -rf "$dir"
  mv "$dir.tmp" "$dir"
}

# cassandra_role DATA_DIR CQL_PORT: Parley's login role, made once per data directory (the
# marker file says it was), with cassandra/server/ParleyRole.java on Cassandra's classpath.
cassandra_role() {
  local data_dir="$1" cql_port="$2"
  [[ -f "$data_dir/parley-role" ]] && return 0
  local classpath log="$data_dir/logs/parley-role.log"
  classpath="$(cassandra_classpath)" || return 1
  echo "Creating the Cassandra role $CASSANDRA_DEV_USER ..."
  # The driver logs at DEBUG without a logback.xml of its own: to a file, shown if it fails.
  if ! "$(java17)" -cp "$classpath" "$CASSANDRA_SERVER_DIR/ParleyRole.java" \
    "$cql_port" "$CASSANDRA_DEV_USER" "$CASSANDRA_DEV_PASSWORD" 120 "$CASSANDRA_ADDRESS" >"$log" 2>&1; then
    grep -v DEBUG "$log" | tail -n 10 | cut -c1-300 >&2
    return 1
  fi
  echo "$CASSANDRA_DEV_USER" >"$data_dir/parley-role"
}

# True if PID runs and is not a zombie (an exited child this shell has not reaped yet).
process_running() {
  local pid="$1" state
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  read -r _ _ state _ <"/proc/$pid/stat" 2>/dev/null || return 1
  [[ "$state" != Z ]]
}

# True if PID is a live Cassandra: a pid file may be stale and its pid reused since.
cassandra_alive() {
  process_running "$1" && grep -q CassandraDaemon "/proc/$1/cmdline" 2>/dev/null
}

cassandra_pid() {
  cat "$1/cassandra.pid" 2>/dev/null || true
}

port_open() {
  (exec 3<>"/dev/tcp/$CASSANDRA_ADDRESS/$1") 2>/dev/null
}

# The JVM options, one per line: the options file without comments and blank lines (java's own
# @argfiles take no comments), then PARLEY_CASSANDRA_JVM_OPTS, last so that they win.
cassandra_jvm_options() {
  sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^$/d' \
    "$CASSANDRA_SERVER_DIR/jvm17.options"
  local extra
  read -r -a extra <<<"${PARLEY_CASSANDRA_JVM_OPTS:-}"
  if ((${#extra[@]} > 0)); then printf '%s\n' "${extra[@]}"; fi
}

# cassandra_start DATA_DIR CQL_PORT STORAGE_PORT
cassandra_start() {
  local data_dir="$1" cql_port="$2" storage_port="$3"
  local timeout="${PARLEY_CASSANDRA_START_TIMEOUT:-240}"
  mkdir -p "$data_dir"
  data_dir="$(cd "$data_dir" && pwd)"
  local log="$data_dir/logs/system.log" out="$data_dir/cassandra.out"
  local pid
  CASSANDRA_STARTED=0
  cassandra_await_stop "$data_dir" || return 1
  pid="$(cassandra_pid "$data_dir")"

  if cassandra_alive "$pid"; then
    echo "Cassandra already running for $data_dir (pid $pid), reusing it."
  else
    if port_open "$cql_port"; then
      echo "Port $cql_port is taken by a process that is not the Cassandra of $data_dir." >&2
      echo "Stop it, or choose other ports (PARLEY_CASSANDRA_PORT / PARLEY_CASSANDRA_STORAGE_PORT)." >&2
      echo "A Cassandra whose data directory was deleted while it ran shows up in: pgrep -af CassandraDaemon" >&2
      return 1
    fi
    local classpath java opts
    classpath="$(cassandra_classpath)" || return 1
    java="$(java17)"
    mapfile -t opts < <(cassandra_jvm_options)
    # Triggers are unused, but Cassandra warns every minute if their directory is missing.
    mkdir -p "$data_dir/logs" "$data_dir/triggers"
    if ! cassandra_tls "$data_dir"; then
      echo "Could not make the TLS keystore in $data_dir/tls (keytool: $(jdk_tool keytool))." >&2
      return 1
    fi
    sed -e "s|@DATA_DIR@|$data_dir|g" -e "s|@CQL_PORT@|$cql_port|g" \
      -e "s|@STORAGE_PORT@|$storage_port|g" -e "s|@TLS_PASSWORD@|$CASSANDRA_TLS_PASSWORD|g" \
      -e "s|@ADDRESS@|$CASSANDRA_ADDRESS|g" \
      "$CASSANDRA_SERVER_DIR/cassandra.yaml.template" >"$data_dir/cassandra.yaml"

    echo "Starting Cassandra on $CASSANDRA_ADDRESS:$cql_port (storage port $storage_port, data $data_dir)"
    # setsid: its own session, so a Ctrl-C in the terminal reaches ./parley only, which then
    # stops the app before Cassandra. JMX listens on localhost only, on a port derived from
    # the CQL port, so the dev (9042) and test (9142) nodes do not collide.
    setsid "$java" "${opts[@]}" \
      -Dcassandra.config="file://$data_dir/cassandra.yaml" \
      -Dcassandra.storagedir="$data_dir" \
      -Dcassandra.logdir="$data_dir/logs" \
      -Dcassandra.triggers_dir="$data_dir/triggers" \
      -Dcassandra-foreground=yes \
      -Dlogback.configurationFile="$CASSANDRA_SERVER_DIR/logback.xml" \
      -Dcassandra.jmx.local.port=$((cql_port + 1000)) \
      -cp "$classpath" org.apache.cassandra.service.CassandraDaemon \
      </dev/null >"$out" 2>&1 &
    pid=$!
    echo "$pid" >"$data_dir/cassandra.pid"
    CASSANDRA_STARTED=1
  fi

  # Also when reusing: the running node may still be starting.
  local start=$SECONDS elapsed report=5
  until port_open "$cql_port"; do
    elapsed=$((SECONDS - start))
    # Not cassandra_alive: right after the fork the child is still bash, not yet java.
    if ! process_running "$pid"; then
      cassandra_failed "Cassandra exited during start-up" "$log" "$out"
      rm -f "$data_dir/cassandra.pid"
      return 1
    fi
    if ((elapsed >= timeout)); then
      cassandra_failed "Cassandra did not accept CQL on $CASSANDRA_ADDRESS:$cql_port within ${timeout}s" "$log" "$out"
      cassandra_stop "$data_dir"
      return 1
    fi
    if ((elapsed >= report)); then
      echo "waiting for Cassandra on $CASSANDRA_ADDRESS:$cql_port ... ${elapsed}s"
      report=$((report + 5))
    fi
    sleep 1
  done
  # Only a node this shell started runs today's cassandra.yaml (authentication on).
  if ((CASSANDRA_STARTED)) && ! cassandra_role "$data_dir" "$cql_port"; then
    cassandra_failed "Could not create Parley's Cassandra role" "$log" "$out"
    cassandra_stop "$data_dir"
    return 1
  fi
  echo "Cassandra is up on $CASSANDRA_ADDRESS:$cql_port after $((SECONDS - start))s (pid $pid, log $log)"
}

# cassandra_failed MESSAGE SYSTEM_LOG STDOUT_LOG
cassandra_failed() {
  local message="$1" log="$2" out="$3"
  echo "$message. Last lines of $log:" >&2
  # Cut long lines: Cassandra logs its whole configuration as one 10 kB line.
  tail -n 30 "$log" 2>/dev/null | cut -c1-300 >&2 || true
  # Errors before logging is up (a bad JVM flag, a bad yaml) only reach stdout; the JDK's
  # WARNING lines there are noise.
  echo "--- last lines of $out:" >&2
  grep -v '^WARNING' "$out" | tail -n 10 | cut -c1-300 >&2 || true
  echo "Hint: full logs in $log and $out. If the data directory is from another" \
    "Cassandra version or is damaged, delete it; if the box is just slow, raise" \
    "PARLEY_CASSANDRA_START_TIMEOUT (seconds, now ${PARLEY_CASSANDRA_START_TIMEOUT:-240})." >&2
}

# cassandra_stopping DATA_DIR: marks the node of DATA_DIR as being stopped by this shell, so
# that a launcher started meanwhile (./parley run right after a Ctrl-C of the previous one) waits
# for it to go instead of reusing it and losing it moments later. Called as soon as a stop
# begins, before the Parley node is stopped; cassandra_stop removes the mark.
cassandra_stopping() {
  local pid
  pid="$(cassandra_pid "$1")"
  if [[ -n "$pid" ]]; then echo "$pid $$" >"$1/cassandra.stopping"; fi
}

# cassandra_await_stop DATA_DIR: if a launcher marked the node of DATA_DIR as stopping, waits
# until that node is gone and the launcher has finished its stop (so that its clean-up cannot
# remove the pid file of a node started here), printing progress, at most
# PARLEY_CASSANDRA_STOP_WAIT seconds (120: that launcher's node stop, 30 s, and its Cassandra
# stop, 60 s, with room). If that launcher died before finishing the stop, finishes it here.
# Fails with a message past the bound.
cassandra_await_stop() {
  local data_dir="$1" mark="$1/cassandra.stopping" pid="" stopper="" start=$SECONDS elapsed report=0
  local bound="${PARLEY_CASSANDRA_STOP_WAIT:-120}"
  [[ -f "$mark" ]] || return 0
  read -r pid stopper <"$mark" || true
  while [[ -f "$mark" ]] && { cassandra_alive "$pid" || process_running "$stopper"; }; do
    elapsed=$((SECONDS - start))
    if ! process_running "$stopper"; then
      echo "The launcher that was stopping the previous Cassandra (pid $pid) is gone; stopping it here."
      echo "$pid" >"$data_dir/cassandra.pid"
      cassandra_stop "$data_dir"
      break
    fi
    if ((elapsed >= bound)); then
      echo "The previous Cassandra (pid $pid) is still stopping after ${bound}s; giving up." >&2
      echo "Wait for it (or stop it: kill $pid) and start again; PARLEY_CASSANDRA_STOP_WAIT sets the wait." >&2
      return 1
    fi
    if ((elapsed >= report)); then
      echo "waiting for the previous Cassandra (pid $pid) to stop ... ${elapsed}s"
      report=$((report + 5))
    fi
    sleep 1
  done
  rm -f "$mark"
  if [[ "$(cassandra_pid "$data_dir")" == "$pid" ]]; then rm -f "$data_dir/cassandra.pid"; fi
}

# cassandra_stop DATA_DIR: SIGTERM (Cassandra drains and flushes), SIGKILL after 60 s.
cassandra_stop() {
  local data_dir="$1" pid start elapsed report=5
  pid="$(cassandra_pid "$data_dir")"
  if cassandra_alive "$pid"; then
    cassandra_stopping "$data_dir"
    echo "Stopping Cassandra (pid $pid) ..."
    kill -TERM "$pid" 2>/dev/null || true
    start=$SECONDS
    while cassandra_alive "$pid"; do
      elapsed=$((SECONDS - start))
      if ((elapsed >= 60)); then
        echo "Cassandra did not stop within 60s, killing it." >&2
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      if ((elapsed >= report)); then
        echo "waiting for Cassandra to stop ... ${elapsed}s"
        report=$((report + 5))
      fi
      sleep 1
    done
    echo "Cassandra stopped after $((SECONDS - start))s."
  fi
  # Only this node's pid file: a launcher that waited for this stop may have started another.
  if [[ "$(cassandra_pid "$data_dir")" == "$pid" ]]; then rm -f "$data_dir/cassandra.pid"; fi
  rm -f "$data_dir/cassandra.stopping"
}
