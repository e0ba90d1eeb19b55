#!/usr/bin/env bash
# Builds debian:bookworm-slim locally with debootstrap, for machines that cannot pull from a
# registry (the Dockerfiles in sandboxes/ start FROM it). About 40 s.
set -euo pipefail
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
command -v debootstrap >/dev/null 2>&1 || {
  $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q debootstrap
}
root=$(mktemp -d)
trap '$SUDO rm -rf "$root"' EXIT
$SUDO debootstrap --variant=minbase bookworm "$root" >/dev/null
$SUDO tar -C "$root" -c . | docker import - debian:bookworm-slim >/dev/null
echo "built debian:bookworm-slim locally"
