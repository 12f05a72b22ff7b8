# A minimum award above the whole budget could never be awarded (Programme.clean says so
# first, in both languages); the database refuses it too.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("vouchers", "0013_choice_labels_in_english"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="programme",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("min_award__isnull", True),
                    ("min_award__lte", models.F("total_budget")),
                    _connector="OR",
                ),
                name="programme_min_award_within_budget",
            ),
        ),
    ]
