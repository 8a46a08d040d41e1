#!/bin/sh
# Fetches NVIDIA's `ptxas` from Debian's non-free `nvidia-cuda-toolkit` package without
# installing the toolkit and without touching the system's apt sources: a private apt
# list with the non-free component, `apt-get download`, then `dpkg -x` into a temporary
# directory, keeping only the (self-contained) ptxas binary. Prints its path; the PTX
# snapshot tests use it through `HPXL_PTXAS=<path>`.
#
# Usage: scripts/fetch-ptxas.sh [dest-dir]   (default: target/ptxas)
# Needs: apt-get and dpkg (Debian bookworm or a derivative), access to deb.debian.org.
# Downloads ~84 MB (CUDA 11.8's toolkit package); keeps ~19 MB.
set -eu
dest=${1:-target/ptxas}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
if [ -x "$dest/ptxas" ]; then
    echo "$dest/ptxas"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial"
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
echo "deb http://deb.debian.org/debian $suite main contrib non-free" > "$work/sources.list"
opts="-o Dir::Etc::SourceList=$work/sources.list -o Dir::Etc::SourceParts=/dev/null \
      -o Dir::State::Lists=$work/lists -o Dir::Cache::Archives=$work/archives \
      -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $opts update >&2
cd "$work"
# shellcheck disable=SC2086
apt-get $opts download nvidia-cuda-toolkit >&2
dpkg -x nvidia-cuda-toolkit_*.deb "$work/pkg"
found=$(find "$work/pkg" -name ptxas -type f | head -n 1)
[ -n "$found" ] || { echo "ptxas not found in the package" >&2; exit 1; }
cp "$found" "$dest/ptxas"
echo "$dest/ptxas"
