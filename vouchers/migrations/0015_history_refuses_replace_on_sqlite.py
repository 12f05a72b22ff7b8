"""SQLite: history tables refuse an INSERT that would REPLACE one of their rows, for
connections that do not turn recursive_triggers on (another program, a shell). The
update, delete and truncate triggers already exist; protect() adds only what is missing.
One migration for the four tables, so that the trigger arrives everywhere at once."""

from django.db import migrations

from config.append_only import protect


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0014_min_award_within_budget"),
        ("audit", "0003_append_only_triggers"),
        ("accounts", "0006_industry_labels_in_the_readers_language"),
    ]

    operations = [
        protect(
            "audit_event", "vouchers_ledgerentry", "vouchers_ruleset", "accounts_entitydeclaration"
        )
    ]
