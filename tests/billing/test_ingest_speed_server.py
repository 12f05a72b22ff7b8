"""The web server's processes keep their database connection between requests (a new
PostgreSQL connection per request was a fifth of a 1,000-record batch), checked before
reuse; everything else keeps Django's default of a connection per request or task."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a web process sees: gunicorn reads its config file, then its worker loads the app.
PROBE = """
import json, os, runpy
config = runpy.run_path("config/gunicorn.py")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({"workers": config["workers"], "worker_class": config.get("worker_class", "sync"),
                  "max_age": database["CONN_MAX_AGE"], "checks": database["CONN_HEALTH_CHECKS"]}))
"""


def web_process(**env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("DB_CONN_MAX_AGE", "WEB_CONCURRENCY")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_web_process_keeps_its_database_connection_and_checks_it():
    web = web_process()

    assert web["max_age"] >= 60 and web["checks"] is True
    assert web["worker_class"] == "sync" and web["workers"] == os.cpu_count() * 2 + 1


def test_the_operator_still_decides_from_the_environment():
    assert web_process(DB_CONN_MAX_AGE="0", WEB_CONCURRENCY="3")["max_age"] == 0
