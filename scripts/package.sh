#!/usr/bin/env bash
# Builds the installable artifact dist/wharf-<version>.tgz: one npm package that
# `npm install -g ./dist/wharf-<version>.tgz` installs on another machine without a checkout
# (the five commands, the systemd units and nats-server configs, and `wharf-install-deps`).
# Needs only this checkout and Node >= 20.11; prints the artifact's path and size.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
npm run build --silent
exec node scripts/package.mjs
