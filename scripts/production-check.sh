#!/usr/bin/env bash
# The production set-up of docs/deploy.md, built and proved on this machine, then stopped:
# PostgreSQL 15, Redis, gunicorn (several workers), the task workers, nginx with TLS (a
# self-signed certificate) and HTTP/2, media in an S3-compatible bucket (moto's server stands in
# for the province's object storage), DEBUG=0 and the settings from an env file. Then a smoke
# walk through the proxy, the metrics, the task worker, a backup and a timed restore drill into
# a fresh cluster, a streaming replica and the read routing, and (LOAD_SECONDS > 0) the load and
# fault bench: consumers, businesses writing diary entries and shipments, officials approving
# print orders after a TOTP second factor, API clients capturing EPCIS events; with LOAD_FAULTS=1
# a gunicorn worker and the task worker killed, PostgreSQL and Redis restarted, then every
# acknowledged write looked up and the queued tasks counted against their effects; the bench
# also splits each request's time by nginx's and gunicorn's logs (joined on the request id) and
# prints the CPU each process used. Everything lives in one temporary folder and on free
# loopback ports.
#
#   bash scripts/production-check.sh            # LOAD_SECONDS=0 skips the load bench
#   LOAD_SECONDS=300 LOAD_USERS=200 bash scripts/production-check.sh
#   (the users arrive over LOAD_RAMP=30 s first, measured apart: bench/load.py --ramp)
#   KEEP=1 ... keeps the folder (logs: log/nginx-timing.log, log/request-timing.log);
#   WORKERS=4 THREADS=4 ... sets gunicorn's workers and threads (GUNICORN_WORKERS/_THREADS)
#   TASK_WORKERS=2 ... the task workers (txng-worker@1 … @N of docs/deploy.md), one per core
set -euo pipefail
cd "$(dirname "$0")/.."
APP=$(pwd)
started_all=$(date +%s)
TASK_WORKERS=${TASK_WORKERS:-2}  # txng-worker@1 … @N (docs/deploy.md): one per core
say() { printf '\n== %s\n' "$*"; }
elapsed() { echo $(( $(date +%s%N) / 1000000 - $1 )); }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

say "1. Debian packages (PostgreSQL 15, Redis, nginx, openssl) and the app from the lock file"
need=()
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
[ -x "${PGBIN:-/nonexistent}/initdb" ] || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
command -v nginx >/dev/null || need+=(nginx)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
fi
# Debian starts the packaged services on install; this check runs its own on free ports.
PYTHON=$(command -v python3.11 || command -v python3)
[ -x .venv/bin/gunicorn ] || make venv
.venv/bin/python -c "import storages, django_prometheus" 2>/dev/null \
  || .venv/bin/pip install --quiet --require-hashes -r requirements.txt 2>/dev/null
# The stand-in for the province's object storage, in a virtualenv of its own (not the app's).
S3_VENV=${S3_VENV:-/var/cache/txng-check/s3venv}
if [ ! -x "$S3_VENV/bin/moto_server" ]; then
  $PYTHON -m venv "$S3_VENV"
  "$S3_VENV/bin/pip" install --quiet "moto[server]==5.2.5" 2>"$S3_VENV.log"
fi

ROOT=$(mktemp -d /tmp/txng-prodcheck.XXXXXX)
chmod 755 "$ROOT"
mkdir -p "$ROOT"/{run,log,tls,nginx,pg,backups}
free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT=$(free_port); REPLICA_PORT=$(free_port); RESTORE_PORT=$(free_port)
REDIS_PORT=$(free_port); S3_PORT=$(free_port); HTTP_PORT=$(free_port); HTTPS_PORT=$(free_port)
BASE="https://127.0.0.1:$HTTPS_PORT"
RUN_AS=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd -r postgres
  chown postgres "$ROOT/pg"
  RUN_AS=(runuser -u postgres --)
