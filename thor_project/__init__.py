"""Thor's roof: settings, urls, asgi, the worker stack, health and logins, the launcher. It wires the
apps together and no app imports it (the ground floor they build on is ``core``)."""

import time

#: When this process started (epoch seconds), for the uptime in /api/health/.
STARTED_AT = time.time()
