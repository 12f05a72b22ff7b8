"""Providers get a slug, the name the API contract uses for them (create_provider_key):
existing ones take their lower-cased credit code, which is unique and ASCII already."""

from django.db import migrations, models


def fill_slugs(apps, schema_editor):
    Provider = apps.get_model("accounts", "Provider")
    for provider in Provider.objects.filter(slug=None).only("pk", "credit_code"):
        Provider.objects.filter(pk=provider.pk).update(slug=provider.credit_code.lower())


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_party_profiles")]

    operations = [
        migrations.AddField(
            model_name="provider",
            name="slug",
            field=models.SlugField(
                max_length=50, null=True, db_index=False, verbose_name="标识 / slug"
            ),
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="provider",
            name="slug",
            field=models.SlugField(
                blank=True, max_length=50, unique=True, verbose_name="标识 / slug"
            ),
        ),
    ]
