from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "xinfang.orgs"
    verbose_name = "机构与用户"
