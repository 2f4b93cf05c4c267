"""Each serving process, once its app is built, starts its PDF renderers and tunes its own
garbage collector."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_worker_importing_the_asgi_app_starts_renderers_and_tunes_its_collector(tmp_path: Path) -> None:
    probe = (
        "import gc, multiprocessing, portal.asgi;"
        " print(gc.get_threshold()[0], gc.get_freeze_count() > 0, len(multiprocessing.active_children()) > 0)"
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**environment, "PORTAL_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == ["50000", "True", "True"]
