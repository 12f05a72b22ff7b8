"""Usage records' contract keys recomputed with the contract-number key
(vouchers/contract_numbers.py: the confusable skeleton), so that pending records keep
matching their contracts, whose keys vouchers' migration recomputes. One UPDATE per
distinct number: a provider repeats its contracts' numbers across many records."""

from django.db import migrations

from vouchers.contract_numbers import number_key


def recompute_keys(apps, schema_editor):
    UsageRecord = apps.get_model("billing", "UsageRecord")
    pairs = UsageRecord.objects.values_list("contract_number", "contract_key").distinct()
    for number, old_key in pairs.iterator():
        key = number_key(number)
        if key != old_key:
            UsageRecord.objects.filter(contract_number=number).update(contract_key=key)


class Migration(migrations.Migration):
    dependencies = [("billing", "0004_usage_file_heartbeat_and_autoanalyze")]

    operations = [migrations.RunPython(recompute_keys, migrations.RunPython.noop)]
