from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "xinfang.publicity"
    verbose_name = "普法宣传"
