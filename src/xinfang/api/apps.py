from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "xinfang.api"
    verbose_name = "接口"

    def ready(self) -> None:
        from xinfang.api import receivers  # noqa: F401  (webhook deliveries when an event commits)
