#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock; starts dockerd in the background
# (no systemd needed) when none does, and waits until it answers /_ping.
set -euo pipefail
sock=/var/run/docker.sock
ping() { curl -fsS --max-time 2 --unix-socket "$sock" http://localhost/_ping >/dev/null 2>&1; }
if ping; then exit 0; fi
command -v dockerd >/dev/null || { echo "dockerd is not installed: run scripts/install-deps.sh" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then echo "dockerd is not running: start it with 'sudo dockerd &' or 'sudo systemctl start docker'" >&2; exit 1; fi
log=${DOCKERD_LOG:-/var/log/dockerd.log}
echo "ensure-dockerd: starting dockerd (log: $log)"
# dockerd outlives this script: it must not inherit the caller's open files. A caller running
# under `flock LOCK ...` holds the lock on one of them, and dockerd would hold it for as long as
# it runs, so every later `flock LOCK` would wait forever.
(
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
  done
  exec nohup dockerd >"$log" 2>&1 </dev/null
) &
for _ in $(seq 1 150); do ping && exit 0; sleep 0.2; done
echo "dockerd did not answer within 30 s; see $log" >&2; exit 1
