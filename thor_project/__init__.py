"""Thor's project package: settings, clock, workers, launcher."""

import time

#: When this process started (epoch seconds), for the uptime in /api/health/.
STARTED_AT = time.time()
