"""Invoice keys recomputed with the contract-number key (vouchers/contract_numbers.py:
the confusable skeleton). Two claims of one entity whose invoice numbers only looked
different now share a key, which the unique key (entity, invoice_key) refuses: the
earliest keeps it, each later one gets `<key>#<id>` and is printed for review."""

from django.db import migrations

from vouchers.contract_numbers import number_key


def recompute_keys(apps, schema_editor):
    Claim = apps.get_model("company", "Claim")
    rows = Claim.objects.order_by("pk").values_list(
        "pk", "entity_id", "invoice_number", "invoice_key"
    )
    first_with, changed = {}, {}
    for pk, entity_id, number, old_key in rows.iterator():
        key = number_key(number)
        if (entity_id, key) in first_with:
            print(
                f"\n  claim {pk} ({number!r}) repeats claim {first_with[entity_id, key]}: key {key}#{pk}"
            )
            key = f"{key}#{pk}"
        first_with[entity_id, key] = pk
        if key != old_key:
            changed[pk] = key
    # Through a key no other row can hold, so no intermediate state breaks the unique key.
    for pk in changed:
        Claim.objects.filter(pk=pk).update(invoice_key=f"#{pk}")
    for pk, key in changed.items():
        Claim.objects.filter(pk=pk).update(invoice_key=key)


class Migration(migrations.Migration):
    dependencies = [("company", "0002_choice_labels_in_english")]

    operations = [migrations.RunPython(recompute_keys, migrations.RunPython.noop)]
