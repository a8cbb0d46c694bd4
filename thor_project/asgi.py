"""ASGI entry point, served by daphne (SPEC §1).

The web process also starts the worker stack here (unless ``THOR_STACK_AUTO_START`` is off), so
that management commands and tests that import the settings never start workers by accident.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thor_project.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from django.conf import settings  # noqa: E402

application = ProtocolTypeRouter({"http": django_asgi_app})

if settings.THOR_STACK_AUTO_START:
    from ThorTrading.workers.stack import start_stack

    start_stack()
