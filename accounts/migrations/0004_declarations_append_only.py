"""An entity's declarations are history (each application is judged against the one it
was filed with): the database refuses UPDATE and DELETE of them on SQLite as on
PostgreSQL, and TRUNCATE on PostgreSQL."""

from django.db import migrations

from config.append_only import protect


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_names_visible_industry_codes")]

    operations = [protect("accounts_entitydeclaration")]
