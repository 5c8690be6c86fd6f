"""No response of the application may be kept by a browser or proxy cache (docs/SECURITY.md).

Case pages, revealed personal data, exports, notices and API answers all name petitioners. A shared
office computer's disk cache or back button, or a caching proxy on the intranet, must not keep them.
Static files are the exception: they are public, and WhiteNoise serves them (with long caching)
before this middleware is reached; the path check covers the test and development servers too.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(self.static_prefix):
            # "no-store" (with no-cache, must-revalidate, private, max-age=0 and Expires now);
            # Pragma for HTTP/1.0 caches that ignore Cache-Control.
            add_never_cache_headers(response)
            response["Pragma"] = "no-cache"
        return response