fi
pg() { "${RUN_AS[@]}" "$PGBIN/$@"; }
psql_at() { local port=$1; shift; pg psql -h "$ROOT/pg" -p "$port" -U postgres -d txng -XAtq -c "$*"; }

stop_all() {
  set +e
  # The task workers' loops first (else they start their worker again), then the workers.
  for pidfile in "$ROOT"/run/supervise-worker*.pid "$ROOT"/run/worker-*.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  [ -f "$ROOT/run/gunicorn.pid" ] && kill "$(cat "$ROOT/run/gunicorn.pid")" 2>/dev/null
  [ -f "$ROOT/nginx/nginx.pid" ] && nginx -p "$ROOT/nginx" -c "$ROOT/nginx/nginx.conf" -s stop 2>/dev/null
  [ -f "$ROOT/run/moto.pid" ] && kill "$(cat "$ROOT/run/moto.pid")" 2>/dev/null
  [ -f "$ROOT/run/redis.pid" ] && kill "$(cat "$ROOT/run/redis.pid")" 2>/dev/null
  for data in primary replica restore; do
    [ -d "$ROOT/pg/$data" ] && pg pg_ctl -D "$ROOT/pg/$data" -m fast stop >/dev/null 2>&1
  done
  sleep 1
  if [ "${KEEP:-0}" = 1 ]; then echo "kept $ROOT"; else rm -rf "$ROOT"; fi
}
trap stop_all EXIT

say "2. PostgreSQL 15 (primary, archiving-ready: wal_level=replica)"
DB_PASSWORD=$(openssl rand -hex 16)
pg initdb -D "$ROOT/pg/primary" -U postgres --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
cat >> "$ROOT/pg/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$ROOT/pg'
wal_level = replica
max_wal_senders = 5
hot_standby = on
shared_buffers = 256MB
max_connections = 200
CONF
pg pg_ctl -D "$ROOT/pg/primary" -l "$ROOT/pg/primary.log" -w start >/dev/null
pg psql -h "$ROOT/pg" -p "$PG_PORT" -U postgres -XAtq -c "CREATE ROLE txng LOGIN PASSWORD '$DB_PASSWORD'" -c "CREATE DATABASE txng OWNER txng"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"

say "3. Redis (no persistence: the cache and rate limits are rebuilt after a restart)"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --maxmemory 256mb --maxmemory-policy allkeys-lru --daemonize yes \
  --pidfile "$ROOT/run/redis.pid" --logfile "$ROOT/log/redis.log" --dir "$ROOT"

say "4. S3-compatible object storage and the media bucket"
"$S3_VENV/bin/moto_server" -H 127.0.0.1 -p "$S3_PORT" >"$ROOT/log/s3.log" 2>&1 &
echo $! >"$ROOT/run/moto.pid"
S3_KEY=$(openssl rand -hex 8); S3_SECRET=$(openssl rand -hex 16)

say "5. TLS certificate (self-signed for the check; the province's own in production)"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$ROOT/tls/key.pem" -out "$ROOT/tls/cert.pem" 2>/dev/null

say "6. The env file (/etc/txng/txng.env in production)"
ENV_FILE="$ROOT/txng.env"
cat >"$ENV_FILE" <<ENV
DEBUG=0
SECRET_KEY=$(openssl rand -hex 32)
DATABASE_URL=postgres://txng:$DB_PASSWORD@127.0.0.1:$PG_PORT/txng
CACHE_URL=redis://127.0.0.1:$REDIS_PORT/0
ALLOWED_HOSTS=127.0.0.1,localhost
SITE_DOMAIN=$BASE
CSRF_TRUSTED_ORIGINS=$BASE
TRUST_X_REAL_IP=1
TXNG_PROVINCE=cao-bang
S3_BUCKET=txng-media
S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT
S3_ACCESS_KEY=$S3_KEY
S3_SECRET_KEY=$S3_SECRET
S3_PUBLIC_URL=$BASE/media
LOG_FORMAT=json
METRICS_TOKEN=$(openssl rand -hex 16)
PROMETHEUS_MULTIPROC_DIR=$ROOT/run/prometheus
GUNICORN_BIND=unix:$ROOT/run/gunicorn.sock
GUNICORN_WORKERS=${WORKERS:-4}
GUNICORN_THREADS=${THREADS:-4}
BACKUP_DIR=$ROOT/backups
BACKUP_KEEP_DAYS=14
ENV
# The load bench's instrument (deploy/gunicorn.conf.py): each request's worker time, CPU and
# database time, joined with nginx's log by request id. Not in a production env file.
if [ "${LOAD_SECONDS:-0}" -gt 0 ]; then
  echo "REQUEST_TIMING_LOG=$ROOT/log/request-timing.log" >>"$ENV_FILE"
