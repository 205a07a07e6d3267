#!/usr/bin/env bash
# Builds Wharf's example and test images locally with `docker import`, from Debian's
# busybox-static, because no image registry is needed (or reachable) for them:
#   wharf.local/busybox:1         a busybox root filesystem, CMD /bin/sh
#   wharf.local/microservice1:1   the seed's microservice1: HTTP on :3000, answers GET / with its
#                                 hostname (the pod name), exits at once on SIGTERM
#   wharf.local/netclient:1       busybox plus the host's curl and getent with their glibc
#                                 libraries, so names resolve through resolv.conf's search
#                                 list and ndots the way a real application's do (busybox-static
#                                 cannot: its wget has no libc resolver)
set -euo pipefail
BUSYBOX=${BUSYBOX:-/bin/busybox}
[ -x "$BUSYBOX" ] || { echo "busybox-static is missing: apt-get install busybox-static" >&2; exit 1; }
DOCKER=${DOCKER:-docker}
have() { [ -z "${FORCE:-}" ] && $DOCKER image inspect "$1" >/dev/null 2>&1; }

root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/tmp" "$root/www" "$root/etc"
cp "$BUSYBOX" "$root/bin/busybox"
for a in $("$BUSYBOX" --list); do [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
cat >"$root/bin/microservice1" <<'SH'
#!/bin/sh
# The seed's microservice1: answers GET / on $PORT (default 3000) with this host's name.
trap 'kill $pid 2>/dev/null; exit 0' TERM INT
mkdir -p /www && hostname >/www/index.html
httpd -f -p "${PORT:-3000}" -h /www & pid=$!
wait $pid
SH
chmod +x "$root/bin/microservice1"

if ! have wharf.local/busybox:1; then
  tar -C "$root" -c . | $DOCKER import -c 'CMD ["/bin/sh"]' - wharf.local/busybox:1 >/dev/null
  echo "built wharf.local/busybox:1"
fi
if ! have wharf.local/microservice1:1; then
  tar -C "$root" -c . | $DOCKER import -c 'CMD ["/bin/microservice1"]' -c 'EXPOSE 3000' - wharf.local/microservice1:1 >/dev/null
  echo "built wharf.local/microservice1:1"
fi

# Copies a host binary and every shared library it loads (ldd) into the root $1.
add_binary() {
  local dest=$1 bin=$2 lib
  mkdir -p "$dest$(dirname "$bin")"; cp -L "$bin" "$dest$bin"
  for lib in $(ldd "$bin" | awk '/=> \// {print $3} /^\t\// {print $1}'); do
    mkdir -p "$dest$(dirname "$lib")"; cp -L "$lib" "$dest$lib"
  done
}

if ! have wharf.local/netclient:1; then
  command -v curl >/dev/null || { echo "curl is missing: apt-get install curl" >&2; exit 1; }
  add_binary "$root" "$(command -v curl)"
  add_binary "$root" "$(command -v getent)"
  mkdir -p "$root/etc/ssl/certs"
  echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
  tar -C "$root" -c . | $DOCKER import -c 'CMD ["/bin/sh"]' - wharf.local/netclient:1 >/dev/null
  echo "built wharf.local/netclient:1"
fi

# The benchmarks' images (bench/net.mjs), from the host's packages (WHARF_BENCH_DEPS=1
# scripts/install-deps.sh installs them): wrk as the load generator, HAProxy as the peer, Node.js as the backend.
if [ -n "${WHARF_BENCH_IMAGES:-}" ]; then
  for pair in wrk:/usr/bin/wrk haproxy:/usr/sbin/haproxy node:/usr/bin/node; do
    name=${pair%%:*} bin=${pair#*:}
    have "wharf.local/$name:1" && continue
    [ -x "$bin" ] || { echo "$bin is missing: WHARF_BENCH_DEPS=1 scripts/install-deps.sh" >&2; exit 1; }
    r=$(mktemp -d); cp -a "$root/." "$r/"
    add_binary "$r" "$bin"
    tar -C "$r" -c . | $DOCKER import -c 'CMD ["/bin/sh"]' - "wharf.local/$name:1" >/dev/null
    rm -rf "$r"
    echo "built wharf.local/$name:1"
  done
fi
