from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "xinfang.quality"
    verbose_name = "质量评查"
