#!/usr/bin/env bash
# Nightly backup (deploy/txng-backup.service): a custom-format dump of the database and a mirror
# of the media (disk or bucket) under $BACKUP_DIR/YYYY-MM-DDTHHMM/, older ones than
# BACKUP_KEEP_DAYS days removed. Reads the same environment as the app.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${BACKUP_DIR:?set BACKUP_DIR}" "${DATABASE_URL:?set DATABASE_URL}"
KEEP=${BACKUP_KEEP_DAYS:-14}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)}
target="$BACKUP_DIR/$(date -u +%Y-%m-%dT%H%M)"
mkdir -p "$target.partial"
# libpq reads the same postgres:// URL as the app.
"$PGBIN/pg_dump" -Fc --no-owner -f "$target.partial/txng.dump" "$DATABASE_URL"
.venv/bin/python manage.py backup_media "$target.partial/media"
mv "$target.partial" "$target"
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -mtime +"$KEEP" -exec rm -rf {} +
echo "backup: $target ($(du -sh "$target" | cut -f1))"
