"""Pre_USA follows NYSE trading days at its own hours (08:30–09:30 New York), not NYSE's."""

from django.db import migrations


def own_hours(apps, schema_editor):
    apps.get_model("GlobalMarkets", "Market").objects.filter(country="Pre_USA").update(calendar_hours=False)


class Migration(migrations.Migration):
    dependencies = [("GlobalMarkets", "0003_market_status_trading_days")]
    operations = [migrations.RunPython(own_hours, migrations.RunPython.noop)]
