"""axe-core in the browser tests: inject it into a page and list the WCAG 2.2 AA violations.

axe-core comes from the npm registry, pinned, into a cache folder outside the repository
(``scripts/axe-core.sh``, run once per test session).
"""

import subprocess
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@cache
def axe_script() -> str:
    """The path of axe.min.js (installed by ``scripts/axe-core.sh`` on first use)."""
    installed = subprocess.run(
        ["bash", str(REPO / "scripts" / "axe-core.sh")], capture_output=True, text=True, timeout=300, check=False
    )
    if installed.returncode != 0:
        pytest.fail(f"Could not install axe-core with scripts/axe-core.sh: {installed.stderr.strip()}")
    return installed.stdout.strip()


def axe_violations(page) -> list[str]:
    """Run axe-core with the WCAG 2.2 A and AA rules on the page; one line per violation and node."""
    page.add_script_tag(path=axe_script())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_22_AA,
    )
    return [
        f"{violation['id']}: {' '.join(map(str, node['target']))} ({node['failureSummary'].splitlines()[-1].strip()})"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]
