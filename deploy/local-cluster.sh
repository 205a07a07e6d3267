#!/usr/bin/env bash
# A one-machine Wharf cluster on 127.0.0.1, made by `wharf init` like a cluster of machines
# (cluster CA, NATS with TLS and a user per component, wharf-api, wharf-reconcilers, this
# machine's agent and proxy), but untainted so that it runs pods. `up` installs what is missing,
# builds, starts everything and runs the seed's microservice1 pod on it. Run as root on Debian 12/13.
#
#   deploy/local-cluster.sh up       start (idempotent: starts again what is stopped), run
#                                    examples/microservice1-pod.yaml and expose it with
#                                    examples/microservice1-svc.yaml (NodePort)
#   deploy/local-cluster.sh down     stop it and remove its files and containers (wharf reset)
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
WHARF="node $ROOT/packages/cli/bin/wharf.js"
DIRS=(--config-dir "$DIR/etc" --data-dir "$DIR/var")
unset WHARF_CONFIG

say() { printf '\033[1m%s\033[0m\n' "$*"; }
die() { echo "local-cluster: $*" >&2; exit 1; }
running() { [ -f "$DIR/var/run/$1.pid" ] && kill -0 "$(cat "$DIR/var/run/$1.pid")" 2>/dev/null; }

wait_for() { # description, timeout seconds, command...
  local what=$1 t=$2; shift 2
  for _ in $(seq 1 $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  die "$what did not come up within ${t}s; see $DIR/var/run/logs/"
}

up() {
  [ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts dockerd): sudo $0 up"
  say "1/5 installing what is missing"
  bash "$ROOT/scripts/install-deps.sh"
  bash "$ROOT/scripts/ensure-dockerd.sh"
  bash "$ROOT/scripts/build-images.sh"
  say "2/5 building Wharf"
  (cd "$ROOT" && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build --silent)
  if [ -f "$DIR/etc/pki/ca.key" ]; then
    say "3/5 starting the cluster again (its files are in $DIR)"
    $WHARF start --data-dir "$DIR/var"
    wait_for wharf-api 60 $WHARF get namespaces
  else
    say "3/5 wharf init: the control plane and node $NODE on 127.0.0.1"
    $WHARF init --advertise-address 127.0.0.1 --node-name "$NODE" --cluster "$CLUSTER" --api-port "$API_PORT" --nats-port "$NATS_PORT" --schedulable "${DIRS[@]}"
  fi
  say "4/5 waiting for node $NODE"
  wait_for "node $NODE" 60 bash -c "$WHARF get nodes $NODE | grep -q ' Ready '"
  say "5/5 running the seed's microservice1 pod"
  $WHARF get pod microservice1 >/dev/null 2>&1 || $WHARF create -f "$ROOT/examples/microservice1-pod.yaml"
  wait_for "pod microservice1" 60 bash -c "$WHARF get pod microservice1 -o json | grep -q '\"phase\": \"Running\"'"
  $WHARF get pods -o wide
  local ip
  ip=$($WHARF get pod microservice1 -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).status.podIP||""))')
  [ -n "$ip" ] || die "pod microservice1 runs but has no pod IP"
  echo
  echo "microservice1 answers on its pod IP $ip:3000: $(curl -fsS "http://$ip:3000/")"
  if [ -x "$ROOT/packages/proxy/bin/wharf-proxy.js" ]; then
    $WHARF get svc microservice1 >/dev/null 2>&1 || $WHARF create -f "$ROOT/examples/microservice1-svc.yaml"
    local nodeport
    nodeport=$($WHARF get svc microservice1 -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).spec.ports[0].nodePort||""))')
    local clusterip
    clusterip=$($WHARF get svc microservice1 -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).spec.clusterIP||""))')
    wait_for "NodePort $nodeport" 30 curl -fsS "http://127.0.0.1:$nodeport/"
    echo "service microservice1 answers on its NodePort 127.0.0.1:$nodeport: $(curl -fsS "http://127.0.0.1:$nodeport/")"
    wait_for "ClusterIP $clusterip" 30 curl -fsS "http://$clusterip:3000/"
    echo "and on its ClusterIP $clusterip:3000: $(curl -fsS "http://$clusterip:3000/"); pods reach it as http://microservice1:3000/"
  fi
  echo
  echo "The CLI: $WHARF get pods    (config: ~/.wharf/config; kubectl: KUBECONFIG=~/.wharf/kubeconfig kubectl get pods)"
  echo "Stop it: $0 down"
}

down() {
  [ -d "$DIR" ] || { echo "  nothing to stop ($DIR does not exist)"; return; }
  # reset removes the node's pod containers, then its pod network, then the files.
  $WHARF reset "${DIRS[@]}"
  rm -rf "$DIR"
}

status() {
  for name in wharf-nats wharf-api wharf-reconcilers wharf-agent wharf-proxy; do
    if running "$name"; then echo "$name: running (pid $(cat "$DIR/var/run/$name.pid"))"; else echo "$name: stopped"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
