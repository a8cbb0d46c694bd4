"""Amsterdam (Euronext, XAMS) joins the control markets with futures capture off (issue 14), and the
markets are numbered east to west again so that it sits between Frankfurt and London."""

from django.db import migrations


def add_amsterdam(apps, schema_editor):
    from GlobalMarkets.reference import CONTROL_COUNTRIES
    from GlobalMarkets.services.seed import seed_control_markets

    market = apps.get_model("GlobalMarkets", "Market")
    seed_control_markets(market_model=market)
    for order, country in enumerate(CONTROL_COUNTRIES, start=1):
        market.objects.filter(country=country).update(sort_order=order)


def remove_amsterdam(apps, schema_editor):
    apps.get_model("GlobalMarkets", "Market").objects.filter(country="Netherlands").delete()


class Migration(migrations.Migration):
    dependencies = [("GlobalMarkets", "0005_evaluation_window_global_default")]
    operations = [migrations.RunPython(add_amsterdam, remove_amsterdam)]
