#!/usr/bin/env bash
# With DEBUG=0 the site serves static files by their hashed names from collectstatic's
# manifest (whitenoise); without it every page is a 500. Collect into a temporary
# STATIC_ROOT, then render the home page with production settings: it must answer 200
# and name hashed static files. Uses DATABASE_URL if set (else db.sqlite3).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

static_root="$(mktemp -d)"
trap 'rm -rf "$static_root"' EXIT
export DEBUG=0 ALLOWED_HOSTS=vouchers.example.cn SITE_URL=https://vouchers.example.cn \
    STATIC_ROOT="$static_root" \
    SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    PERSONAL_DATA_SALT="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')" \
    PERSONAL_DATA_HASH_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')"

if [[ "${1:-}" != "--without-collectstatic" ]]; then
    .venv/bin/python manage.py collectstatic --noinput -v 0
fi
.venv/bin/python manage.py shell -c '
import re, sys
from django.test import Client

response = Client(raise_request_exception=False).get(
    "/", secure=True, HTTP_HOST="vouchers.example.cn"
)
hashed = re.findall(r"/static/[^\"]+\.[0-9a-f]{12}\.(?:css|js)", response.content.decode())
print(f"home page: {response.status_code}, hashed static files: {len(hashed)}")
sys.exit(0 if response.status_code == 200 and hashed else 1)
'
