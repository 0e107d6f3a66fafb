"""Every PDF is PDF/UA-1 and PDF/A-3a at once, checked by an independent validator (page-validation, a Rust port of
the veraPDF rules that runs offline), and --pdf-variant gives plain PDF or PDF/A-2b on request."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import page  # page-validation (the test extra): an independent PDF/A and PDF/UA validator
import pypdf
import pytest
from click.testing import CliRunner

from cin_docs.cli import cli

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
AS_OF = "2026-11-23"

# One case per kind that the kind is written for (the sample the kind's own tests use).
KIND_SAMPLES = {
    "invitation": "hillingdon-mid-plan.yaml",
    "plan": "hillingdon-mid-plan.yaml",
    "review-record": "hillingdon-mid-plan.yaml",
    "panel-summary": "hertfordshire-panel.yaml",
    "escalation": "hertfordshire-escalation.yaml",
    "transfer-letter": "transfer-out.yaml",
    "case-summary": "transfer-out.yaml",
    "closing-summary": "hillingdon-closed.yaml",
}
PROFILES = ("ua1", "3a")


def failures(data: bytes, profile: str) -> list[str]:
    report = page.validate_pdf_bytes(data, profile=profile)
    return [] if report.is_compliant else [f"{f.rule_id}: {f.message}" for f in report.failures] or ["non-conformant"]


def run(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, bytes]:
    """Every kind's PDFs (all of an invitation's letters) and both packs' PDFs, rendered once with the defaults."""
    out = tmp_path_factory.mktemp("conformance")
    for kind, sample in KIND_SAMPLES.items():
        run(["render", kind, str(SAMPLES / sample), "--format", "pdf", "-o", str(out / kind), "--as-of", AS_OF])
    run(
        [
            "pack",
            "panel",
            str(SAMPLES / "hertfordshire-panel.yaml"),
            "--panel-date",
            "2026-12-31",
            "--force",
            "-o",
            str(out / "panel"),
            "--as-of",
            AS_OF,
        ]
    )
    run(["pack", "transfer", str(SAMPLES / "transfer-out.yaml"), "-o", str(out / "transfer"), "--as-of", AS_OF])
    pdfs = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}
    # The transfer pack's documents as they go in its zip, one PDF each.
    with zipfile.ZipFile(next((out / "transfer").glob("*.zip"))) as bundle:
        for name in bundle.namelist():
            if name.endswith(".pdf"):
                pdfs[f"transfer zip/{name}"] = bundle.read(name)
    return pdfs


def test_every_kind_and_pack_was_rendered(rendered):
    from cin_docs.documents import KINDS

    assert set(KIND_SAMPLES) == set(KINDS), "add the new kind to KIND_SAMPLES"
    folders = {name.split("/")[0] for name in rendered}
    assert folders == set(KIND_SAMPLES) | {"panel", "transfer", "transfer zip"}
    assert sum(name.startswith("invitation/") for name in rendered) > 1  # family, child and professional letters


@pytest.mark.parametrize("profile", PROFILES)
def test_every_document_passes_pdf_ua1_and_pdf_a3a(rendered, profile):
    # The merged transfer pack is built by pypdf from separate PDFs (cin_docs/packs/transfer.py), which keeps no
    # structure tree: it is not claimed conformant (issue 11: build it as one HTML document). Its parts are.
    problems = {name: failures(data, profile) for name, data in rendered.items() if not name.startswith("transfer/")}
    assert {name: found for name, found in problems.items() if found} == {}


def test_documents_claim_both_standards_in_their_metadata(rendered):
    reader = pypdf.PdfReader(io.BytesIO(rendered["plan/HIL-2026-0143_plan.pdf"]))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object()
    assert "/Filter" not in xmp  # PDF/A: the metadata stream is readable without decoding
    packet = xmp.get_data()
    assert b'pdfuaid:part="1"' in packet
    assert b'pdfaid:part="3"' in packet and b'pdfaid:conformance="A"' in packet
    assert b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in packet


def test_form_fields_carry_their_own_appearance(rendered):
    [name] = [n for n in rendered if n.startswith("escalation/")]
    reader = pypdf.PdfReader(io.BytesIO(rendered[name]))
    assert "/NeedAppearances" not in reader.trailer["/Root"]["/AcroForm"]
    fields = [a.get_object() for p in reader.pages for a in p.get("/Annots", []) if a.get_object().get("/FT") == "/Tx"]
    assert fields and all("/AP" in f for f in fields)
    # A filled field's appearance draws its text (a glyph string shown with Tj), an empty one draws nothing.
    filled = [f for f in fields if f["/V"]]
    assert filled and all(b"Tj" in f["/AP"]["/N"].get_object().get_data() for f in filled)
    assert all(b"Tj" not in f["/AP"]["/N"].get_object().get_data() for f in fields if not f["/V"])
    # The form's text is still there for pypdf (and screen readers) to read.
    assert any("Gareth Lloyd" in str(f["/V"]) for f in fields)


def test_the_validator_fails_a_broken_pdf(rendered):
    good = rendered["plan/HIL-2026-0143_plan.pdf"]
    assert failures(good, "ua1") == [] and failures(good, "3a") == []
    # The same PDF with its PDF/UA identifier and its document language taken out.
    broken = good.replace(b'pdfuaid:part="1"', b'pdfuaid:xart="1"').replace(b"/Lang (en-GB)", b"/Lxng (en-GB)")
    assert broken != good
    assert any(f.startswith("PDFUA1-ID-") for f in failures(broken, "ua1"))
    # And an untagged PDF (what --pdf-variant plain used to be before tags) fails PDF/A-3a.
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    untagged = io.BytesIO()
    writer.write(untagged)
    assert failures(untagged.getvalue(), "3a") and failures(untagged.getvalue(), "ua1")


def test_pdf_variant_plain_and_pdf_a_2b(tmp_path):
    plan = str(SAMPLES / "hillingdon-mid-plan.yaml")
    for variant in ("plain", "pdf/a-2b"):
        out = tmp_path / variant.replace("/", "-")
        run(["render", "plan", plan, "--format", "pdf", "-o", str(out), "--as-of", AS_OF, "--pdf-variant", variant])
        data = (out / "HIL-2026-0143_plan.pdf").read_bytes()
        reader = pypdf.PdfReader(io.BytesIO(data))
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged whatever the variant
        if variant == "plain":
            assert "/Metadata" not in reader.trailer["/Root"] and "/OutputIntents" not in reader.trailer["/Root"]
            assert failures(data, "3a")
        else:
            assert failures(data, "2b") == []
            assert b'pdfaid:part="2"' in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    result = CliRunner().invoke(cli, ["render", "plan", plan, "--pdf-variant", "pdf/x-4", "-o", str(tmp_path)])
    assert result.exit_code == 2 and "pdf/x-4" in result.output