fi
chmod 600 "$ENV_FILE"
set -a; . "$ENV_FILE"; set +a
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$S3_PORT/" >/dev/null && break; sleep 0.2; done
.venv/bin/python -c "
import boto3, os
boto3.client('s3', endpoint_url=os.environ['S3_ENDPOINT_URL'], aws_access_key_id=os.environ['S3_ACCESS_KEY'],
             aws_secret_access_key=os.environ['S3_SECRET_KEY'], region_name='us-east-1').create_bucket(Bucket='txng-media')"

say "7. migrate, collectstatic, check --deploy"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py correct_event_identifiers
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py ensure_partitions

say "8. bench data: the demo's organisations, products, lots, stamps and scans"
DEBUG=1 .venv/bin/python manage.py load_demo --base-url "$BASE" >"$ROOT/log/load_demo.log"
SMOKE_PASSWORD=$(openssl rand -hex 12)
# The load bench's officials (TOTP), print orders for them to approve and an EPCIS capture key.
LOAD_ORDERS=$(( ${LOAD_SECONDS:-0} > 300 ? 300 : ${LOAD_SECONDS:-0} ))
SMOKE_STATE="$ROOT/smoke.json" SMOKE_PASSWORD=$SMOKE_PASSWORD LOAD_ORDERS=$LOAD_ORDERS \
  .venv/bin/python manage.py shell -v 0 -c "$(cat scripts/prodcheck/seed.py)"

say "9. gunicorn ($GUNICORN_WORKERS workers), $TASK_WORKERS task workers, nginx"
start_gunicorn() {   # systemctl start txng-gunicorn
  rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  .venv/bin/gunicorn -c deploy/gunicorn.conf.py txng.wsgi --daemon \
    --pid "$ROOT/run/gunicorn.pid" --access-logfile "$ROOT/log/access.log" \
    --error-logfile "$ROOT/log/gunicorn.log"
}
start_gunicorn
# systemctl start txng-worker@1 … @TASK_WORKERS (deploy/txng-worker@.service): each instance's
# ExecStartPre= lines and its Restart=always, as a shell loop under the instance's own id. One
# parent holds the loops (run/supervise-worker.pid: the load bench counts its tree's CPU).
start_task_worker() {
  local id=check-worker-$1 log="$ROOT/log/worker-$1.log"
  while true; do
    .venv/bin/python manage.py requeue_orphaned_tasks --worker-id "$id" >>"$log" 2>&1
    .venv/bin/python manage.py resume_stamp_orders --worker-id "$id" >>"$log" 2>&1
    .venv/bin/python manage.py db_worker --worker-id "$id" >>"$log" 2>&1 &
    echo $! >"$ROOT/run/worker-$1.pid"
    wait $! || true
    [ -f "$ROOT/run/stopping" ] && break
    sleep 1
  done
}
(
  for i in $(seq 1 "$TASK_WORKERS"); do
    start_task_worker "$i" &
    echo $! >"$ROOT/run/supervise-worker-$i.pid"
  done
  wait
) &
echo $! >"$ROOT/run/supervise-worker.pid"
sed -e "s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS_PORT ssl http2;|" \
    -e "s|truyxuat.example.gov.vn|127.0.0.1|" \
    -e "s|/etc/txng/tls/|$ROOT/tls/|" \
    -e "s|/run/txng/|$ROOT/run/|" \
    -e "s|127.0.0.1:9000|127.0.0.1:$S3_PORT|g" deploy/nginx-txng.conf >"$ROOT/nginx/txng.conf"
