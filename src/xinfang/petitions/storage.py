"""File storage whose files appear whole or not at all.

Django's FileSystemStorage writes straight into the final name, so a full disk or a killed process leaves a
truncated file under a name a row may point to. Here the bytes go to a hidden temporary file beside it, are
fsynced, and only then linked into place (a link never replaces an existing file); on any error the temporary
file is removed and the error propagates, so the caller's transaction rolls back with nothing on disk.
"""

import contextlib
import os
import tempfile

from django.core.files.storage import FileSystemStorage

PARTIAL_PREFIX = ".partial-"


class DurableFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=PARTIAL_PREFIX)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))
                out.flush()
                os.fsync(out.fileno())
            while True:
                try:
                    os.link(temporary, full_path)
                    break
                except FileExistsError:  # taken meanwhile: the next free name, as FileSystemStorage does
                    name = self.get_available_name(name)
                    full_path = self.path(name)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        directory_fd = os.open(directory, os.O_RDONLY)
        try:  # the new name itself survives a power cut
            os.fsync(directory_fd)
        finally:
            os.close(directory_fd)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        return os.path.relpath(full_path, self.location).replace("\\", "/")
