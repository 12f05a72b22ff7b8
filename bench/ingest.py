"""Usage ingest on PostgreSQL: through the provider API in batches of 1,000, through
`ingest_records` directly, and a plain COPY of the same rows into the same table, in
the same run; then a usage CSV ingested by the background task, with its peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:54329/voucher .venv/bin/python bench/ingest.py \\
        --records 200000 --csv-rows 1000000

A scratch database (`bench_ingest`) is created, migrated, used and dropped. The API is
called through Django's full request stack (middleware, key authentication, throttling,
the view) with the test client: no socket, so the figure is the server's work per
request. The same batches then go through real sockets to gunicorn
(config/gunicorn.py, as `make serve` runs it) from two client processes, which adds the
HTTP server's work and the network stack's. Each phase starts from an empty usage table.
"""

# ruff: noqa: E402  (Django must be set up before the models are imported)

import argparse
import http.client
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# The per-key throttle would cap the benchmark at its rate; this measures the pipeline.
os.environ.setdefault("API_THROTTLE_RATE", "1000000/min")

import bench

bench.setup()

import msgspec
from django.conf import settings
from django.db import connection, connections
from django.test import Client

from accounts.services import register_provider
from api.services.keys import create_key
from bench.report import machine, production_like, scratch_database
from billing.ingest import COLUMNS, ingest_records
from billing.records import parse_records
from billing.usage_files import store_upload
from vouchers.demo.world import CHENGDU, credit_code, serial

BATCH = 1000
# What a process with DEBUG off needs to start (production settings refuse defaults).
DEBUG_OFF = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only",
    "PERSONAL_DATA_SALT": "bench-only-salt",
    "PERSONAL_DATA_HASH_KEY": "bench-only-hash-key",
}


def raw_records(n: int, prefix: str) -> list[dict]:
    return [
        {
            "record_id": f"{prefix}{i}",
            "contract_number": f"HT-{i % 10000}",
            "period_start": "2026-06-01T08:00:00+08:00",
            "period_end": "2026-06-01T09:00:00+08:00",
            "sku": "gpu-a800-hour",
            "description": "A800 GPU hours",
            "quantity": "10",
            "unit": "hour",
            "amount": f"{1 + i % 20000 / 100:.2f}",
            "currency": "CNY",
        }
        for i in range(n)
    ]


def empty_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE billing_usagerecord CASCADE")


def _post_all(key: str, bodies: list[bytes]) -> int:
    connections.close_all()  # a forked client opens its own connection
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    for body in bodies:
        response = client.post("/api/v1/usage-records", body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]
    return len(bodies)


def _key(provider) -> str:
    """One key for every API phase (a provider holds at most two live keys)."""
    if provider.pk not in KEYS:
        KEYS[provider.pk] = create_key(provider=provider, by=None, name="bench")[1]
    return KEYS[provider.pk]


KEYS: dict[int, str] = {}


def through_api(provider, n: int, clients: int = 1) -> float:
    """POST the records in batches of BATCH, from `clients` processes at once."""
    key = _key(provider)
    records = raw_records(n, f"api{clients}-")
    bodies = [msgspec.json.encode({"records": records[i : i + BATCH]}) for i in range(0, n, BATCH)]
    shares = [bodies[i::clients] for i in range(clients)]
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        began = time.perf_counter()
        pool.starmap(_post_all, [(key, share) for share in shares])
        return time.perf_counter() - began


def _post_over_socket(port: int, key: str, bodies: list[bytes]) -> int:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    for body in bodies:
        # gunicorn's sync workers answer one request per connection.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("POST", "/api/v1/usage-records", body, headers)
        response = conn.getresponse()
        content = response.read()
        assert response.status == 200, content[:300]
        conn.close()
    return len(bodies)


