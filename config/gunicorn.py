"""gunicorn settings for the web processes: `gunicorn -c config/gunicorn.py config.wsgi`.

Sync workers: every request is a short ORM transaction (an API batch of 1,000 records is
the longest, well under a second), so one request per process needs no async stack, and
a crashed worker loses one request, never a half-moved yuan (each request is atomic).
The work of a request is Python (parsing, hashing) and waiting for PostgreSQL (a batch's
INSERT and its COMMIT's flush): processes, not threads, run the Python of two requests
on two cores (the GIL would serialise gthread's threads), and the extra processes of
2 x cores + 1 take the next requests while others wait on the database.
bench/ingest.py measures this server through its sockets (2 clients, batches of 1,000).
Every value can be overridden from the environment, as on any PaaS.
"""

import multiprocessing
import os

# A web process keeps its database connection between requests: opening one costs a
# PostgreSQL backend's start and authentication, about 10 ms, a fifth of a 1,000-record
# batch. Each sync worker holds at most one connection (5 on 2 cores), and Django checks
# a kept connection before reusing it (CONN_HEALTH_CHECKS), so a restarted database
# costs no failed request. Read by config/settings.py when the worker loads the app.
os.environ.setdefault("DB_CONN_MAX_AGE", "600")

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# gunicorn's own advice: (2 x cores) + 1 processes; WEB_CONCURRENCY is the usual override.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# An upload of a large usage file streams for longer than an API call; a stuck worker
# is still killed and replaced after this many seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then so a slow leak in any library cannot grow without end.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Behind a reverse proxy on the same host; set FORWARDED_ALLOW_IPS to the proxy's address
# otherwise (the client's scheme then comes from its X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# The request id the API answers with (X-Request-Id) also goes into the access log.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s'
