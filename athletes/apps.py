from django.apps import AppConfig


class AthletesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "athletes"
    verbose_name = "Athletes, cases and care teams"

    def ready(self) -> None:
        from . import (
            audit,  # noqa: F401  (connects the history person-and-reason receiver)
            two_factor,  # noqa: F401  (remembers at login who uses a second factor)
        )
