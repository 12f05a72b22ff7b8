import django.db.models
from django.db import migrations, models

from vouchers.contract_numbers import number_key


def fill_keys(apps, schema_editor):
    Contract = apps.get_model("vouchers", "Contract")
    for contract in Contract.objects.only("pk", "number").iterator():
        Contract.objects.filter(pk=contract.pk).update(number_key=number_key(contract.number))


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0002_append_only_triggers")]

    operations = [
        migrations.RemoveConstraint(model_name="contract", name="contract_number_per_provider"),
        migrations.AddField(
            model_name="contract",
            name="number_key",
            field=models.CharField(default="", editable=False, max_length=128),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.UniqueConstraint(
                fields=("provider", "number_key"), name="contract_number_per_provider"
            ),
        ),
        migrations.AddConstraint(
            model_name="contract",
            constraint=models.CheckConstraint(
                condition=django.db.models.Q(("number_key", ""), _negated=True),
                name="contract_number_not_blank",
            ),
        ),
    ]
