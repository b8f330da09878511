#!/usr/bin/env bash
# Install the Debian packages that the build and the checkers need: only those missing, quietly.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

have chromium || need+=(chromium)              # axe-core and Ace run in it
have java || need+=(default-jre-headless)      # EPUBCheck, veraPDF
[ -f /usr/share/java/jaxb-runtime.jar ] || need+=(libjaxb-java)  # veraPDF loads its profiles with JAXB
have pdffonts || need+=(poppler-utils)         # pdffonts/pdftotext in the tests
have msgfmt || need+=(gettext)                 # msgfmt checks the PO catalogs in the tests
have node || need+=(nodejs)                    # Ace by DAISY, axe-core
have npm || need+=(npm)
lib libpango-1.0.so.0 || need+=(libpango-1.0-0)     # WeasyPrint
lib libpangoft2-1.0.so.0 || need+=(libpangoft2-1.0-0)
lib libharfbuzz-subset.so.0 || need+=(libharfbuzz-subset0)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)

[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
