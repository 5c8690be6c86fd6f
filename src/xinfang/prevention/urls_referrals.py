"""The referrals ledger's pages (joined to prevention.urls)."""

urlpatterns: list = []
