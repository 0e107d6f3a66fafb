"""The authority logo is read only where the user meant (M4, L9, L11, M5 SVG): a small PNG or JPEG inside the
folder of the file that names it; anything else is an error naming the field, before anything is made."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from PIL import Image

from cin_docs.cli import cli

ROOT = Path(__file__).resolve().parents[1]
MID_PLAN = ROOT / "samples" / "hillingdon-mid-plan.yaml"


def case_with_logo(folder: Path, logo: str | None, **extra) -> Path:
    data = yaml.safe_load(MID_PLAN.read_text(encoding="utf-8"))
    if logo is None:
        data["authority"].pop("logo", None)
    else:
        data["authority"]["logo"] = logo
    data.update(extra)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height (a "decompression bomb" is just this, plus a little data)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def render(case: Path, out: Path, fmt: str = "pdf", *extra: str):
    return run(
        *extra, "render", "plan", str(case), "--as-of", "2026-11-23", "--allow-unsmart", "--format", fmt, "-o", str(out)
    )


@pytest.mark.parametrize("logo", ["/etc/passwd", "../../../../../../../../etc/passwd", "~/logo.png"])
def test_a_logo_outside_the_case_files_folder_is_an_error_naming_the_field(tmp_path, logo):
    case = case_with_logo(tmp_path / "case", logo)
    for result in (run("validate", str(case)), render(case, tmp_path / "out"), render(case, tmp_path / "out", "docx")):
        assert result.exit_code == 1
        assert result.stderr.startswith(f"Error: authority.logo in the case file {case}: the logo {logo} ")
        assert "unexpected" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_symlink_out_of_the_folder_is_judged_by_where_it_lands(tmp_path):
    Image.new("RGB", (60, 20), "red").save(tmp_path / "private.png")
    case = case_with_logo(tmp_path / "case", "logo.png")
    (tmp_path / "case" / "logo.png").symlink_to(tmp_path / "private.png")
    result = run("validate", str(case))
    assert result.exit_code == 1 and "is outside the folder of that file" in result.stderr


@pytest.mark.parametrize(
    "name, content, message",
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            b'<image xlink:href="logo.svg"/><image xlink:href="logo.svg"/></svg>',
            "is not a PNG or JPEG image",
        ),
        ("logo.png", b"root:x:0:0:root:/root:/bin/bash\n", "is not a PNG or JPEG image"),
        ("logo.png", png_header(30000, 30000), "is larger than 4000 x 4000 pixels"),
        ("logo.png", png_header(5000, 10), "is larger than 4000 x 4000 pixels"),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 1), "larger than the 1024 kB a logo may be"),
        ("logo.png", b"\x89PNG\r\n\x1a\ngarbage", "is a damaged image"),
    ],
)
def test_only_a_small_png_or_jpeg_is_accepted(tmp_path, name, content, message):
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / name).write_bytes(content)
    case = case_with_logo(folder, name)
    result = run("validate", str(case))
    assert result.exit_code == 1, result.output
    assert message in result.stderr and "authority.logo in the case file" in result.stderr
    result = render(case, tmp_path / "out", "docx")  # was "unexpected problem (UnrecognizedImageError)"
    assert result.exit_code == 1 and message in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_good_logo_beside_the_case_file_is_used_in_both_formats(tmp_path):
    folder = tmp_path / "case"
    folder.mkdir()
    Image.new("RGB", (120, 40), "navy").save(folder / "logo.jpg", "JPEG")
    case = case_with_logo(folder, "logo.jpg")
    assert run("validate", str(case)).exit_code == 0
    result = render(case, tmp_path / "out", "both")
    assert result.exit_code == 0, result.output


def test_a_profiles_logo_is_read_from_the_profiles_folder_not_the_current_one(tmp_path, monkeypatch):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    Image.new("RGB", (60, 20), "blue").save(profiles / "logo.png")
    (profiles / "mine.yaml").write_text(
        "name: mine\nextends: hillingdon\nauthority:\n  name: My Council\n  logo: logo.png\n", encoding="utf-8"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    Image.new("RGB", (60, 20), "red").save(elsewhere / "logo.png")
    case = case_with_logo(tmp_path / "case", None, policy=str(profiles / "mine.yaml"))
    data = yaml.safe_load(case.read_text(encoding="utf-8"))
    data.pop("authority")
    case.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    monkeypatch.chdir(elsewhere)

    from cin_docs import api
    from cin_docs.logo import resolve_logo

    assert resolve_logo(api.load(case, {"closures": []})) == (profiles / "logo.png").resolve()
    monkeypatch.chdir("/")
    assert resolve_logo(api.load(case, {"closures": []})) == (profiles / "logo.png").resolve()
