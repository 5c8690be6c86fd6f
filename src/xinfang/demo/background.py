"""The background half of `xinfang demo` as the serving process sees it: the page banner while it runs."""

import subprocess

# The `xinfang demo --finish` process the demo server started, if any (one server per process).
_process: subprocess.Popen | None = None


def background_started(process: subprocess.Popen) -> None:
    global _process
    _process = process


def background_running() -> bool:
    """True while the demo's background process is still generating data (poll() does not block)."""
    return _process is not None and _process.poll() is None


def demo_background(request) -> dict:
    """Template context: `demo_background` is true while the demo data is still being completed."""
    return {"demo_background": background_running()}
