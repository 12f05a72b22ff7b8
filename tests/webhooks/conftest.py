"""A real HTTP receiver on 127.0.0.1 (loopback only, a free port): it records every
request and answers with the status codes it is told, then 200."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import current_app

from tests import builders
from tests.billing.conftest import issue
from webhooks.services import create_endpoint


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                code = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"ok" if code == 200 else b"boom " * 1000)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(autouse=True)
def tasks_in_process():
    """The attempts run in the test's process, with a broker configured or not: these
    tests are about what is sent, not about the queue."""
    previous = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = previous


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_PRIVATE = True
    running = Receiver()
    yield running
    running.close()


@pytest.fixture
def endpoint(receiver, centre, centre_engineer):
    return create_endpoint(provider=centre, url=receiver.url, events=[], by=centre_engineer)


@pytest.fixture
def voucher(programme, company, centre, bob):
    return issue(programme, company, centre, bob, "HT-2024-001")


@pytest.fixture
def other_centre(db):
    return builders.provider(name="贵州算力中心")
