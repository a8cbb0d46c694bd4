"""Seed the nine control markets so every database knows each market's timezone and hours."""

from django.db import migrations


def seed(apps, schema_editor):
    from GlobalMarkets.services.seed import seed_control_markets

    seed_control_markets(market_model=apps.get_model("GlobalMarkets", "Market"))


class Migration(migrations.Migration):
    dependencies = [("GlobalMarkets", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
