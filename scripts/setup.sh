#!/usr/bin/env bash
# Installs what wirelab needs on Debian/Ubuntu, then the npm dependencies (which builds
# dist/ through the package's `prepare` script). Safe to run again: it installs only what
# is missing. Needs root (or sudo) for the Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: libpcap for captures (cap), the peer tools wirelab is tested against,
# nftables/iproute2 for topologies, TeX Live (with TikZ for drawings) + poppler for PDF reports,
# chromium for the HTML report's browser test (driven by playwright-core; nothing downloads a browser).
PACKAGES=(
  build-essential python3 libpcap-dev
  iproute2 nftables iputils-ping
  tcpdump tshark nmap ncat dnsutils traceroute dnsmasq-base
  texlive-latex-base texlive-latex-recommended texlive-pictures lmodern latexmk poppler-utils
  chromium
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when node_modules does not match the lock file.
if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.wirelab-lock 2>/dev/null; then
  npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.wirelab-lock
else
  npm run --silent build
fi
