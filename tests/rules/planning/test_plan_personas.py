"""The personalised plan for named personas (these cases are also the worked examples)."""

from __future__ import annotations

import pytest

from mooring.rules.common import InvalidInputError, Severity, UnknownProfileError
from mooring.rules.placement import WithdrawalSetting
from mooring.rules.planning import (
    DepressionBand,
    Medication,
    PlanSection,
    Priority,
    build_plan,
)

from .personas import (
    ADOLESCENT_AT_RISK,
    NO_DAILY_VISITS_BUP_SUCCESS,
    OLDER_ABSTINENCE_GOAL,
    PREGNANT_INJECTING,
    QTC_AND_LIVER,
    profile,
)

M = Medication

PERSONAS = [
    pytest.param(
        PREGNANT_INJECTING,
        [
            M.METHADONE,
            M.BUPRENORPHINE_SUBLINGUAL,
            M.BUPRENORPHINE_NALOXONE,
            M.BUPRENORPHINE_EXTENDED_RELEASE,
            M.NALTREXONE_EXTENDED_RELEASE,
        ],
        {
            "plan.pregnancy.obstetric_co_management",
            "plan.pregnancy.prenatal_care",
            "plan.pregnancy.neonatal_withdrawal",
            "plan.withdrawal.supervised",
            "plan.withdrawal.pregnancy",
            "plan.screening.safer_injecting",
            "plan.practical.housing",
            "plan.family.rebuild",
            "plan.therapy.family",
            "plan.setting.assess",
        },
        {"plan.safety.urgent_assessment", "plan.population.older_adult", "plan.therapy.dbt"},
        WithdrawalSetting.AMBULATORY,
        id="pregnant 24-year-old injecting heroin",
    ),
    pytest.param(
        QTC_AND_LIVER,
        [
            M.BUPRENORPHINE_NALOXONE,
            M.BUPRENORPHINE_SUBLINGUAL,
            M.BUPRENORPHINE_EXTENDED_RELEASE,
            M.NALTREXONE_EXTENDED_RELEASE,
            M.METHADONE,
        ],
        {"plan.practical.work_schedule", "plan.family.involve", "plan.screening.hiv_hcv"},
        {
            "plan.population.older_adult",
            "plan.screening.safer_injecting",
            "plan.withdrawal.supervised",
        },
        None,
        id="58-year-old with QTc 510 and liver disease",
    ),
    pytest.param(
        NO_DAILY_VISITS_BUP_SUCCESS,
        [
            M.BUPRENORPHINE_NALOXONE,
            M.BUPRENORPHINE_EXTENDED_RELEASE,
            M.BUPRENORPHINE_SUBLINGUAL,
            M.NALTREXONE_EXTENDED_RELEASE,
            M.METHADONE,
        ],
        {"plan.family.ask", "plan.practical.work_schedule"},
        {"plan.pregnancy.prenatal_care"},
        None,
        id="no daily visits, buprenorphine worked before",
    ),
    pytest.param(
        ADOLESCENT_AT_RISK,
        [
            M.METHADONE,
            M.BUPRENORPHINE_NALOXONE,
            M.BUPRENORPHINE_SUBLINGUAL,
            M.BUPRENORPHINE_EXTENDED_RELEASE,
            M.NALTREXONE_EXTENDED_RELEASE,
        ],
        {
            "plan.safety.urgent_assessment",
            "plan.population.adolescent",
            "plan.therapy.dbt",
            "plan.mental_health.integrated",
            "plan.practical.work_education",
        },
        {"plan.population.older_adult"},
        None,
        id="16-year-old with PHQ-9 item 9 positive",
    ),
    pytest.param(
        OLDER_ABSTINENCE_GOAL,
        [
            M.NALTREXONE_EXTENDED_RELEASE,
            M.BUPRENORPHINE_NALOXONE,
            M.BUPRENORPHINE_SUBLINGUAL,
            M.BUPRENORPHINE_EXTENDED_RELEASE,
            M.METHADONE,
        ],
        {
            "plan.population.older_adult",
            "plan.practical.legal",
            "plan.practical.housing",
            "plan.family.support_network",
            "plan.setting",
            "plan.withdrawal.supervised",
        },
        {"plan.therapy.family", "plan.mental_health.integrated", "plan.mental_health.rescreen"},
        WithdrawalSetting.INPATIENT,
        id="70-year-old with an abstinence goal",
    ),
]


