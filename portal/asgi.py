"""The ASGI entry point for `portal serve` (and any ASGI server): settings from the environment.
Each worker process imports it, builds the app, starts its PDF renderers, then tunes its
garbage collector."""

from portal.app import create_app
from portal.config import load_settings
from portal.pdf_writer import start_renderers
from portal.runtime import tune_garbage_collector

app = create_app(load_settings())
start_renderers()
tune_garbage_collector()
