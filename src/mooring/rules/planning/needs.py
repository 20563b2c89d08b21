"""Plan elements for safety, overdose prevention, withdrawal care, setting, the person's
stage of life and circumstances, and health screening."""

from __future__ import annotations

from mooring.rules.evidence import cite
from mooring.rules.placement import WithdrawalSetting
from mooring.rules.planning.elements import element, label
from mooring.rules.planning.model import PlanElement, PlanSection, Priority
from mooring.rules.planning.preset import PlanPreset
from mooring.rules.planning.profile import Housing, PatientProfile, WithdrawalBand

_S = PlanSection


def safety(profile: PatientProfile) -> tuple[PlanElement, ...]:
    if not profile.phq9_item9_positive:
        return ()
    return (
        element(
            "safety.urgent_assessment",
            _S.SAFETY,
            "Urgent safety assessment today",
            "PHQ-9 item 9 is positive (thoughts of being better off dead or of self-harm): "
            "assess suicide risk today, before the rest of the plan, whatever the total "
            "score.",
            cite("S-CALCIPEDIA-PHQ9", "S-EMENTAL-PHQ9"),
            Priority.URGENT,
        ),
    )


def decision_support() -> PlanElement:
    return element(
        "decision_support",
        _S.DECISION_SUPPORT,
        "The clinician decides",
        "This plan is decision support. The clinician and the person choose the "
        "treatment together, in shared decision-making.",
        cite("SEED-000", "SEED-003", "S-SAMHSA-PATIENTS-2024"),
    )


def naloxone() -> PlanElement:
    return element(
        "naloxone",
        _S.OVERDOSE_PREVENTION,
        "Naloxone for the person and household",
        "Offer naloxone to the person and to the people they live with, show how to "
        "use it, and offer it again at each medication start or renewal.",
        cite("S-CDC-REC8-FHIR", "S-DAILYMED-BRIXADI", "S-PRESCRIBERPOINT-VIVITROL", "SEED-002"),
        Priority.HIGH,
    )


def medication_summary() -> PlanElement:
    return element(
        "medication.discuss_options",
        _S.MEDICATION,
        "Medication options",
        "Discuss the ranked medication options, their reasons and cautions; "
        "medication works best combined with therapy and support.",
        cite("SEED-000", "SEED-001", "SEED-004"),
        Priority.HIGH,
    )


def withdrawal_setting(profile: PatientProfile, preset: PlanPreset) -> WithdrawalSetting | None:
    """Supervised withdrawal care when withdrawal is present or placement asked for it."""
    if profile.withdrawal_setting is not None:
        return profile.withdrawal_setting
    if profile.withdrawal is WithdrawalBand.NONE:
        return None
    if profile.withdrawal in preset.inpatient_withdrawal_bands:
        return WithdrawalSetting.INPATIENT
    return WithdrawalSetting.AMBULATORY


def withdrawal_care(
    profile: PatientProfile, preset: PlanPreset, setting: WithdrawalSetting | None
) -> tuple[PlanElement, ...]:
    if setting is None:
        return ()
    items = [
        element(
            "withdrawal.supervised",
            _S.WITHDRAWAL_CARE,
            "Medically supervised withdrawal care",
            f"Withdrawal care in a {label(setting.value)} setting, with medication for the "
            "symptoms. Withdrawal at home without medical supervision is unsafe and is not "
            "part of this plan.",
            preset.evidence["withdrawal"],
            Priority.HIGH,
        )
    ]
    if profile.pregnant:
        items.append(
            element(
                "withdrawal.pregnancy",
                _S.WITHDRAWAL_CARE,
                "Agonist treatment before withdrawal in pregnancy",
                "In pregnancy, starting methadone or buprenorphine is preferred to "
                "withdrawal alone; plan any withdrawal care with the obstetric team.",
                preset.evidence["pregnancy"],
                Priority.HIGH,
            )
        )
    return tuple(items)


def setting(profile: PatientProfile) -> PlanElement:
    evidence = cite("SEED-001", "SEED-004")
    if profile.setting is None:
        return element(
            "setting.assess",
            _S.SETTING,
            "Assess the setting",
            "Complete the setting assessment to find the least intensive setting that is safe.",
            evidence,
        )
    return element(
        "setting",
        _S.SETTING,
        f"Setting: {label(profile.setting.value)}",
        "Review the setting as needs change.",
        evidence,
    )


