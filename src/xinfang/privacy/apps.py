from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "xinfang.privacy"
    verbose_name = "个人信息保护"

    def ready(self) -> None:
        from xinfang.privacy import receivers  # noqa: F401  (the notice version of each registration)
