"""Serve single files out of npm packages (node_modules) as static files.

A package's dist/ folder holds far more than the browser needs (ECharts': 51 MB of sources, maps and module
builds); collecting all of it would slow `collectstatic` and the demo's start. VENDOR_FILES names just the
files to serve, as {static path: file in node_modules}.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


class VendorFileFinder(BaseFinder):
    def _files(self) -> dict[str, Path]:
        return {name: Path(settings.NODE_MODULES) / source for name, source in settings.VENDOR_FILES.items()}

    def check(self, **kwargs):
        return [
            Error(f"{source} is missing: run scripts/setup.sh (npm ci)", id="xinfang.E001")
            for source in self._files().values()
            if not source.is_file()
        ]

    def find(self, path, find_all=False, **kwargs):
        source = self._files().get(path)
        if source is None or not source.is_file():
            return [] if find_all else None
        return [str(source)] if find_all else str(source)

    def list(self, ignore_patterns):
        for name, source in self._files().items():
            if source.is_file():
                storage = FileSystemStorage(location=str(source.parent))
                storage.prefix = str(Path(name).parent)
                yield source.name, storage
