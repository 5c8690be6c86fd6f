from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "xinfang.similarity"
    verbose_name = "相似内容索引"

    def ready(self) -> None:
        from xinfang.similarity import minhash, receivers  # noqa: F401  (receivers index each registered petition)
        from xinfang.similarity.secret import index_secret

        minhash.set_secret(index_secret())