@pytest.mark.parametrize(("person", "order", "present", "absent", "withdrawal"), PERSONAS)
def test_persona_plan(person, order, present, absent, withdrawal):
    plan = build_plan(person)
    assert [o.medication for o in plan.medication_options] == order
    assert [o.rank for o in plan.medication_options] == [1, 2, 3, 4, 5]
    codes = set(plan.codes())
    assert present <= codes
    assert not absent & codes
    assert plan.withdrawal_care is withdrawal
    assert plan.preset == "MOORING-SEEDS-2026"
    assert "plan.naloxone" in codes
    assert "plan.decision_support" in codes


def _option(plan, medication):
    return next(o for o in plan.medication_options if o.medication is medication)


def _codes(findings):
    return {f.code for f in findings}


def test_pregnancy_lists_naltrexone_after_agonists_with_a_caution():
    plan = build_plan(PREGNANT_INJECTING)
    naltrexone = _option(plan, M.NALTREXONE_EXTENDED_RELEASE)
    assert "medication.pregnancy.naltrexone" in _codes(naltrexone.cautions)
    assert "medication.naltrexone.not_yet" in _codes(naltrexone.cautions)
    combination = _option(plan, M.BUPRENORPHINE_NALOXONE)
    assert "medication.pregnancy.combination" in _codes(combination.reasons)
    assert not combination.contraindicated


def test_qtc_above_500_is_a_strong_caution_for_methadone_and_liver_disease_for_naltrexone():
    plan = build_plan(QTC_AND_LIVER)
    methadone = _option(plan, M.METHADONE)
    (qtc,) = [f for f in methadone.cautions if f.code.startswith("medication.qtc")]
    assert qtc.code == "medication.qtc.strong_caution"
    assert "QTc 510 ms is above 500 ms" in qtc.message
    assert "S-KRANTZ-2009" in qtc.evidence
    assert methadone.score == 10
    naltrexone = _option(plan, M.NALTREXONE_EXTENDED_RELEASE)
    assert {"medication.liver.caution", "medication.naltrexone.not_yet"} <= _codes(
        naltrexone.cautions
    )
    assert naltrexone.score == 15


@pytest.mark.parametrize(
    ("qtc", "code", "score"),
    [
        (None, "medication.qtc.no_ecg", 50),
        (450, None, 50),
        (451, "medication.qtc.caution", 35),
        (500, "medication.qtc.caution", 35),
        (501, "medication.qtc.strong_caution", 10),
    ],
)
def test_qtc_thresholds(qtc, code, score):
    methadone = _option(build_plan(profile(qtc_ms=qtc)), M.METHADONE)
    found = {
        f.code
        for f in (*methadone.reasons, *methadone.cautions)
        if f.code.startswith("medication.qtc")
    }
    assert found == ({code} if code else set())
    assert methadone.score == score


def test_no_daily_visits_and_earlier_success_favour_buprenorphine():
    plan = build_plan(NO_DAILY_VISITS_BUP_SUCCESS)
    top = plan.medication_options[0]
    assert top.score == 80
    assert {"medication.preference.fewer_visits", "medication.history.worked"} <= _codes(
        top.reasons
    )
    methadone = _option(plan, M.METHADONE)
    assert "medication.preference.daily_visits" in _codes(methadone.cautions)
    sublingual = _option(plan, M.BUPRENORPHINE_SUBLINGUAL)
    related = next(f for f in sublingual.reasons if f.code == "medication.history.worked")
    assert related.message.startswith("A related buprenorphine product")


@pytest.mark.parametrize(
    ("outcome", "same", "related", "severity"),
    [
        ("worked", 70, 60, Severity.INFO),
        ("partly_worked", 55, 50, Severity.INFO),
        ("did_not_work", 30, 40, Severity.INFO),
        ("side_effects", 35, 45, Severity.CAUTION),
    ],
)
def test_earlier_outcomes_move_the_rank(outcome, same, related, severity):
    from mooring.rules.planning import MedicationTrial, TrialOutcome

    trial = MedicationTrial(M.BUPRENORPHINE_SUBLINGUAL, TrialOutcome(outcome))
    plan = build_plan(profile(medication_history=(trial,)))
    assert _option(plan, M.BUPRENORPHINE_SUBLINGUAL).score == same
    assert _option(plan, M.BUPRENORPHINE_NALOXONE).score == related
    assert _option(plan, M.METHADONE).score == 50  # other families are not affected
    lines = [
        *_option(plan, M.BUPRENORPHINE_SUBLINGUAL).reasons,
        *_option(plan, M.BUPRENORPHINE_SUBLINGUAL).cautions,
    ]
    assert [f.severity for f in lines if f.code.startswith("medication.history")] == [severity]


