from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "xinfang.notifications"
    label = "notifications"
    verbose_name = "期限预警与通知"

    def ready(self) -> None:
        from xinfang.notifications import receivers  # noqa: F401  (connects the notice's post_save)
