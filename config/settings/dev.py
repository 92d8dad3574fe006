"""Development: DEBUG on, console email, everything embedded."""

from .base import *  # noqa: F403
from .environment import env_bool

DEBUG = env_bool("DEBUG", True)
PAGE_CACHE_SECONDS = 0 if DEBUG else PAGE_CACHE_SECONDS  # noqa: F405
