"""The review queue's "has warnings" filter needs warnings stored before anyone opens
the application: they are computed once a submission has committed."""

from django.db import transaction

from audit import actions


def warn_on_submission(sender, events, **kwargs):
    submitted = [
        int(e.object_id)
        for e in events
        if e.action == actions.APPLICATION_SUBMITTED and e.object_type == "application"
    ]
    for pk in submitted:
        transaction.on_commit(lambda pk=pk: _sync(pk))


def _sync(pk: int) -> None:
    from authority import warnings
    from vouchers.models import Application

    related = ("programme", "entity", "declaration", "contract", "contract__provider")
    warnings.sync(application=Application.objects.select_related(*related).get(pk=pk))
