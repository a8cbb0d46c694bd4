"""The evaluation window becomes global (THOR_EVALUATION_WINDOW_MINUTES, default 30, as the market-open
plan sets it) with a per-market override: empty = the global window, 0 = never expire."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("GlobalMarkets", "0004_pre_usa_own_hours")]
    operations = [
        migrations.RemoveConstraint(model_name="market", name="market_evaluation_window_positive"),
        migrations.AlterField(
            model_name="market",
            name="evaluation_window_minutes",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Expire trades still PENDING this many minutes after capture; empty = the global "
                "THOR_EVALUATION_WINDOW_MINUTES (default 30), 0 = never",
                null=True,
            ),
        ),
        migrations.AddConstraint(
            model_name="market",
            constraint=models.CheckConstraint(
                condition=models.Q(("evaluation_window_minutes__isnull", True), ("evaluation_window_minutes__gte", 0), _connector="OR"),
                name="market_evaluation_window_not_negative",
            ),
        ),
    ]
