"""Thor's ground floor: what every app builds on and nothing app-specific.

The clock, the worker and stream-consumer base, live push, URL converters, the JSON renderer, the
one error shape and the OpenAPI error responses, the retry policy, the health-check registry and
private files. It imports no app and not ``thor_project`` (an import-linter contract in
``make test`` keeps it so).
"""
