#!/usr/bin/env bash
# A one-machine Wharf cluster: nats-server, wharf-api, wharf-reconcilers, one wharf-agent and
# one wharf-proxy, all on 127.0.0.1. `up` installs what is missing, builds, starts
# everything and runs the seed's microservice1 pod on it. Run as root on Debian 12/13.
#
#   deploy/local-cluster.sh up       start (idempotent), run examples/microservice1-pod.yaml and
#                                    expose it with examples/microservice1-svc.yaml (NodePort)
#   deploy/local-cluster.sh down     stop what `up` started and remove its containers
#   deploy/local-cluster.sh status   show what runs
#
# Settings (environment): WHARF_LOCAL_DIR (default /var/lib/wharf-local), WHARF_NATS_PORT (4222),
# WHARF_API_PORT (6443), WHARF_NODE (local-1), WHARF_CLUSTER (default).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${WHARF_LOCAL_DIR:-/var/lib/wharf-local}
NATS_PORT=${WHARF_NATS_PORT:-4222}
API_PORT=${WHARF_API_PORT:-6443}
NODE=${WHARF_NODE:-local-1}
CLUSTER=${WHARF_CLUSTER:-default}
export WHARF_NATS_URL="nats://127.0.0.1:$NATS_PORT" WHARF_CLUSTER="$CLUSTER"
WHARF="node $ROOT/packages/cli/bin/wharf.js"

say() { printf '\033[1m%s\033[0m\n' "$*"; }
die() { echo "local-cluster: $*" >&2; exit 1; }
running() { [ -f "$DIR/run/$1.pid" ] && kill -0 "$(cat "$DIR/run/$1.pid")" 2>/dev/null; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() { # name, then the command
  local name=$1; shift
  if running "$name"; then echo "  $name already running (pid $(cat "$DIR/run/$name.pid"))"; return; fi
  nohup "$@" >>"$DIR/logs/$name.log" 2>&1 &
  echo $! >"$DIR/run/$name.pid"
  echo "  $name started (pid $!, log $DIR/logs/$name.log)"
}

wait_for() { # description, timeout seconds, command...
  local what=$1 t=$2; shift 2
  for _ in $(seq 1 $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what did not come up within ${t}s; see $DIR/logs/"
}

up() {
  [ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts dockerd): sudo $0 up"
  say "1/5 installing what is missing"
  bash "$ROOT/scripts/install-deps.sh"
  bash "$ROOT/scripts/ensure-dockerd.sh"
  bash "$ROOT/scripts/build-images.sh"
  say "2/5 building Wharf"
  (cd "$ROOT" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build --silent)
  mkdir -p "$DIR/run" "$DIR/logs" "$DIR/nats"
  say "3/5 starting the control plane"
  if ! running nats; then
    port_busy "$NATS_PORT" && die "port $NATS_PORT is taken by another process: set WHARF_NATS_PORT"
    sed -e "s#/var/lib/wharf/nats#$DIR/nats#" -e "s#127.0.0.1:4222#127.0.0.1:$NATS_PORT#" "$ROOT/deploy/nats/wharf.conf" >"$DIR/nats.conf"
  fi
  start nats nats-server -c "$DIR/nats.conf"
  wait_for nats-server 15 bash -c "exec 3<>/dev/tcp/127.0.0.1/$NATS_PORT"
  local reset=()
  [ -f "$HOME/.wharf/config" ] || reset=(--reset-admin-token)
  if ! running api; then port_busy "$API_PORT" && die "port $API_PORT is taken by another process: set WHARF_API_PORT"; fi
  start api node "$ROOT/packages/api/bin/wharf-api.js" --listen "127.0.0.1:$API_PORT" "${reset[@]}"
  wait_for wharf-api 30 test -f "$HOME/.wharf/config"
  wait_for wharf-api 30 $WHARF get namespaces
  start reconcilers node "$ROOT/packages/reconcilers/bin/wharf-reconcilers.js"
  say "4/5 starting node $NODE"
  start agent node "$ROOT/packages/agent/bin/wharf-agent.js" --node "$NODE" --address 127.0.0.1 --state-dir "$DIR/agent"
  [ -x "$ROOT/packages/proxy/bin/wharf-proxy.js" ] && start proxy node "$ROOT/packages/proxy/bin/wharf-proxy.js" --node "$NODE" --address 127.0.0.1
  wait_for "node $NODE" 30 bash -c "$WHARF get nodes $NODE"
  say "5/5 running the seed's microservice1 pod"
  $WHARF get pod microservice1 >/dev/null 2>&1 || $WHARF create -f "$ROOT/examples/microservice1-pod.yaml"
  wait_for "pod microservice1" 60 bash -c "$WHARF get pod microservice1 -o json | grep -q '\"phase\": \"Running\"'"
  $WHARF get pods -o wide
  local port
  port=$($WHARF get pod microservice1 -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s);const h=(p.status.hostPorts||[]).find(x=>x.containerPort===3000);console.log(h?h.hostPort:"")})')
  [ -n "$port" ] || die "pod microservice1 runs but publishes no port"
  echo
  echo "microservice1 answers on 127.0.0.1:$port: $(curl -fsS "http://127.0.0.1:$port/")"
  if [ -x "$ROOT/packages/proxy/bin/wharf-proxy.js" ]; then
    $WHARF get svc microservice1 >/dev/null 2>&1 || $WHARF create -f "$ROOT/examples/microservice1-svc.yaml"
    local nodeport
    nodeport=$($WHARF get svc microservice1 -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).spec.ports[0].nodePort||""))')
    wait_for "NodePort $nodeport" 30 curl -fsS "http://127.0.0.1:$nodeport/"
    echo "service microservice1 answers on its NodePort 127.0.0.1:$nodeport: $(curl -fsS "http://127.0.0.1:$nodeport/")"
  fi
  echo
  echo "The CLI: $WHARF get pods    (config: ~/.wharf/config; kubectl: KUBECONFIG=~/.wharf/kubeconfig kubectl get pods)"
  echo "Stop it: $0 down"
}

down() {
  for name in proxy agent reconcilers api nats; do
    if running "$name"; then
      kill "$(cat "$DIR/run/$name.pid")" && echo "  stopped $name"
      for _ in $(seq 1 50); do running "$name" || break; sleep 0.1; done
    fi
    rm -f "$DIR/run/$name.pid"
  done
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    ids=$(docker ps -aq --filter "label=wharf.cluster=$CLUSTER" --filter "label=wharf.node=$NODE")
    [ -z "$ids" ] || { docker rm -f $ids >/dev/null && echo "  removed $(echo $ids | wc -w) container(s) of node $NODE"; }
  fi
}

status() {
  for name in nats api reconcilers agent proxy; do
    if running "$name"; then echo "$name: running (pid $(cat "$DIR/run/$name.pid"))"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
