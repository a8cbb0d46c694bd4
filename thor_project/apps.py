from django.apps import AppConfig


class ThorProjectConfig(AppConfig):
    """The project itself: health, authentication, the first-run admin, the launcher."""

    name = "thor_project"
    verbose_name = "Thor"
