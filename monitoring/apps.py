from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"
    verbose_name = "Monitoring"

    def ready(self) -> None:
        from monitoring import receivers
        from monitoring.care import tasks as care_tasks  # noqa: F401 (registers the tasks)
        from monitoring.evaluation import tasks  # noqa: F401 (registers the tasks)
        from monitoring.webhooks import tasks as webhook_tasks  # noqa: F401 (registers the tasks)

        receivers.connect()
