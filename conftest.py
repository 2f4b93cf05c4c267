"""Loaded for tests/ and e2e/ alike: the option that moves the clock for a whole run."""

pytest_plugins = ("tests.clock_travel",)
