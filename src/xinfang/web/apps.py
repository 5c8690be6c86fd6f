from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xinfang.web"
    verbose_name = "工作台"

    def ready(self) -> None:
        from xinfang.web import sessions  # noqa: F401  (login time; a disabled user's sessions and tokens end)
