"""Benchmarks, run as scripts (see docs/benchmarks.md).

Each script puts the project on sys.path, then calls `setup()` before it imports a model.
"""

import os


def setup() -> None:
    """Django with the project's settings, once (a script run alone, or imported by a
    test that has set Django up already)."""
    import django
    from django.apps import apps

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not apps.ready:
        django.setup()
