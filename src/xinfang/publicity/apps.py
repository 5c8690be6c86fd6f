from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "xinfang.publicity"
    verbose_name = "普法宣传"

    def ready(self) -> None:
        from xinfang.publicity.indicators import SECTION
        from xinfang.stats.ledgers import register_section

        register_section(SECTION)
