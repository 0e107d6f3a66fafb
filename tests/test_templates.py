"""Registry contract: every document kind has both templates, every template is used, and the Word templates
committed in templates/docx are exactly what scripts/build_docx_templates.py builds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cin_docs import resources
from cin_docs.documents import KINDS

ROOT = Path(__file__).resolve().parents[1]
# Templates the packs use directly rather than through a document kind.
PACK_TEMPLATES = {"caseload.html", "panel-pack.html", "panel-agenda.docx", "transfer-checklist.html", "transfer-checklist.docx",
                  "transfer-index.html"}


def test_every_kind_has_both_templates():
    for kind in KINDS.values():
        assert (resources.docx_templates_dir() / kind.docx_template).is_file(), kind.key
        assert (resources.html_templates_dir() / kind.html_template).is_file(), kind.key
        for variant in kind.variants:
            assert (resources.docx_templates_dir() / f"{variant}.docx").is_file(), variant
            assert (resources.html_templates_dir() / f"{variant}.html").is_file(), variant


def test_every_template_file_is_used():
    used = {k.docx_template for k in KINDS.values()} | {k.html_template for k in KINDS.values()} | PACK_TEMPLATES
    used |= {f"{v}.{ext}" for k in KINDS.values() for v in k.variants for ext in ("docx", "html")}
    present = {p.name for p in resources.docx_templates_dir().glob("*.docx")}
    present |= {p.name for p in resources.html_templates_dir().glob("*.html")
                if p.name != "base.html" and not p.name.startswith("_")}  # base and shared macros
    assert present - used == set(), "templates no kind or pack uses"
    assert used - present == set(), "templates that are missing"


def test_pack_templates_are_used_by_the_packs():
    source = "".join((ROOT / "cin_docs" / "packs" / name).read_text() for name in ("panel.py", "transfer.py"))
    source += (ROOT / "cin_docs" / "caseload" / "outputs.py").read_text()
    source += "".join(p.read_text() for p in (ROOT / "cin_docs" / "documents").glob("*.py"))
    for name in PACK_TEMPLATES:
        assert name in source or name.rsplit(".", 1)[0] in source, name


def test_committed_word_templates_are_what_the_build_script_makes(tmp_path):
    env = {**os.environ, "DOCX_OUT": str(tmp_path)}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_docx_templates.py")], env=env, check=True,
                   capture_output=True)
    built = {p.name: p.read_bytes() for p in tmp_path.glob("*.docx")}
    committed = {p.name: p.read_bytes() for p in resources.docx_templates_dir().glob("*.docx")}
    assert set(built) == set(committed)
    stale = sorted(name for name in built if built[name] != committed[name])
    assert stale == [], f"run `make docx-templates` and commit: {stale}"
