#!/usr/bin/env bash
# Sets up everything on a fresh Debian machine: system packages, a running Docker engine, the
# sandbox images, the Python environment (.venv) and the default offline model.
# Idempotent: a second run only checks. Run as root or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

need_apt=()
command -v dockerd >/dev/null 2>&1 || need_apt+=(docker.io)
command -v make >/dev/null 2>&1 || need_apt+=(make)
command -v git >/dev/null 2>&1 || need_apt+=(git)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_apt+=(python3-venv)
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing ${need_apt[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${need_apt[@]}"
fi

if ! docker info >/dev/null 2>&1; then
  log "starting the Docker engine"
  if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    $SUDO systemctl start docker
  else
    $SUDO sh -c 'nohup dockerd >/var/log/codefactory-dockerd.log 2>&1 &'
  fi
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start: see /var/log/codefactory-dockerd.log" >&2; exit 1; }
fi

if ! docker image inspect debian:bookworm-slim >/dev/null 2>&1; then
  log "getting the base image debian:bookworm-slim"
  docker pull -q debian:bookworm-slim 2>/dev/null || bash scripts/make-base-image.sh
fi

if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
log "installing codefactory and its dev tools into .venv (llama-cpp-python compiles once, a few minutes)"
# A portable llama.cpp build: the native one (-march=native) crashed here on a CPU with AMX.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF}"
.venv/bin/pip install -q --disable-pip-version-check -e '.[dev,llamacpp,ray]'

log "building the sandbox images"
.venv/bin/codefactory sandbox build

log "fetching the default model, and the 0.5B one the test suite runs end to end"
.venv/bin/codefactory model pull qwen2.5-coder-1.5b
.venv/bin/codefactory model pull qwen2.5-coder-0.5b

log "done: run the tests with \`make test\`"