def test_failure_of_a_medication_lowers_its_rank_with_a_reason():
    from mooring.rules.planning import MedicationTrial, TrialOutcome

    trial = MedicationTrial(M.METHADONE, TrialOutcome.DID_NOT_WORK)
    plan = build_plan(profile(medication_history=(trial,)))
    methadone = _option(plan, M.METHADONE)
    assert methadone.rank > 1
    assert any("did not help" in f.message for f in methadone.reasons)


def test_abstinence_goal_ranks_naltrexone_first_once_opioid_free():
    plan = build_plan(OLDER_ABSTINENCE_GOAL)
    naltrexone = plan.medication_options[0]
    assert naltrexone.medication is M.NALTREXONE_EXTENDED_RELEASE
    assert {"medication.preference.antagonist", "medication.naltrexone.opioid_free"} <= _codes(
        naltrexone.reasons
    )
    assert "medication.naltrexone.overdose_risk" in _codes(naltrexone.cautions)
    assert "medication.preference.no_agonist" in _codes(
        _option(plan, M.BUPRENORPHINE_NALOXONE).cautions
    )


def test_acute_liver_failure_rules_out_naltrexone_even_with_an_abstinence_goal():
    from mooring.rules.planning import LiverDisease

    plan = build_plan(
        profile(
            prefers_no_agonist=True,
            opioid_free_days=30,
            liver_disease=LiverDisease.ACUTE_HEPATITIS_OR_FAILURE,
        )
    )
    last = plan.medication_options[-1]
    assert last.medication is M.NALTREXONE_EXTENDED_RELEASE
    assert last.contraindicated
    assert any(f.severity is Severity.REFUSAL for f in last.cautions)


def test_adolescent_methadone_needs_consent():
    methadone = _option(build_plan(ADOLESCENT_AT_RISK), M.METHADONE)
    assert "medication.adolescent.consent" in _codes(methadone.cautions)


def test_urgent_safety_comes_first():
    plan = build_plan(ADOLESCENT_AT_RISK)
    first = plan.elements[0]
    assert first.code == "plan.safety.urgent_assessment"
    assert first.priority is Priority.URGENT
    assert plan.element("plan.no_such_thing") is None


def test_mild_symptoms_ask_for_rescreening():
    plan = build_plan(profile(depression=DepressionBand.MILD))
    assert "plan.mental_health.rescreen" in plan.codes()
    assert "plan.therapy.dbt" not in plan.codes()


def test_relapse_prevention_has_its_six_sections_in_order():
    sections = [
        e.code.rsplit(".", 1)[1]
        for e in build_plan(profile()).section(PlanSection.RELAPSE_PREVENTION)
    ]
    assert sections == [
        "triggers",
        "coping_strategies",
        "lifestyle",
        "support_network",
        "warning_signs",
        "crisis_contacts",
    ]


def test_aftercare_and_therapy_durations_come_from_the_preset():
    plan = build_plan(profile())
    assert plan.element("plan.aftercare").title == "Aftercare for at least 6 months"
    assert plan.element("plan.therapy.duration").title == "Therapy for 3 to 6 months"


def test_holistic_options_and_groups():
    codes = set(build_plan(profile()).codes())
    for name in (
        "mindfulness",
        "meditation",
        "nutrition",
        "acupuncture",
        "exercise",
        "journalling",
    ):
        assert f"plan.holistic.{name}" in codes
    for name in ("narcotics_anonymous", "smart_recovery", "family_groups"):
        assert f"plan.support_groups.{name}" in codes
    assert "plan.key_worker" in codes


def test_withdrawal_care_follows_the_band_when_placement_is_silent():
    from mooring.rules.planning import WithdrawalBand

    severe = build_plan(profile(withdrawal=WithdrawalBand.SEVERE))
    assert severe.withdrawal_care is WithdrawalSetting.INPATIENT
    text = severe.element("plan.withdrawal.supervised").detail
    assert "medically supervised inpatient" in text
    assert "unsafe" in text


def test_bad_input():
    with pytest.raises(InvalidInputError, match="profile"):
        build_plan({"age": 30})  # type: ignore[arg-type]
    with pytest.raises(UnknownProfileError):
        build_plan(profile(), "NOT-A-PRESET")
