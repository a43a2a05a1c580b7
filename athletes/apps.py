from django.apps import AppConfig


class AthletesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "athletes"
    verbose_name = "Athletes, cases and care teams"

    def ready(self) -> None:
        pass
