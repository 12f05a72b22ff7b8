from django.db import migrations, models
from django.db.models import Count


def refuse_claimed_twice(apps, schema_editor):
    """An invoice already claimed by more than one entity is a possible double subsidy
    for reviewers to settle: the migration stops and names them rather than choose."""
    Claim = apps.get_model("company", "Claim")
    twice = (
        Claim.objects.values("invoice_key")
        .annotate(claims=Count("pk"))
        .filter(claims__gt=1)
        .values_list("invoice_key", flat=True)
    )
    if twice:
        keys = ", ".join(sorted(twice)[:20])
        raise RuntimeError(
            "发票号码被多个单位报销，请先处理这些报销 / invoices claimed by more than one "
            f"entity, settle their claims first: {keys}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("company", "0006_claim_offset"),
    ]

    operations = [
        migrations.RunPython(refuse_claimed_twice, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="claim", name="claim_invoice_unique_per_entity"),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.UniqueConstraint(
                fields=("invoice_key",), name="claim_invoice_unique"
            ),
        ),
    ]
