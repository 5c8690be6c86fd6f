from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "xinfang.stats"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from xinfang.stats import receivers

        receivers.connect()
