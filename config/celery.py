import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@worker_process_init.connect
def limit_worker_statements(**kwargs) -> None:
    """Give a worker's PostgreSQL connections a statement_timeout: a pipeline statement
    gone wrong (a bad plan on stale statistics) fails its chunk, which is retried, instead
    of holding voucher locks for minutes while revocations time out behind it. Web
    requests keep no such limit. Both signals: the solo pool runs tasks in the main
    process, the prefork pool in children that open their own connections."""
    from django.conf import settings
    from django.db import connections

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    options = database.setdefault("OPTIONS", {})
    timeout = f"-c statement_timeout={settings.DB_WORKER_STATEMENT_TIMEOUT_MS}"
    if timeout not in options.get("options", ""):
        options["options"] = f"{options.get('options', '')} {timeout}".strip()
    # A connection opened before this (in the parent, before forking) lacks the option.
    connections.close_all()
