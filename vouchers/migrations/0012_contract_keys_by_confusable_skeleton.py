"""Contract keys recomputed with the confusable skeleton (vouchers/contract_numbers.py).

Two contracts of one provider whose numbers only looked different (`HT-DUP` and
`НТ-DUP`) now have the same key, which the unique key (provider, number_key) refuses.
The migration does not fail on them: the earliest contract keeps the key, each later
one gets `<key>#<id>`, and the pairs are printed for the authority to review (the later
contract may carry a second subsidy). New registrations of the number are refused as
the same contract.
"""

from django.db import migrations

from vouchers.contract_numbers import number_key


def recompute_keys(apps, schema_editor):
    Contract = apps.get_model("vouchers", "Contract")
    rows = Contract.objects.order_by("pk").values_list("pk", "provider_id", "number", "number_key")
    first_with, changed = {}, {}
    for pk, provider_id, number, old_key in rows.iterator():
        key = number_key(number)
        if (provider_id, key) in first_with:
            print(
                f"\n  contract {pk} ({number!r}) is contract {first_with[provider_id, key]}: key {key}#{pk}"
            )
            key = f"{key}#{pk}"
        first_with[provider_id, key] = pk
        if key != old_key:
            changed[pk] = key
    # Through a key no other row can hold, so no intermediate state breaks the unique key.
    for pk in changed:
        Contract.objects.filter(pk=pk).update(number_key=f"#{pk}")
    for pk, key in changed.items():
        Contract.objects.filter(pk=pk).update(number_key=key)


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0011_second_review")]

    operations = [migrations.RunPython(recompute_keys, migrations.RunPython.noop)]
