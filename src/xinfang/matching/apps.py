from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "xinfang.matching"
    verbose_name = "重复信访识别"

    def ready(self) -> None:
        from xinfang.matching import receivers  # noqa: F401 - connects the registration receiver
