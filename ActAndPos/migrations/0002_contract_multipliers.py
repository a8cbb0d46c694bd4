"""Point values of the eleven futures (USD per point = tick value / tick size; exchange specifications),
and a paper account for users created before this app existed."""

from decimal import Decimal

from django.db import migrations

def seed(apps, schema_editor):
    from ActAndPos.services.seed import seed_contract_multipliers

    seed_contract_multipliers(model=apps.get_model("ActAndPos", "ContractMultiplier"))


def accounts_for_existing_users(apps, schema_editor):
    import datetime

    from django.conf import settings

    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Account = apps.get_model("ActAndPos", "Account")
    LedgerEntry = apps.get_model("ActAndPos", "LedgerEntry")
    opening = Decimal("100000.00")
    for user in User.objects.exclude(paper_accounts__isnull=False):
        account = Account.objects.create(owner=user, name="Paper", cash=opening, net_liq=opening, buying_power=opening,
                                         option_buying_power=opening)
        LedgerEntry.objects.create(account=account, kind="DEPOSIT", cash_delta=opening, reason="opening paper deposit",
                                   created_at=datetime.datetime.now(datetime.UTC))


class Migration(migrations.Migration):
    dependencies = [("ActAndPos", "0001_initial")]
    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(accounts_for_existing_users, migrations.RunPython.noop),
    ]
