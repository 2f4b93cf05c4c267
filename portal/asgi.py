"""The ASGI entry point for `portal serve` (and any ASGI server): settings from the environment."""

from portal.app import create_app
from portal.config import load_settings

app = create_app(load_settings())
