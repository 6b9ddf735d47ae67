#!/usr/bin/env bash
# Install the Debian packages the tests and the server use when they are missing:
# PostgreSQL and Redis servers, Chromium (browser tests), poppler-utils (pdftoppm,
# benchmark baseline), Tesseract with the Vietnamese model (OCR of scanned documents),
# SoftHSM (a software PKCS#11 token for the signature tests), age (decrypts backups by hand;
# one test checks that it opens ours).
#
#   tools/install-system-deps.sh                 install, fail if that is impossible (CI)
#   tools/install-system-deps.sh --best-effort   install when root on Debian, else say
#                                                what is missing and go on (make test)
set -euo pipefail

best_effort=0
[ "${1:-}" = "--best-effort" ] && best_effort=1

packages=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "$2" ]; }
have pg_ctl /usr/lib/postgresql/15/bin/pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || packages+=(postgresql)
have redis-server /usr/bin/redis-server || packages+=(redis-server)
have chromium /usr/bin/chromium || packages+=(chromium)
have pdftoppm /usr/bin/pdftoppm || packages+=(poppler-utils)
have tesseract /usr/bin/tesseract || packages+=(tesseract-ocr)
have softhsm2-util /usr/bin/softhsm2-util || packages+=(softhsm2)
have age /usr/bin/age || packages+=(age)
if command -v tesseract >/dev/null 2>&1 && ! tesseract --list-langs 2>/dev/null | grep -qx vie; then
    packages+=(tesseract-ocr-vie)
elif ! command -v tesseract >/dev/null 2>&1; then
    packages+=(tesseract-ocr-vie)
fi

[ ${#packages[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    msg="Missing system packages: ${packages[*]} (install them with apt-get as root)."
    if [ $best_effort -eq 1 ]; then
        echo "$msg Tests that need them are skipped and named in the summary." >&2
        exit 0
    fi
    echo "$msg" >&2
    exit 1
fi

echo "Installing: ${packages[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
