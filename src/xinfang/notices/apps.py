from django.apps import AppConfig


class NoticesConfig(AppConfig):
    # No models: installed only so templates can {% load notice_tags %} (is PDF on offer?).
    name = "xinfang.notices"
    verbose_name = "文书"
