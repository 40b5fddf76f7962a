#!/usr/bin/env bash
# Run the whole suite against a throwaway PostgreSQL 15 cluster (temp dir, free port).
# Installs PostgreSQL, Chromium, poppler and fonts from Debian's packages when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
[ -x "${PGBIN:-/nonexistent}/initdb" ] || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v npm >/dev/null || need+=(npm)
# The cache tests run a throwaway Redis (txng/common/tests/test_rediscache.py).
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
fi

PGDIR=$(mktemp -d /tmp/txng-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$PGDIR" 2>/dev/null || { useradd -r postgres; chown postgres "$PGDIR"; }
  RUN_AS=(runuser -u postgres --)
fi
cleanup() {
  "${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PGDIR"
}
trap cleanup EXIT
"${RUN_AS[@]}" "$PGBIN/initdb" -D "$PGDIR/data" -U txng --auth=trust -E UTF8 >/dev/null
"${RUN_AS[@]}" "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/log" -w \
  -o "-p $PORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on port $PORT"

export DATABASE_URL="postgres://txng@127.0.0.1:$PORT/txng"
export DEBUG=0 SECRET_KEY=test-only-secret SECURE_SSL_REDIRECT=0
export CHROMIUM=/usr/bin/chromium
# The camera tests read QR codes with the ZXing decoder built from frontend/ (npm ci).
make --no-print-directory frontend
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python -m pytest -n "${TEST_WORKERS:-2}" --dist loadfile "$@"
