"""The audit trail moves to the `audit` app: its table is renamed (rows, indexes and
PostgreSQL's trigger go with it) and the model leaves this app's state; audit's 0001
takes it into its own."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("vouchers", "0005_min_award_within_cap")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.AlterModelTable("auditevent", "audit_event")],
            state_operations=[migrations.DeleteModel("auditevent")],
        )
    ]
