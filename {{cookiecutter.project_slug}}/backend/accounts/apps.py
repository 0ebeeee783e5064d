from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from . import auth_cache, checks, schema  # noqa: F401  (system checks, OpenAPI scheme)

        # A user saved (deactivated, say) or deleted: authentication must look again.
        for signal in (post_save, post_delete):
            signal.connect(auth_cache.forget_after_user_change, sender=self.get_model("User"))
