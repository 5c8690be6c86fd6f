"""Development and demo on one machine: SQLite under var/, DEBUG from the environment."""

from .base import *  # noqa: F403
