"""Ledger entries and rule-set versions are history: the database refuses UPDATE and
DELETE of them on SQLite as on PostgreSQL, and TRUNCATE on PostgreSQL (0002 protected the
ledger on PostgreSQL only, without TRUNCATE)."""

from django.db import migrations

from config.append_only import protect


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0006_move_auditevent_to_audit")]

    operations = [protect("vouchers_ledgerentry", "vouchers_ruleset")]
