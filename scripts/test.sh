#!/usr/bin/env bash
# Runs every check the way CI does, on a fresh Debian machine or a developer's:
# installs what is missing (nats-server 2.10, Docker engine, busybox-static, docker-registry), starts dockerd if it
# is not running, builds the test images, installs node modules, then lints and runs unit,
# integration and end-to-end tests against a real nats-server and a real Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/ensure-dockerd.sh
bash scripts/build-images.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
npm run lint
npm test