cat >"$ROOT/nginx/nginx.conf" <<NGINX
user root;
worker_processes 2;
pid $ROOT/nginx/nginx.pid;
error_log $ROOT/log/nginx-error.log;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    access_log $ROOT/log/nginx-access.log;
    # For the load bench's split of each request's time (bench/load_report.py): nginx's own
    # time and gunicorn's, by the request id the app also logs.
    log_format timing 'rid=\$request_id st=\$status rt=\$request_time'
                      ' urt="\$upstream_response_time" uct="\$upstream_connect_time"'
                      ' bytes=\$body_bytes_sent "\$request"';
    access_log $ROOT/log/nginx-timing.log timing;
    sendfile on;
    include $ROOT/nginx/txng.conf;
}
NGINX
nginx -p "$ROOT/nginx" -c "$ROOT/nginx/nginx.conf"
for _ in $(seq 100); do
  curl -sf --cacert "$ROOT/tls/cert.pem" "$BASE/healthz" >/dev/null && break; sleep 0.2
done

say "10. smoke walk through the proxy"
SMOKE="$ROOT/smoke.json"
.venv/bin/python scripts/prodcheck/smoke.py walk "$BASE" "$ROOT/tls/cert.pem" "$SMOKE" "$SMOKE_PASSWORD"
version=$(curl -s --http2 --cacert "$ROOT/tls/cert.pem" -o /dev/null -w '%{http_version}' "$BASE/healthz")
[ "$version" = 2 ] || { echo "FAIL HTTP/2: got HTTP/$version"; exit 1; }
echo "  ok   HTTP/2 over TLS"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT/")
[ "$code" = 301 ] || { echo "FAIL plain HTTP is not redirected ($code)"; exit 1; }
echo "  ok   plain HTTP redirects to HTTPS"
rid=$(curl -s --cacert "$ROOT/tls/cert.pem" -D - -o /dev/null "$BASE/healthz" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-request-id"{print $2}' | head -n1)
[ -n "$rid" ] && grep -q "rid=$rid" "$ROOT/log/access.log" || { echo "FAIL request id $rid not in the log"; exit 1; }
echo "  ok   request id $rid in the response and the app's log"
code=$(curl -s --cacert "$ROOT/tls/cert.pem" -o /dev/null -w '%{http_code}' "$BASE/metrics")
[ "$code" = 404 ] || { echo "FAIL /metrics without the token answered $code"; exit 1; }
curl -sf --cacert "$ROOT/tls/cert.pem" -H "Authorization: Bearer $METRICS_TOKEN" "$BASE/metrics" >"$ROOT/metrics.txt"
grep -q '^django_http_requests_total_by_method_total' "$ROOT/metrics.txt" && grep -q '^txng_tasks' "$ROOT/metrics.txt" \
  && grep -q '^txng_scans_last_minute' "$ROOT/metrics.txt" || { echo "FAIL metrics incomplete"; exit 1; }
echo "  ok   /metrics: 404 without the token; requests, latencies, tasks and scans with it"
.venv/bin/python manage.py shell -v 0 -c "
import time
from txng.stamps.tasks import check_scan_signals
result = check_scan_signals.enqueue()
for _ in range(150):
    result.refresh()
    if result.is_finished: break
    time.sleep(0.2)
assert result.status == 'SUCCESSFUL', result.status
print('  ok   the task worker ran a queued task:', result.status)"
objects=$(.venv/bin/python -c "
import boto3, os
s3 = boto3.client('s3', endpoint_url=os.environ['S3_ENDPOINT_URL'], aws_access_key_id=os.environ['S3_ACCESS_KEY'],
                  aws_secret_access_key=os.environ['S3_SECRET_KEY'], region_name='us-east-1')
print(s3.list_objects_v2(Bucket='txng-media').get('KeyCount', 0))")
[ "$objects" -gt 0 ] || { echo "FAIL nothing in the bucket"; exit 1; }
echo "  ok   $objects object(s) in the media bucket"

say "11. backup (scripts/backup.sh) and a timed restore drill into a fresh cluster"
COUNTS="SELECT string_agg(t.relname || '=' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I', t.relname), false, true, '')))[1]::text, ' ' ORDER BY t.relname) FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p')"
# The site keeps running during the backup (the task worker queues and finishes tasks, the
# cache table is culled), so each table's restored count must lie between the primary's counts
# just before and just after the dump, and the audit log must be identical up to its last row.
psql_at "$PG_PORT" "$COUNTS" >"$ROOT/counts-before.txt"
t0=$(now_ms)
bash scripts/backup.sh
backup_ms=$(elapsed "$t0")
dump=$(ls -d "$ROOT"/backups/*/ | tail -n1)txng.dump
pg initdb -D "$ROOT/pg/restore" -U postgres --auth=trust -E UTF8 >/dev/null
pg pg_ctl -D "$ROOT/pg/restore" -l "$ROOT/pg/restore.log" -w \
  -o "-p $RESTORE_PORT -k $ROOT/pg -c listen_addresses=''" start >/dev/null
t0=$(now_ms)
pg psql -h "$ROOT/pg" -p "$RESTORE_PORT" -U postgres -XAtq -c "CREATE ROLE txng LOGIN" -c "CREATE DATABASE txng OWNER txng"
chmod 644 "$dump"; chmod 755 "$(dirname "$dump")"
pg pg_restore -h "$ROOT/pg" -p "$RESTORE_PORT" -U postgres -d txng --role=txng --no-owner --exit-on-error -j 2 "$dump"
restore_ms=$(elapsed "$t0")
psql_at "$PG_PORT" "$COUNTS" >"$ROOT/counts-after.txt"
psql_at "$RESTORE_PORT" "$COUNTS" >"$ROOT/counts-restored.txt"
paste -d ' ' <(tr ' ' '\n' <"$ROOT/counts-before.txt") <(tr ' ' '\n' <"$ROOT/counts-after.txt") \
  <(tr ' ' '\n' <"$ROOT/counts-restored.txt") | awk '
  { split($1, b, "="); split($2, a, "="); split($3, r, "=")
    lo = b[2] + 0 < a[2] + 0 ? b[2] + 0 : a[2] + 0; hi = b[2] + 0 > a[2] + 0 ? b[2] + 0 : a[2] + 0
    if (b[1] != r[1] || a[1] != r[1] || r[2] + 0 < lo || r[2] + 0 > hi) {
      print "  " r[1] ": restored " r[2] ", primary " b[2] " before the dump and " a[2] " after"; bad = 1 }
    else if (lo != hi) moving = moving " " r[1] }
  END { if (moving) print "  (changed by the running site during the dump:" moving ")"; exit bad }' \
  || { echo "FAIL row counts differ"; exit 1; }
last_audit=$(psql_at "$RESTORE_PORT" "SELECT coalesce(max(id), 0) FROM audit_auditentry")
AUDIT="SELECT count(*) || ' ' || md5(string_agg(a::text, '|' ORDER BY a.id)) FROM audit_auditentry a WHERE a.id <= $last_audit"
audit_primary=$(psql_at "$PG_PORT" "$AUDIT"); audit_restored=$(psql_at "$RESTORE_PORT" "$AUDIT")
[ "$audit_primary" = "$audit_restored" ] || { echo "FAIL audit log checksum differs"; exit 1; }
# The event table's references are kept by triggers (tracing 0014), which pg_restore makes after
# the rows without checking them, where it re-validated foreign keys: the restored events must
# name rows that exist, and every trigger must be back (the event table's on each partition).
ORPHANS="SELECT count(*) FROM tracing_event e WHERE NOT EXISTS (SELECT 1 FROM accounts_organisation o WHERE o.id = e.business_id) OR (e.recorded_by_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts_user u WHERE u.id = e.recorded_by_id)) OR (e.facility_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM catalog_facility f WHERE f.id = e.facility_id)) OR (e.declares_error_on_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tracing_event d WHERE d.id = e.declares_error_on_id))"
TRIGGERS="SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
orphans=$(psql_at "$RESTORE_PORT" "$ORPHANS")
[ "$orphans" = 0 ] || { echo "FAIL $orphans restored event(s) name rows that do not exist"; exit 1; }
triggers_primary=$(psql_at "$PG_PORT" "$TRIGGERS"); triggers_restored=$(psql_at "$RESTORE_PORT" "$TRIGGERS")
[ "$triggers_primary" = "$triggers_restored" ] || { echo "FAIL triggers: $triggers_restored restored, $triggers_primary on the primary"; exit 1; }
echo "  ok   restored events name existing rows; $triggers_restored triggers as on the primary"
tables=$(tr ' ' '\n' <"$ROOT/counts-restored.txt" | wc -l)
rows=$(tr ' ' '\n' <"$ROOT/counts-restored.txt" | awk -F= '{s+=$2} END {print s}')
echo "  ok   restored: $tables tables, $rows rows, each count as on the primary at the dump; audit log ($audit_primary) identical"
echo "  backup took ${backup_ms} ms ($(du -sh "$(dirname "$dump")" | cut -f1)), restore ${restore_ms} ms"
pg pg_ctl -D "$ROOT/pg/restore" -m fast stop >/dev/null

say "12. a streaming replica and the read routing (DATABASE_REPLICA_URL)"
pg pg_basebackup -h "$ROOT/pg" -p "$PG_PORT" -U postgres -D "$ROOT/pg/replica" -R -X stream -c fast
sed -i "s/^port = .*/port = $REPLICA_PORT/" "$ROOT/pg/replica/postgresql.conf"
pg pg_ctl -D "$ROOT/pg/replica" -l "$ROOT/pg/replica.log" -w start >/dev/null
echo "DATABASE_REPLICA_URL=postgres://txng:$DB_PASSWORD@127.0.0.1:$REPLICA_PORT/txng" >>"$ENV_FILE"
set -a; . "$ENV_FILE"; set +a
# systemctl restart txng-gunicorn: the env file is read when the service starts.
master=$(cat "$ROOT/run/gunicorn.pid"); kill "$master"
while kill -0 "$master" 2>/dev/null; do sleep 0.2; done
start_gunicorn
for _ in $(seq 100); do
  curl -sf --cacert "$ROOT/tls/cert.pem" "$BASE/healthz" >/dev/null && break; sleep 0.2
done
psql_at "$REPLICA_PORT" "SELECT pg_wal_replay_pause()" >/dev/null
.venv/bin/python scripts/prodcheck/smoke.py replica "$BASE" "$ROOT/tls/cert.pem" "$SMOKE" "$SMOKE_PASSWORD"
psql_at "$REPLICA_PORT" "SELECT pg_wal_replay_resume()" >/dev/null

if [ "${LOAD_SECONDS:-0}" -gt 0 ]; then
  say "13. load and faults: ${LOAD_USERS:-200} users for ${LOAD_SECONDS} s after ${LOAD_RAMP:-30} s of arrivals"
  .venv/bin/python bench/load.py --base "$BASE" --cafile "$ROOT/tls/cert.pem" --state "$SMOKE" \
    --password "$SMOKE_PASSWORD" --users "${LOAD_USERS:-200}" --seconds "$LOAD_SECONDS" \
    --ramp "${LOAD_RAMP:-30}" \
    --run-dir "$ROOT" --pg-port "$PG_PORT" ${LOAD_FAULTS:+--faults}
fi

say "14. stopping everything"
touch "$ROOT/run/stopping"
echo "production check passed in $(( $(date +%s) - started_all )) s"
