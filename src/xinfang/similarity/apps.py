from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "xinfang.similarity"
    verbose_name = "相似内容索引"
