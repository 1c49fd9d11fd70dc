"""The documentation site builds without warnings and tells the truth about the code."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs"
EXAMPLE = DOCS / "examples" / "helpline-greeter"


def test_the_site_builds_in_strict_mode_with_the_api_reference(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    reference = (tmp_path / "api-reference" / "index.html").read_text()
    for path in ("/api/v1/tickets", "/api/v1/tickets/{number}/messages", "/api/v1/search"):
        assert f"{path}</code>" in reference, path
    assert "sla" in reference, "plugins' endpoints are in the reference too"


def test_the_tutorials_code_is_the_example_plugins_code():
    """Each ```python block starting with `# <file>` appears verbatim in that example file."""
    text = (DOCS / "tutorial.md").read_text()
    blocks = re.findall(r"```(?:python|toml)\n# (\S+)\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 10
    for name, code in blocks:
        source = (EXAMPLE / name).read_text()
        assert code.strip("\n") in source, f"the tutorial's {name} block is not in the example"
