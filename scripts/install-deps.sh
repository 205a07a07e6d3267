#!/usr/bin/env bash
# Installs what Wharf needs on a Debian 12/13 machine: nats-server >= 2.10, Docker engine,
# busybox-static (for the locally built images), docker-registry (the cluster image registry).
# Package sources come from the system's own apt configuration. Idempotent: skips what is already there.
# --no-nats: leave nats-server out, on a machine that runs only wharf-agent and wharf-proxy.
# (Installed from the wharf package, this script is the `wharf-install-deps` command.)
set -euo pipefail

want_nats=1
case "${1:-}" in
  --no-nats) want_nats= ;;
  '') ;;
  *) echo "install-deps: unknown argument $1 (usage: $0 [--no-nats])" >&2; exit 2 ;;
esac

need_root() { if [ "$(id -u)" -ne 0 ]; then echo "install-deps: run as root (sudo $0)" >&2; exit 1; fi; }

nats_ok() {
  [ -n "$want_nats" ] || return 0
  command -v nats-server >/dev/null 2>&1 || return 1
  local v; v=$(nats-server --version | sed -E 's/.*v([0-9]+)\.([0-9]+).*/\1 \2/')
  set -- $v
  [ "$1" -gt 2 ] || { [ "$1" -eq 2 ] && [ "$2" -ge 10 ]; }
}

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd || missing+=(busybox-static)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ -n "${WHARF_BENCH_DEPS:-}" ]; then  # the benchmarks' peers and load generators
  for b in haproxy wrk dnsperf dnsmasq; do command -v "$b" >/dev/null 2>&1 || [ -x "/usr/sbin/$b" ] || missing+=("$b"); done
fi

if [ ${#missing[@]} -gt 0 ] || ! nats_ok; then need_root; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! nats_ok; then
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  if [ "$codename" != "bookworm" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >/dev/null
  else
    # Bookworm ships nats-server 2.9.10, which lets concurrent writers through the same
    # expected sequence in a cluster. Take trixie's 2.10 package through a separate sources list,
    # pointed at the system's own Debian mirror, without touching the system's apt state.
    echo "install-deps: fetching nats-server 2.10 from Debian 13"
    d=$(mktemp -d); mkdir -p "$d/lists/partial"
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    [ -n "$uri" ] || uri=$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list)
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri trixie main" >"$d/sources.list"
    O="-o Dir::Etc::SourceList=$d/sources.list -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists=$d/lists"
    apt-get $O update -qq
    (cd "$d" && apt-get $O download nats-server >/dev/null)
    dpkg -i "$d"/nats-server_*.deb >/dev/null
    rm -rf "$d"
  fi
fi
nats_ok || { echo "install-deps: nats-server >= 2.10 is still missing" >&2; exit 1; }
echo "install-deps: ok (${want_nats:+$(nats-server --version), }$(dockerd --version 2>/dev/null | cut -d, -f1))"
