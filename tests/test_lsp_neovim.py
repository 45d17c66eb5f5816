"""A real editor drives `copydesk lsp`: headless Neovim (Debian's package; `.ci/run` installs it) opens
an article with the set-up docs/editors.md gives and waits for the server's diagnostics."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "content/001_1137b30dfef8d16c.txt"
NVIM = shutil.which("nvim")

# The harness around the set-up: open the file, wait until the corpus checks' diagnostics have
# arrived (or two minutes), write them all as JSON, quit.
HARNESS = r"""
vim.cmd('filetype on')  -- on in any usual set-up; not with --clean -u on Neovim 0.7
vim.cmd('edit ' .. os.getenv('COPYDESK_FILE'))
local function codes()
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(out, { code = d.code or lsp.code, line = d.lnum, message = d.message })
  end
  return out
end
vim.wait(120000, function()
  for _, d in ipairs(codes()) do
    if d.code == 'off-topic.sentence' then return true end
  end
  return false
end, 100)
local fh = io.open(os.getenv('COPYDESK_OUT'), 'w')
fh:write(vim.fn.json_encode(codes()))
fh:close()
vim.cmd('qall!')
"""


def documented_setup() -> str:
    """docs/editors.md's Neovim set-up for any version (the Lua block that handles Neovim 0.7)."""
    text = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```lua\n(.*?)```", text, re.S)
    return next(b for b in blocks if "start_client" in b)


@pytest.mark.skipif(NVIM is None, reason="Neovim is not installed (apt-get install neovim; .ci/run does it)")
def test_neovim_shows_the_off_topic_sentence_and_unsupported_research_claims(tmp_path: Path):
    ws = tmp_path / "ws"
    for name in ("content", "rules"):
        shutil.copytree(ROOT / name, ws / name)
    shutil.copy(ROOT / "pyproject.toml", ws / "pyproject.toml")
    init = tmp_path / "init.lua"
    init.write_text(documented_setup() + HARNESS, encoding="utf-8")
    out = tmp_path / "diagnostics.json"
    env = {**{k: v for k, v in os.environ.items() if k != "COPYDESK_CACHE_DIR"},
           "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),  # copydesk
           "COPYDESK_FILE": str(ws / ARTICLE), "COPYDESK_OUT": str(out), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    proc = subprocess.run([NVIM, "--headless", "--clean", "-u", str(init)], cwd=ws, env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert out.exists(), proc.stdout[-2000:] + proc.stderr[-2000:]
    diagnostics = json.loads(out.read_text(encoding="utf-8"))
    lines = (ws / ARTICLE).read_text(encoding="utf-8").splitlines()
    off_topic = [lines[d["line"]] for d in diagnostics if d["code"] == "off-topic.sentence"]
    assert any("fire safety" in line for line in off_topic), diagnostics
    research = [lines[d["line"]] for d in diagnostics if d["code"] == "claims.research-appeal"]
    assert sum("Research shows" in line for line in research) >= 2, diagnostics
