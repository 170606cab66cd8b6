#!/bin/sh
# Installs the workspace's dependencies exactly as locked, with pnpm 10.
# Works on a machine that has only Node.js and npm: pnpm then runs through npx.
set -e
cd "$(dirname "$0")/.."
if command -v pnpm >/dev/null 2>&1 && pnpm --version 2>/dev/null | grep -q '^10\.'; then
  PNPM="pnpm"
else
  PNPM="npx --yes pnpm@10"
fi
# npm passes its own settings down as npm_config_* variables; pnpm would read them as its own.
unset npm_config_nodedir npm_config_node_gyp
$PNPM install --frozen-lockfile --reporter=silent
