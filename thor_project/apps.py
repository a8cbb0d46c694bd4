from django.apps import AppConfig


class ThorProjectConfig(AppConfig):
    """The project itself: health, authentication, the first-run admin, the launcher."""

    name = "thor_project"
    verbose_name = "Thor"

    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from rest_framework.authtoken.models import Token

        from thor_project import push_receivers, stack  # noqa: F401  (connect the live-push and worker-stack receivers)
        from thor_project.auth import forget_token

        # A token deleted anywhere (the admin, a user's deletion) stops working in this process at
        # once; another process's cached lookup lasts at most auth.CACHE_SECONDS.
        post_delete.connect(
            lambda sender, instance, **kwargs: forget_token(instance.key),
            sender=Token,
            dispatch_uid="thor-forget-deleted-token",
            weak=False,
        )