def population(profile: PatientProfile, preset: PlanPreset) -> tuple[PlanElement, ...]:
    items = [
        element(
            "population.gender_responsive",
            _S.POPULATION,
            "Gender-responsive care",
            "Ask about gender-specific needs and preferences, for example groups for women "
            "or LGBTQ+-affirming services.",
            cite("SEED-000"),
        ),
    ]
    if profile.pregnant:
        items.extend(_pregnancy(preset))
    if profile.age < preset.adolescent_below_age:
        items.append(
            element(
                "population.adolescent",
                _S.POPULATION,
                "Care suited to a young person",
                "Services suited to the young person's stage of development, with "
                "family involvement; a treatment programme needs a parent's or "
                "guardian's consent unless state law allows the young person to "
                "consent. Earlier failed attempts are no longer required.",
                preset.evidence["adolescent"],
                Priority.HIGH,
            )
        )
    if profile.age >= preset.older_adult_from_age:
        items.append(
            element(
                "population.older_adult",
                _S.POPULATION,
                "Care suited to an older adult",
                "Services suited to later life; review other medicines and health "
                "conditions with the prescriber.",
                preset.evidence["older_adult"],
            )
        )
    return tuple(items)


def _pregnancy(preset: PlanPreset) -> tuple[PlanElement, ...]:
    return (
        element(
            "pregnancy.obstetric_co_management",
            _S.POPULATION,
            "Obstetric co-management",
            "Addiction medicine and obstetric providers follow the pregnancy together.",
            cite("SEED-001", "S-ASAM-ACOG711", "S-ACOG711-SAFELINK"),
            Priority.HIGH,
        ),
        element(
            "pregnancy.prenatal_care",
            _S.POPULATION,
            "Prenatal care",
            "Regular prenatal visits, nutritional support and mental health services.",
            cite("SEED-001", "S-ASAM-ACOG711"),
            Priority.HIGH,
        ),
        element(
            "pregnancy.neonatal_withdrawal",
            _S.POPULATION,
            "Plan for neonatal withdrawal",
            "Plan with the paediatric team to watch the newborn for neonatal opioid "
            "withdrawal; methadone and buprenorphine can cause it, and treatment still "
            "gives better outcomes than continued heroin use.",
            cite("SEED-001", "S-ASAM-ACOG711", "S-PILLSYNC-METHADOSE"),
            Priority.HIGH,
        ),
    )


def practical(profile: PatientProfile) -> tuple[PlanElement, ...]:
    evidence = cite("SEED-001")
    items = []
    if profile.housing is not Housing.STABLE:
        items.append(
            element(
                "practical.housing",
                _S.PRACTICAL_SUPPORT,
                "Help with housing",
                f"Housing is {profile.housing.value}: the key worker helps find stable housing.",
                evidence,
                Priority.HIGH,
            )
        )
    if profile.employed:
        items.append(
            element(
                "practical.work_schedule",
                _S.PRACTICAL_SUPPORT,
                "Fit treatment around work",
                "Schedule sessions and doses so the person can keep working.",
                evidence,
            )
        )
    else:
        items.append(
            element(
                "practical.work_education",
                _S.PRACTICAL_SUPPORT,
                "Help with work or education",
                "The key worker helps with education, training or finding work.",
                evidence,
            )
        )
    if profile.legal_issues:
        items.append(
            element(
                "practical.legal",
                _S.PRACTICAL_SUPPORT,
                "Legal support",
                "Connect the person with legal advice and coordinate with any "
                "court or probation requirements.",
                cite("SEED-000"),
            )
        )
    return tuple(items)


def screening(profile: PatientProfile) -> tuple[PlanElement, ...]:
    evidence = cite("SEED-000", "SEED-003")
    if not profile.injects:
        return (
            element(
                "screening.hiv_hcv",
                _S.HEALTH_SCREENING,
                "HIV and hepatitis C testing",
                "Offer HIV and hepatitis C testing.",
                evidence,
            ),
        )
    return (
        element(
            "screening.hiv_hcv",
            _S.HEALTH_SCREENING,
            "HIV and hepatitis C testing",
            "The person injects: offer HIV and hepatitis C testing as a priority; "
            "injecting raises the risk of both.",
            evidence,
            Priority.HIGH,
        ),
        element(
            "screening.safer_injecting",
            _S.HEALTH_SCREENING,
            "Safer injecting supplies",
            "Offer sterile injecting equipment and connect the person with harm-reduction "
            "services.",
            cite("SEED-003"),
            Priority.HIGH,
        ),
    )
