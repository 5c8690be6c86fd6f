from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "xinfang.similarity"
    verbose_name = "相似内容索引"

    def ready(self) -> None:
        from xinfang.similarity import receivers  # noqa: F401  (indexes each registered petition)
