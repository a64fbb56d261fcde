#!/usr/bin/env bash
# A private single-node OpenStack Swift with its S3 API (s3api), for the tests and benchmarks that need a
# real S3-compatible store: scripts/swift.sh start <dir> <port> | stop <dir>.
#
# start writes configs and rings under <dir>, starts memcached and the account, container, object and proxy
# servers as background processes (pid files in <dir>/run, logs in <dir>/log), every backend on a free port
# the kernel picks, the proxy (the S3 endpoint) on <port>, and waits until each answers /healthcheck. S3
# credentials: access key `test:tester`, secret `testing`, region us-east-1, path-style addressing.
# stop sends SIGTERM to each process by its pid file and waits for it to end; <dir> is left to the caller.
#
# Debian's packages (scripts/bootstrap.sh installs them): swift swift-proxy swift-account swift-container
# swift-object memcached. No systemd: the servers run in the foreground of their own background shells.
# Swift runs on Debian's /usr/bin/python3 (another python3 on PATH lacks Debian's modules). The servers
# read /etc/swift/swift.conf (shipped by the package) from that fixed path; everything else is in <dir>.
set -euo pipefail

usage() {
  echo "usage: $0 start <dir> <port> | stop <dir>" >&2
  exit 2
}

python=/usr/bin/python3

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to 60 s for http://127.0.0.1:<port>/healthcheck, or names the server's log and fails.
wait_healthy() {
  local name=$1 port=$2 dir=$3
  for _ in $(seq 1 600); do
    if "$python" -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:$port/healthcheck', timeout=1).status == 200 else 1)" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$(cat "$dir/run/$name.pid")" 2>/dev/null; then
      echo "swift.sh: $name ended; its log:" >&2
      tail -n 30 "$dir/log/$name.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "swift.sh: $name did not answer /healthcheck on port $port within 60 s; see $dir/log/$name.log" >&2
  return 1
}

server_conf() {
  local kind=$1 port=$2 dir=$3
  cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 1
user = swift
swift_dir = $dir/etc
devices = $dir/srv
mount_check = false
log_name = $kind-server
log_level = WARNING

[pipeline:main]
pipeline = healthcheck $kind-server

[app:$kind-server]
use = egg:swift#$kind
recon_cache_path = $dir/cache

[filter:healthcheck]
use = egg:swift#healthcheck

[$kind-replicator]
[$kind-auditor]
EOF
}

proxy_conf() {
  local port=$1 dir=$2 memcached=$3
  cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $port
workers = 1
user = swift
swift_dir = $dir/etc
log_name = proxy-server
log_level = WARNING

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl s3api tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
recon_cache_path = $dir/cache

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcached
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:tempurl]
use = egg:swift#tempurl
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
[filter:symlink]
use = egg:swift#symlink
EOF
}

start() {
  local dir=$1 port=$2
  [ -f /etc/swift/swift.conf ] || { echo "swift.sh: /etc/swift/swift.conf is missing: install Debian's swift packages (scripts/bootstrap.sh)" >&2; exit 1; }
  mkdir -p "$dir"/{etc,srv/sdb1,cache,run,log}
  # The servers drop to the swift user: it must reach the devices and its cache through <dir>.
  chmod 755 "$dir"
  chown -R swift:swift "$dir/srv" "$dir/cache"
  local account container object memcached
  account=$(free_port)
  container=$(free_port)
  object=$(free_port)
  memcached=$(free_port)
  server_conf account "$account" "$dir" >"$dir/etc/account-server.conf"
  server_conf container "$container" "$dir" >"$dir/etc/container-server.conf"
  server_conf object "$object" "$dir" >"$dir/etc/object-server.conf"
  proxy_conf "$port" "$dir" "$memcached" >"$dir/etc/proxy-server.conf"
  # All three rings in one process: nine swift-ring-builder calls take about 26 s, this about 1.5 s.
  "$python" - "$dir/etc" "$account" "$container" "$object" <<'EOF'
import sys
from swift.common.ring import RingBuilder
etc, ports = sys.argv[1], dict(zip(("account", "container", "object"), map(int, sys.argv[2:5])))
for kind, port in ports.items():
    builder = RingBuilder(10, 1, 1)
    builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port, "device": "sdb1", "weight": 100})
    builder.rebalance()
    builder.get_ring().save(f"{etc}/{kind}.ring.gz")
EOF
  memcached -l 127.0.0.1 -p "$memcached" -U 0 -u swift -m 64 >"$dir/log/memcached.log" 2>&1 &
  echo $! >"$dir/run/memcached.pid"
  for kind in account container object proxy; do
    "$python" "/usr/bin/swift-$kind-server" "$dir/etc/$kind-server.conf" --verbose >"$dir/log/$kind.log" 2>&1 &
    echo $! >"$dir/run/$kind.pid"
  done
  wait_healthy account "$account" "$dir"
  wait_healthy container "$container" "$dir"
  wait_healthy object "$object" "$dir"
  wait_healthy proxy "$port" "$dir"
}

stop() {
  local dir=$1 pids=() pid
  for file in "$dir"/run/*.pid; do
    [ -f "$file" ] || continue
    pid=$(cat "$file")
    kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    rm -f "$file"
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 200); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
}

case "${1:-}" in
  start) [ $# -eq 3 ] || usage; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac
