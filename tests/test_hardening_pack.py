"""The transfer pack's protection and contents (M1, L6, L7, L10, informational SHA-256): with a password nothing is
written unencrypted; passwords come from a prompt, the environment or a file; attachments are made safe."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdf
import pytest
import pyzipper
from click.testing import CliRunner
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from cin_docs.cli import cli
from cin_docs.packs.transfer import attachment_name

ROOT = Path(__file__).resolve().parents[1]
TRANSFER = ROOT / "samples" / "transfer-out.yaml"
CASE_ID = "HIL-2026-0109"
PASSWORD = "orange-lamp-river"


def run_pack(tmp_path: Path, *args: str, env: dict | None = None, input: str | None = None):
    out = tmp_path / "out"
    result = CliRunner(env=env).invoke(
        cli, ["pack", "transfer", str(TRANSFER), "-o", str(out), "--as-of", "2026-11-23", *args], input=input
    )
    return result, out


@pytest.fixture(scope="module")
def protected(tmp_path_factory):
    """One pack made with the password from the environment variable (nothing on the command line), with an
    attachment that carries JavaScript and has a name no unzip should see."""
    tmp_path = tmp_path_factory.mktemp("pw")
    evil = tmp_path / "in" / "new\nline.pdf"
    evil.parent.mkdir()
    evil.write_bytes(_pdf_with_javascript())
    assert b"/JavaScript" in evil.read_bytes() and b"/AA" in evil.read_bytes()
    result, out = run_pack(tmp_path, "--attach", str(evil), env={"CIN_DOCS_PDF_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    return {"result": result, "zip": out / f"{CASE_ID}_transfer-pack.zip", "pdf": out / f"{CASE_ID}_transfer-pack.pdf"}


def read_protected_zip(path: Path, password: str) -> dict[str, bytes]:
    with pyzipper.AESZipFile(path) as archive:
        archive.setpassword(password.encode("utf-8"))
        return {name: archive.read(name) for name in archive.namelist()}


def test_with_a_password_the_zip_is_aes_encrypted_too_and_nothing_is_readable_without_it(protected):
    with zipfile.ZipFile(protected["zip"]) as archive:
        infos = archive.infolist()
        assert infos and all(info.flag_bits & 0x1 for info in infos)  # every member encrypted
        assert {info.compress_type for info in infos} == {99}  # WinZip AES
        with pytest.raises(RuntimeError, match="encrypted"):
            archive.read(infos[0].filename)
    with pyzipper.AESZipFile(protected["zip"]) as archive:
        archive.setpassword(b"wrong password here")
        with pytest.raises(RuntimeError):
            archive.read(infos[0].filename)
    files = read_protected_zip(protected["zip"], PASSWORD)
    assert "Tyler" in pypdf.PdfReader(io.BytesIO(files[f"{CASE_ID}_case-summary.pdf"])).pages[0].extract_text()
    assert "both password-protected" in protected["result"].stderr


def test_the_manifest_says_what_is_protected_and_carries_the_merged_pdfs_hash(protected):
    manifest = json.loads(read_protected_zip(protected["zip"], PASSWORD)["manifest.json"])
    merged = protected["pdf"].read_bytes()
    assert manifest["merged_pdf"]["encrypted"] is True and manifest["zip_encrypted"] is True
    assert manifest["merged_pdf"]["sha256"] == hashlib.sha256(merged).hexdigest()
    assert manifest["merged_pdf"]["size"] == len(merged)
    assert pypdf.PdfReader(protected["pdf"]).is_encrypted


@pytest.mark.skipif(shutil.which("7z") is None, reason="7-Zip (p7zip-full) is not installed")
def test_7zip_opens_the_protected_zip_with_the_password_only(protected):
    good = subprocess.run(["7z", "t", f"-p{PASSWORD}", str(protected["zip"])], capture_output=True, text=True)
    assert good.returncode == 0 and "Everything is Ok" in good.stdout
    bad = subprocess.run(["7z", "t", "-pnot-the-password", str(protected["zip"])], capture_output=True, text=True)
    assert bad.returncode != 0


def test_without_a_password_the_zip_is_plain_and_the_manifest_says_so():
    import datetime as dt
    from types import SimpleNamespace

    from cin_docs.packs.transfer import Part, _manifest, _zip

    parts = [Part("Case summary", "generated", pdf=b"%PDF-1", docx=b"PK", pdf_name="a.pdf", docx_name="a.docx")]
    case = SimpleNamespace(case_id="X-1", profile={"name": "hillingdon", "label": "Hillingdon", "document": "d"})
    merged = {"bytes": b"%PDF-merged", "pages": 3}
    manifest = _manifest(case, dt.date(2026, 11, 23), parts, "X-1_transfer-pack.pdf", 1, merged, False)
    assert manifest["merged_pdf"]["encrypted"] is False and manifest["zip_encrypted"] is False
    assert manifest["merged_pdf"]["sha256"] == hashlib.sha256(b"%PDF-merged").hexdigest()
    with zipfile.ZipFile(io.BytesIO(_zip(parts, manifest, dt.date(2026, 11, 23)))) as archive:
        assert archive.read("a.pdf") == b"%PDF-1"
        assert json.loads(archive.read("manifest.json")) == manifest


class _Stop(Exception):
    pass


@pytest.fixture
def password_seen(monkeypatch):
    """Stops `pack transfer` at the build step and records the password it was given (the encryption itself is
    checked on a real pack above); the case file is loaded as usual."""
    from cin_docs.packs import transfer

    seen = []

    def fake_build(case, as_of, attach, password, **options):  # options: allow_disclosure
        seen.append(password)
        raise _Stop()

    monkeypatch.setattr(transfer, "build_pack", fake_build)
    return seen


def test_password_from_a_hidden_prompt(tmp_path, password_seen):
    result, out = run_pack(tmp_path, "--password", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert password_seen == [PASSWORD]
    assert PASSWORD not in result.output  # not echoed
    assert "Password for the pack" in result.output


def test_password_from_the_environment_and_from_standard_input(tmp_path, password_seen):
    run_pack(tmp_path, env={"CIN_DOCS_PDF_PASSWORD": PASSWORD})
    run_pack(tmp_path, "--password-file", "-", input=f"{PASSWORD}-stdin\n")
    assert password_seen == [PASSWORD, f"{PASSWORD}-stdin"]


def test_password_file_readable_by_others_gets_a_warning_and_a_private_one_does_not(tmp_path, password_seen):
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    os.chmod(secret, 0o644)
    result, _ = run_pack(tmp_path, "--password-file", str(secret))
    assert "can be read by other users" in result.stderr and "chmod 600" in result.stderr
    os.chmod(secret, 0o600)
    result, _ = run_pack(tmp_path, "--password-file", str(secret))
    assert "can be read by other users" not in result.stderr
    assert password_seen == [PASSWORD, PASSWORD]


@pytest.mark.parametrize(
    "password, message",
    [
        ("a", "The password is too short: use at least 10 characters"),
        ("short-pw", "The password is too short"),
        ("x" * 128, "The password is too long: a PDF password holds at most 127 bytes"),
        ("é" * 64, "The password is too long"),
    ],
)
def test_too_short_and_too_long_passwords_are_refused_before_anything_is_made(tmp_path, password, message):
    result, out = run_pack(tmp_path, env={"CIN_DOCS_PDF_PASSWORD": password})
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {message}")
    assert not out.exists()


# ---- attachments ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "given, safe",
    [
        ("..\\..\\..\\evil.pdf", "evil.pdf"),
        ("new\nline.pdf", "new-line.pdf"),
        ("C:evil.pdf", "C-evil.pdf"),
        ("e\u0301t\u00e9.pdf", "ete.pdf"),  # decomposed and composed é: the same name, in ASCII
        ("CON.pdf", "CON-file.pdf"),
        (".hidden.PDF", "hidden.pdf"),
        ("\u202egnp.pdf", "gnp.pdf"),
        ("report 2026 (final).docx", "report-2026-final.docx"),
    ],
)
def test_attachment_names_are_safe_for_every_unzip(given, safe):
    assert attachment_name(given) == safe


def _pdf_with_javascript() -> bytes:
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(595, 842)
    js = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('pwned')")}
    )
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(js)})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(
        DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x()")})
    )
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): pypdf.generic.ArrayObject([pypdf.generic.FloatObject(0)] * 4),
            NameObject("/A"): writer._add_object(js),
        }
    )
    page[NameObject("/Annots")] = pypdf.generic.ArrayObject([writer._add_object(link)])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_javascript_and_automatic_actions_of_attachments_are_not_in_the_merged_pack(protected):
    merged = pypdf.PdfReader(protected["pdf"])
    merged.decrypt(PASSWORD)
    assert "/OpenAction" not in merged.trailer["/Root"]
    assert len(merged.pages) > 1
    for page in merged.pages:
        assert "/AA" not in page
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            assert action is None or action.get_object().get("/S") in ("/GoTo", "/URI")
    assert "attachments/new-line.pdf" in read_protected_zip(protected["zip"], PASSWORD)


def test_pypdf_chatter_about_a_damaged_attachment_is_not_printed(tmp_path, caplog):
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    broken = tmp_path / "truncated.pdf"
    broken.write_bytes(data[: data.rfind(b"%%EOF")])  # pypdf logs "EOF marker not found"
    caplog.set_level("DEBUG")
    result, out = run_pack(tmp_path, "--attach", str(broken))
    # Without cin-docs' routing these records reach the root logger, which prints them on the user's terminal.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pypdf")] == []
    assert "EOF marker" not in result.output
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "is damaged" in result.stderr
    assert not out.exists()


def test_an_attachment_over_the_size_limit_is_refused_before_reading_it(tmp_path):
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:  # sparse: 100 MB on paper
        handle.write(b"%PDF-1.7\n")
        handle.truncate(100 * 1024 * 1024)
    result, out = run_pack(tmp_path, "--attach", str(big))
    assert result.exit_code == 1
    assert "is 100 MB, larger than the 50 MB a transfer pack accepts" in result.stderr
    assert not out.exists()
