"""The installed package works outside the repository: templates, profiles and schemas ship in the wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("cin_docs-*.whl")
    return path


def test_wheel_ships_templates_profiles_and_schemas(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "cin_docs/templates/html/base.html",
        "cin_docs/templates/html/print.css",
        "cin_docs/templates/html/fonts/DejaVuSans.ttf",
        "cin_docs/templates/docx/invitation.docx",
        "cin_docs/policies/profiles/hillingdon.yaml",
        "cin_docs/policies/profiles/hertfordshire.yaml",
        "cin_docs/schemas/case.schema.json",
        "cin_docs/samples/hillingdon-mid-plan.yaml",
        "cin_docs/render/variables.yaml",
        "cin_docs/web/templates/base.html",
        "cin_docs/web/static/govuk/govuk-frontend.min.css",
        "cin_docs/web/static/govuk/LICENCE.txt",
        "cin_docs/web/static/app.css",
        "cin_docs/web/static/init.js",
    ):
        assert required in names, required
    kinds = {n.rsplit("/", 1)[-1].removesuffix(".html") for n in names if n.startswith("cin_docs/templates/html/")}
    from cin_docs.documents import KINDS

    assert set(KINDS) <= kinds


def test_installed_wheel_renders_a_sample_outside_the_repo(wheel, tmp_path):
    # A fresh environment with only the wheel installed; the dependencies come from the test environment's
    # site-packages through a .pth line (which does not activate the editable install of the checkout).
    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env)], check=True)
    site = next(env.glob("lib/python*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(ROOT / "samples" / "hillingdon-mid-plan.yaml", work / "case.yaml")
    python = env / "bin" / "python"
    probe = subprocess.run(
        [str(python), "-c", "import cin_docs, sys; print(cin_docs.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    assert str(site) in probe.stdout, "the wheel, not the checkout, must be imported"
    result = subprocess.run(
        [
            str(python),
            "-m",
            "cin_docs.cli",
            "render",
            "invitation",
            "case.yaml",
            "--as-of",
            "2026-11-23",
            "--recipient",
            "Danielle Hartwell",
            "-o",
            "out",
        ],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    produced = sorted(p.name for p in (work / "out").iterdir())
    assert produced == [
        "HIL-2026-0143_invitation_2026-12-15_family-1.docx",
        "HIL-2026-0143_invitation_2026-12-15_family-1.pdf",
    ]