def through_gunicorn(provider, n: int, clients: int = 2, port: int = 8765) -> float:
    """The batches POSTed through sockets to gunicorn, from `clients` processes."""
    key = _key(provider)
    records = raw_records(n, f"sock{clients}-")
    bodies = [msgspec.json.encode({"records": records[i : i + BATCH]}) for i in range(0, n, BATCH)]
    shares = [bodies[i::clients] for i in range(clients)]
    env = dict(
        os.environ, DATABASE_URL=_database_url(), SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1", GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="/dev/null", SITE_URL="http://127.0.0.1", **DEBUG_OFF,
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config/gunicorn.py"), "config.wsgi"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for(port)
        connections.close_all()
        with multiprocessing.get_context("fork").Pool(clients) as pool:
            began = time.perf_counter()
            pool.starmap(_post_over_socket, [(port, key, share) for share in shares])
            return time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/schema/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


def direct(provider, n: int) -> float:
    raw = raw_records(n, "direct-")
    began = time.perf_counter()
    for i in range(0, n, BATCH):
        records, _ = parse_records(raw[i : i + BATCH])
        ingest_records(provider=provider, records=records)
    return time.perf_counter() - began


def copy_baseline(provider, n: int) -> float:
    """The same rows, already validated and hashed, COPYed into the same table."""
    records, _ = parse_records(raw_records(n, "copy-"))
    now = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
    rows = [
        (provider.pk, r.record_id, r.contract_number, r.contract_key, r.period_start, r.period_end,
         r.start_date, r.end_date, r.sku, r.description, r.quantity, r.unit, r.amount,
         r.amount if r.billed_cost is None else r.billed_cost, r.delta, r.currency,
         r.corrects, r.content_hash, now, None, "pending", "")
        for r in records
    ]  # fmt: skip
    began = time.perf_counter()
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY billing_usagerecord ({COLUMNS}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    return time.perf_counter() - began


CSV_WORKER = """
import os, sys, time
sys.path.insert(0, {root!r})
def high_water_kb():  # this process's own peak RSS (see csv_file)
    status = open("/proc/self/status").read()
    return int(status.split("VmHWM:")[1].split()[0])
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
from billing.models import UsageFile
from billing.usage_files import process_usage_file
ready_kb = high_water_kb()
began = time.perf_counter()
done = process_usage_file(usage_file=UsageFile.objects.get(pk={pk}))
peak_kb = high_water_kb()
print(done.status, done.rows_accepted, round(time.perf_counter() - began, 1), ready_kb, peak_kb)
"""


def csv_file(provider, rows: int, folder: Path) -> dict:
    """Ingest a `rows`-row CSV in a fresh process: its seconds, its RSS once Django and
    the task's modules are loaded (the fixed part) and its own peak RSS, in MB."""
    settings.USAGE_FILE_ROOT = folder

    def lines():
        yield b"record_id,contract_number,period_start,period_end,sku,quantity,unit,amount,currency\n"
        for i in range(rows):
            yield (
                f"csv-{i},HT-{i % 10000},2026-06-01T08:00:00+08:00,2026-06-01T09:00:00+08:00,"
                f"gpu-a800-hour,10,hour,{1 + i % 20000 / 100:.2f},CNY\n"
            ).encode()

    stored = store_upload(provider=provider, chunks=lines(), original_name="bench.csv")
    # As a production worker runs: with DEBUG on, Django would also keep the text of
    # the last 9,000 statements (each chunk's arrays spelled out) in memory.
    env = dict(os.environ, USAGE_FILE_ROOT=str(folder), DATABASE_URL=_database_url(), **DEBUG_OFF)
    began = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CSV_WORKER.format(root=str(ROOT), pk=stored.pk)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - began
    # The worker reports its own peak, VmHWM. getrusage's ru_maxrss is no measure of it:
    # RUSAGE_CHILDREN is the largest child this bench ever waited for (an API phase's
    # forked client holding its request bodies, a gunicorn worker), and even the worker's
    # RUSAGE_SELF starts at this bench's own size, as Linux carries it over the fork and
    # exec that start the worker (both read 271 MB for a worker that peaked at 115 MB).
    status, accepted, _, ready_kb, peak_kb = out.stdout.split()
    return {
        "seconds": seconds, "status": status, "accepted": int(accepted),
        "ready_mb": int(ready_kb) / 1024, "peak_mb": int(peak_kb) / 1024,
    }  # fmt: skip


def _database_url() -> str:
    params = connection.settings_dict
    return f"postgres://{params['USER']}@{params['HOST']}:{params['PORT']}/{params['NAME']}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200000)
    parser.add_argument("--csv-rows", type=int, default=1000000, help="0 to skip")
    parser.add_argument("--database", default="bench_ingest")
    args = parser.parse_args(argv)
    production_like()
    about = machine()
    n = args.records
    with scratch_database(args.database), tempfile.TemporaryDirectory() as folder:
        provider = register_provider(
            name="成都智算中心", credit_code=credit_code(), legal_representative=f"法人{serial()}",
            region_code=CHENGDU,
        )  # fmt: skip
        figures = {}
        phases = {
            "copy": copy_baseline,
            "api, 1 client": through_api,
            "api, 2 clients": lambda p, k: through_api(p, k, clients=2),
            "api through gunicorn sockets, 2 clients": through_gunicorn,
            "direct": direct,
        }
        for name, phase in phases.items():
            empty_table()
            figures[name] = phase(provider, n)
            print(f"{name}: {n / figures[name]:,.0f} records/s", flush=True)
        empty_table()
        csv = csv_file(provider, args.csv_rows, Path(folder)) if args.csv_rows else None
    print(about, "load after:", os.getloadavg())
    copy_rate = n / figures["copy"]
    print("| path | records | seconds | records/s | share of COPY |")
    for name in figures:
        rate = n / figures[name]
        print(f"| {name} | {n:,} | {figures[name]:.1f} | {rate:,.0f} | {rate / copy_rate:.0%} |")
    if csv:
        print(
            f"CSV {args.csv_rows:,} rows: {csv['seconds']:.1f} s, {csv['status']}, "
            f"{csv['accepted']:,} accepted; worker RSS {csv['ready_mb']:.0f} MB ready, "
            f"peak {csv['peak_mb']:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
