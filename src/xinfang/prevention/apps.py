from django.apps import AppConfig


class PreventionConfig(AppConfig):
    name = "xinfang.prevention"
    verbose_name = "矛盾预防"

    def ready(self) -> None:
        from xinfang.prevention.indicators import SECTION
        from xinfang.stats.ledgers import register_section

        register_section(SECTION)
