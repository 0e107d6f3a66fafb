"""The SMART Child in Need plan: every sample with a plan in both formats, same content, checked before rendering."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2
import pytest
import yaml
from click.testing import CliRunner

from cin_docs import api
from cin_docs.cli import cli
from cin_docs.documents import Options
from cin_docs.documents.common import find
from cin_docs.errors import RenderError
from cin_docs.render.filters import longdate
from textutil import assert_golden, contains_all, docx_text, norm, pdf_text

REPO = Path(__file__).resolve().parents[1]
KIND = "plan"
AS_OF = dt.date(2026, 11, 23)
GOLDEN_SAMPLE = "hillingdon-mid-plan"
HEADINGS = [
    "Child's details",
    "Legal basis",
    "Developmental needs and services",
    "Risks",
    "Views, wishes and feelings",
    "The family's views",
    "What the family expect from the plan",
    "Outcomes",
    "Actions",
    "Roles and responsibilities",
    "Contingency plan",
    "If there are concerns about significant harm",
    "Review points",
    "How progress will be judged",
    "Resources and funding",
    "SMART check",
    "Sign-off",
    "Distribution",
]
HOSTILE = "<b>bold</b> & {{ 7*7 }} </w:t>"


def samples_with_a_plan() -> list[str]:
    out = []
    for path in sorted((REPO / "samples").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        # A closed case's plan has no next review or visit left to show (hillingdon-closed.yaml).
        if "plan" in data and "closure" not in data:
            out.append(path.stem)
    return out


@pytest.fixture(scope="module")
def rendered_samples():
    """name -> (case, output, docx text, pdf text, warnings), each rendered and extracted once for the module."""
    out = {}
    for name in samples_with_a_plan():
        case = api.load(REPO / "samples" / f"{name}.yaml", {"closures": []})
        built = api.build(case, KIND, Options(as_of=AS_OF))
        assert len(built.outputs) == 1
        output = built.outputs[0]
        docx_bytes = api.render_bytes(KIND, output.context, "docx")
        pdf_bytes = api.render_bytes(KIND, output.context, "pdf")
        assert docx_bytes[:2] == b"PK" and pdf_bytes[:5] == b"%PDF-", name
        out[name] = (case, output, docx_text(docx_bytes), pdf_text(pdf_bytes), built.warnings)
    return out


def small_case(**plan_changes) -> dict:
    data = {
        "case_id": "TEST-PLAN-1",
        "policy": "hillingdon",
        "child": {"first_name": "Robin", "last_name": "Example", "date_of_birth": "2016-04-02"},
        "family": [{"name": "Jo Example", "relationship": "Mother", "parental_responsibility": True}],
        "professionals": [
            {"name": "Kim Shaw", "role": "Class teacher", "agency": "Elm Primary", "agency_type": "education"}
        ],
        "social_worker": {"name": "Sam Carter", "role": "Social Worker"},
        "plan": {
            "start": "2026-11-16",
            "legal_basis": "s17(10)(b)",
            "risks": {
                "domestic_abuse": "None known.",
                "substance_misuse": "None known.",
                "parental_mental_health": "None known.",
            },
            "child_views": "Robin said he likes football.",
            "family_views": "Jo wants help with mornings.",
            "outcomes": [{"id": "O1", "outcome": "Robin gets to school on time."}],
            "actions": [
                {
                    "id": "A1",
                    "action": "Breakfast club place.",
                    "owner": "Kim Shaw",
                    "due": "2026-12-18",
                    "measure": "Attendance 95% or better.",
                    "outcome": "O1",
                }
            ],
            "contingency": "Grandmother steps in.",
            "review_judgement": "Attendance figures.",
        },
        "meetings": [{"type": "initial", "date": "2026-11-16"}],
    }
    data["plan"].update(plan_changes)
    data["plan"] = {key: value for key, value in data["plan"].items() if value is not None}
    return data


def write_case(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


UNSMART_ACTIONS = [
    {
        "id": "A1",
        "action": f"Ongoing support {HOSTILE}",
        "owner": "Kim Shaw",
        "due": "ongoing",
        "measure": "Attendance 95% or better.",
        "outcome": "O1",
    },
    {
        "id": "A2",
        "action": "Morning routine written.",
        "owner": "School",
        "due": "2026-12-04",
        "measure": "Things get better.",
        "outcome": "O1",
    },
]


@pytest.fixture(scope="module")
def unsmart(tmp_path_factory):
    """A plan with SMART errors, produced with --allow-unsmart: (built, docx text, pdf text)."""
    # Also a sparse plan (no legal basis, needs, roles, resources or sign-off): the fallbacks must match too.
    path = write_case(tmp_path_factory.mktemp("unsmart"), small_case(actions=UNSMART_ACTIONS, legal_basis=None))
    case = api.load(path, {"closures": []})
    built = api.build(case, KIND, Options(as_of=AS_OF, allow_unsmart=True))
    context = built.outputs[0].context
    return built, docx_text(api.render_bytes(KIND, context, "docx")), pdf_text(api.render_bytes(KIND, context, "pdf"))


# ---- every sample ------------------------------------------------------------------------------------------------


def test_every_sample_with_a_plan_renders_in_both_formats(rendered_samples):
    assert {"hillingdon-mid-plan", "hillingdon-disabled-child", "hertfordshire-panel"} <= set(rendered_samples)
    for name, (_, _, docx_t, pdf_t, warnings) in rendered_samples.items():
        assert docx_t and pdf_t, name
        assert warnings == [], name  # the samples' plans are SMART


def test_docx_and_pdf_carry_the_same_content(rendered_samples):
    for name, (case, output, docx_t, pdf_t, _) in rendered_samples.items():
        ctx = output.context
        needles = [
            f"Child in Need Plan for {ctx['child']['full_name']}",
            *HEADINGS,
            ctx["case_id"],
            f"Why {ctx['child']['known_as']} is in need",
            f"{ctx['child']['known_as']}'s views",
        ]
        for action in case.data["plan"]["actions"]:
            needles += [action["owner"], longdate(action["due"])]
        deadlines = api.due_dates(case, AS_OF)
        needles += [
            longdate(find(deadlines, "next_review").due),
            longdate(find(deadlines, "plan_end_expected").due),
            longdate(find(deadlines, "next_visit").due),
            ctx["plan"]["legal_basis"]["law"],
            "No problems found",
        ]
        assert contains_all(docx_t, needles) == [], name
        assert contains_all(pdf_t, needles) == [], name


def test_hertfordshire_plans_show_each_outcomes_6_bees(rendered_samples):
    for name, (case, _, docx_t, pdf_t, _) in rendered_samples.items():
        if case.profile["plan_outcomes"] == "six_bees":
            bees = [o["bee"] for o in case.data["plan"]["outcomes"]]
            assert bees and all(bees), name
            needles = ["6 Bees", "Be Happy, Be Independent, Be Ambitious, Be Safe, Be Healthy and Be Resilient"]
            for outcome in case.data["plan"]["outcomes"]:
                needles.append(f"{outcome['id']} {outcome['outcome']} {outcome['bee']}")
            assert contains_all(docx_t, needles) == [], name
            assert contains_all(pdf_t, needles) == [], name
        else:
            assert "6 Bees" not in docx_t and "6 Bees" not in pdf_t, name


def test_child_protection_procedures_are_the_policys(rendered_samples):
    wording = {
        "hillingdon": "the London Safeguarding Children Procedures must be followed",
        "hertfordshire": "the Hertfordshire Safeguarding Children Board (HSCB) Child Protection Procedures "
        "must be followed",
    }
    for name, (case, _, docx_t, pdf_t, _) in rendered_samples.items():
        expected = f"may be at risk of significant harm, {wording[case.profile['name']]}"
        assert expected in norm(docx_t) and expected in norm(pdf_t), name


def test_visit_frequency_and_review_points_are_the_engines(rendered_samples):
    for name, (case, output, docx_t, pdf_t, _) in rendered_samples.items():
        deadlines = api.due_dates(case, AS_OF)
        ctx = output.context
        assert ctx["visits"]["next_due"] == find(deadlines, "next_visit").due, name
        assert ctx["review"]["next_review"]["due"] == find(deadlines, "next_review").due, name
        assert ctx["review"]["plan_end"]["due"] == find(deadlines, "plan_end_expected").due, name
        sentence = f"The next review of this plan must be held by {longdate(find(deadlines, 'next_review').due)}."
        assert sentence in norm(docx_t) and sentence in norm(pdf_t), name
    mid = rendered_samples["hillingdon-mid-plan"][1].context["visits"]
    assert (mid["frequency"], mid["set_by"]) == ("at least every 3 weeks", "the Hillingdon policy's standard")
    disabled = rendered_samples["hillingdon-disabled-child"][1].context["visits"]  # plan.visit_interval_weeks: 6
    assert (disabled["frequency"], disabled["set_by"]) == ("at least every 6 weeks", "as agreed in this plan")


def test_golden_snapshot_of_the_docx_text(rendered_samples):
    assert_golden(f"{KIND}.{GOLDEN_SAMPLE}", rendered_samples[GOLDEN_SAMPLE][2])


def test_templates_use_only_what_the_context_provides(rendered_samples):
    from docxtpl import DocxTemplate

    from cin_docs import resources
    from cin_docs.render.jinja import docx_jinja_environment, html_environment

    template = DocxTemplate(resources.docx_templates_dir() / f"{KIND}.docx")
    undeclared = template.get_undeclared_template_variables(docx_jinja_environment())
    env = html_environment()
    for name in (f"{KIND}.html", "base.html"):
        source = env.loader.get_source(env, name)[0]
        undeclared |= jinja2.meta.find_undeclared_variables(env.parse(source))
    for _, output, _, _, _ in rendered_samples.values():
        assert undeclared <= set(output.context)


# ---- the SMART check before rendering ---------------------------------------------------------------------------


def test_errors_stop_the_plan_and_name_the_override(tmp_path):
    case = api.load(write_case(tmp_path, small_case(actions=UNSMART_ACTIONS)), {"closures": []})
    with pytest.raises(RenderError) as raised:
        api.build(case, KIND, Options(as_of=AS_OF))
    message = raised.value.message
    assert message.startswith("The Child in Need plan was not produced: the SMART check found 1 error and 3 warnings:")
    assert re.search(r"  - plan\.actions\[0\]\.due \(action A1, line \d+\): The due date is 'ongoing'", message)
    assert "plan.actions[1]" not in message  # warnings are not reasons to stop
    assert "--allow-unsmart" in message and "cin-docs check" in message


def test_allow_unsmart_produces_the_plan_and_lists_the_problems(unsmart):
    built, docx_t, pdf_t = unsmart
    assert built.warnings[0].startswith("The plan was produced with 1 SMART check error because of --allow-unsmart")
    assert any(w.startswith("SMART check error: plan.actions[0].due (action A1, line ") for w in built.warnings)
    assert any(w.startswith("SMART check warning: plan.actions[1].owner (action A2, line ") for w in built.warnings)
    needles = [
        "This plan was produced although the SMART check found errors.",
        "1 error and 3 warnings.",
        "Error Action A1: due date",
        "Warning Action A1: wording",
        "Warning Action A2: person responsible",
        "Warning Action A2: measure",
        "ongoing (no date set)",
        "Friday 4 December 2026",
        HOSTILE,
    ]
    assert contains_all(docx_t, needles) == []
    assert contains_all(pdf_t, needles) == []


def test_missing_sections_read_the_same_in_both_formats(unsmart):
    _, docx_t, pdf_t = unsmart
    needles = [
        "Legal basis: not recorded.",
        "Why Robin is in need not recorded",
        "No developmental needs recorded.",
        "Other risks not recorded",
        "What the family expect from the plan not recorded",
        "No roles recorded.",
        "Resources needed not recorded",
        "Funding panel No request to the authority's resource (funding) panel recorded.",
        "Signed off by Not yet signed off by the line or team manager.",
        "Date not recorded",
        "Robin (depending on age and understanding)",
    ]
    assert contains_all(docx_t, needles) == []
    assert contains_all(pdf_t, needles) == []


def test_warnings_alone_do_not_stop_the_plan(tmp_path):
    case = api.load(write_case(tmp_path, small_case(contingency=None)), {"closures": []})
    built = api.build(case, KIND, Options(as_of=AS_OF))
    (warning,) = built.warnings
    assert re.fullmatch(
        r"SMART check warning: plan\.contingency \(line \d+\): The plan has no contingency plan: say "
        r"what will happen if circumstances change significantly, progress stalls or a resource is "
        r"not available\.",
        warning,
    ), warning
    smart_ctx = built.outputs[0].context["smart"]
    assert (smart_ctx["summary"], smart_ctx["findings"][0]["where"]) == ("1 warning.", "Contingency plan")


def test_render_plan_cli_refuses_then_allows(tmp_path):
    path = write_case(tmp_path, small_case(actions=UNSMART_ACTIONS))
    out = tmp_path / "out"
    args = ["render", "plan", str(path), "--as-of", "2026-11-23", "--format", "docx", "-o", str(out)]
    refused = CliRunner().invoke(cli, args)
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: The Child in Need plan was not produced")
    assert not out.exists()
    allowed = CliRunner().invoke(cli, args + ["--allow-unsmart"])
    assert allowed.exit_code == 0, allowed.output
    assert "Warning: The plan was produced with 1 SMART check error" in allowed.output
    assert (out / "TEST-PLAN-1_plan.docx").is_file()


def test_a_case_without_a_plan_names_what_is_missing(tmp_path):
    data = small_case()
    del data["plan"]
    case = api.load(write_case(tmp_path, data), {"closures": []})
    with pytest.raises(RenderError, match="has no plan"):
        api.build(case, KIND, Options(as_of=AS_OF))


# ---- context details -----------------------------------------------------------------------------------------------


def test_distribution_defaults_and_the_childrens_guardian(tmp_path):
    case = api.load(write_case(tmp_path, small_case(care_proceedings=True)), {"closures": []})
    plan = api.build(case, KIND, Options(as_of=AS_OF)).outputs[0].context["plan"]
    assert plan["distribution"] == [
        "Jo Example (Mother)",
        "Robin (depending on age and understanding)",
        "Kim Shaw, Class teacher, Elm Primary",
        "The Children's Guardian (care proceedings)",
    ]
    case = api.load(
        write_case(tmp_path, small_case(care_proceedings=True, distribution=["Jo", "Children's Guardian, Cafcass"])),
        {"closures": []},
    )
    plan = api.build(case, KIND, Options(as_of=AS_OF)).outputs[0].context["plan"]
    assert plan["distribution"] == ["Jo", "Children's Guardian, Cafcass"]


def test_legal_basis_in_words_and_owner_agency_from_the_case_file(tmp_path):
    case = api.load(write_case(tmp_path, small_case()), {"closures": []})
    plan = api.build(case, KIND, Options(as_of=AS_OF)).outputs[0].context["plan"]
    assert plan["legal_basis"] == {
        "code": "s17(10)(b)",
        "law": "Section 17(10)(b) of the Children Act 1989",
        "words": "Robin's health or development is likely to be significantly impaired, or further impaired, "
        "without the provision of services by the local authority.",
    }
    assert plan["actions"][0]["agency"] == "Elm Primary"  # not in the action: the professional's agency


def test_another_authoritys_profile_gets_general_child_protection_wording(tmp_path):
    (tmp_path / "shire.yaml").write_text(
        yaml.safe_dump(
            {"extends": "hillingdon", "name": "shire", "label": "Shire", "authority": {"name": "Shire Council"}}
        ),
        encoding="utf-8",
    )
    data = small_case()
    data["policy"] = "shire.yaml"
    case = api.load(write_case(tmp_path, data), {"closures": []})
    ctx = api.build(case, KIND, Options(as_of=AS_OF)).outputs[0].context
    assert ctx["child_protection"] == {
        "procedures": "local safeguarding children partnership's child protection procedures",
        "named": False,
    }
    assert ctx["funding_panel_name"] == "the authority's resource (funding) panel"
