"""Plan elements for therapy, mental health, holistic options, groups, family and aftercare."""

from __future__ import annotations

from mooring.rules.evidence import cite
from mooring.rules.planning.elements import element
from mooring.rules.planning.model import PlanElement, PlanSection, Priority
from mooring.rules.planning.preset import PlanPreset
from mooring.rules.planning.profile import (
    AnxietyBand,
    DepressionBand,
    FamilySupport,
    PatientProfile,
)

_T, _MH, _H = PlanSection.THERAPY, PlanSection.MENTAL_HEALTH, PlanSection.HOLISTIC
_G, _F, _A = PlanSection.SUPPORT_GROUPS, PlanSection.FAMILY, PlanSection.KEY_WORKER_AFTERCARE
_R = PlanSection.RELAPSE_PREVENTION


def co_occurring(profile: PatientProfile, preset: PlanPreset) -> bool:
    """Depression or anxiety at or above the preset band, or a positive PHQ-9 item 9."""
    depression = tuple(DepressionBand).index(profile.depression) >= tuple(DepressionBand).index(
        preset.depression_needs_care_from
    )
    anxiety = tuple(AnxietyBand).index(profile.anxiety) >= tuple(AnxietyBand).index(
        preset.anxiety_needs_care_from
    )
    return depression or anxiety or profile.phq9_item9_positive


def therapy(profile: PatientProfile, preset: PlanPreset) -> tuple[PlanElement, ...]:
    low, high = preset.therapy_months
    items = [
        element(
            "therapy.cbt",
            _T,
            "Cognitive behavioural therapy",
            "Learn to spot triggers and unhelpful thinking and practise new ways to cope.",
            cite("SEED-000", "SEED-001", "SEED-003", "SEED-004"),
        ),
        element(
            "therapy.contingency_management",
            _T,
            "Contingency management",
            "Small, practical rewards for meeting treatment goals, such as negative tests "
            "or attending sessions.",
            cite("SEED-000", "SEED-001", "SEED-003", "SEED-004"),
        ),
        element(
            "therapy.motivational_interviewing",
            _T,
            "Motivational interviewing",
            "Conversations that help the person find their own reasons and confidence for change.",
            cite("SEED-004"),
        ),
        element(
            "therapy.group",
            _T,
            "Group therapy",
            "Sessions with peers who share similar experiences, to reduce isolation.",
            cite("SEED-002", "SEED-003"),
        ),
    ]
    if profile.family_support is not FamilySupport.NONE:
        items.append(
            element(
                "therapy.family",
                _T,
                "Family therapy",
                "If the person wishes: sessions with family or close friends to "
                "improve communication and rebuild trust.",
                cite("SEED-003", "SEED-004"),
            )
        )
    if co_occurring(profile, preset):
        items.append(
            element(
                "therapy.dbt",
                _T,
                "Dialectical behaviour therapy",
                "Skills for regulating emotions, tolerating distress and relationships.",
                cite("SEED-003"),
            )
        )
    items.append(
        element(
            "therapy.duration",
            _T,
            f"Therapy for {low} to {high} months",
            f"Plan therapy over {low} to {high} months, reviewed along the way. "
            "Counselling follows the person's needs and goals; medication does "
            "not depend on accepting it.",
            preset.evidence["therapy_duration"] + cite("S-SAMHSA-PATIENTS-2024"),
        )
    )
    return tuple(items)


def mental_health(profile: PatientProfile, preset: PlanPreset) -> tuple[PlanElement, ...]:
    evidence = preset.evidence["co_occurring"]
    if co_occurring(profile, preset):
        return (
            element(
                "mental_health.integrated",
                _MH,
                "Integrated mental health care",
                f"Depression ({profile.depression.value.replace('_', ' ')}) and anxiety "
                f"({profile.anxiety.value.replace('_', ' ')}) screening results call "
                "for treating mental health alongside opioid use disorder, at the same "
                "time and by a coordinated team.",
                evidence,
                Priority.HIGH,
            ),
        )
    if DepressionBand.MINIMAL is profile.depression and AnxietyBand.MINIMAL is profile.anxiety:
        return ()
    return (
        element(
            "mental_health.rescreen",
            _MH,
            "Repeat mental health screening",
            "Mild symptoms on screening: repeat the PHQ-9 and GAD-7 during treatment.",
            evidence,
        ),
    )


_HOLISTIC = (
    (
        "mindfulness",
        "Mindfulness",
        "Present-moment awareness to manage cravings and stress.",
        ("SEED-001", "SEED-003", "SEED-004"),
    ),
    ("meditation", "Meditation", "Regular practice that builds self-awareness.", ("SEED-003",)),
    (
        "nutrition",
        "Nutritional counselling",
        "Advice on eating well to support recovery.",
        ("SEED-001", "SEED-003"),
    ),
    ("acupuncture", "Acupuncture", "May be explored as an alternative therapy.", ("SEED-003",)),
    (
        "exercise",
        "Physical activity",
        "Regular exercise as part of a stable routine.",
        ("SEED-004",),
    ),
    ("journalling", "Journalling", "Writing to help with emotions and goals.", ("SEED-004",)),
)


def holistic() -> tuple[PlanElement, ...]:
    return tuple(
        element(
            f"holistic.{code}",
            _H,
            title,
            f"{detail} Offered alongside medication and therapy, not instead of them.",
            cite(*ids),
        )
        for code, title, detail, ids in _HOLISTIC
    )


def support_groups() -> tuple[PlanElement, ...]:
    return (
        element(
            "support_groups.narcotics_anonymous",
            _G,
            "Narcotics Anonymous",
            "Peer meetings to share experience and keep motivation.",
            cite("SEED-001", "SEED-002", "SEED-004"),
        ),
        element(
            "support_groups.smart_recovery",
            _G,
            "SMART Recovery",
            "Peer-led groups built on self-management skills.",
            cite("SEED-001", "SEED-004"),
        ),
        element(
            "support_groups.family_groups",
            _G,
            "Groups for family and friends",
            "Support groups that help loved ones understand opioid use disorder and how to help.",
            cite("SEED-000", "SEED-001"),
        ),
    )


_FAMILY = {
    FamilySupport.SUPPORTIVE: (
        "family.involve",
        "Involve family",
        "Involve family in the plan as the person wishes; their support helps motivation.",
    ),
    FamilySupport.STRAINED: (
        "family.rebuild",
        "Rebuild family relationships",
        "Family therapy to set boundaries, improve communication and rebuild trust.",
    ),
    FamilySupport.NONE: (
        "family.support_network",
        "Build a support network",
        "Without family support, build a network through peer groups and the key worker.",
    ),
    FamilySupport.NOT_ASSESSED: (
        "family.ask",
        "Ask about family and friends",
        "Ask who the person wants involved in their recovery.",
    ),
}


def family(profile: PatientProfile) -> tuple[PlanElement, ...]:
    code, title, detail = _FAMILY[profile.family_support]
    return (element(code, _F, title, detail, cite("SEED-000", "SEED-003", "SEED-004")),)


def aftercare(preset: PlanPreset) -> tuple[PlanElement, ...]:
    months = preset.aftercare_min_months
    return (
        element(
            "key_worker",
            _A,
            "Key worker",
            "A named key worker in regular contact, following progress and helping with "
            "practical needs such as housing, education and work.",
            cite("SEED-001"),
        ),
        element(
            "aftercare",
            _A,
            f"Aftercare for at least {months} months",
            f"Stay connected to support services for at least {months} months: follow-up "
            "counselling, group sessions and case management.",
            preset.evidence["aftercare"],
        ),
    )


_RELAPSE_PREVENTION = (
    (
        "triggers",
        "Triggers",
        "People, places, feelings and situations linked to use.",
        ("SEED-000", "SEED-001", "SEED-003", "SEED-004"),
    ),
    (
        "coping_strategies",
        "Coping strategies",
        "What to do instead when cravings or stress come.",
        ("SEED-000", "SEED-001", "SEED-004"),
    ),
    (
        "lifestyle",
        "Lifestyle",
        "A stable routine, activity and realistic goals.",
        ("SEED-000", "SEED-004"),
    ),
    (
        "support_network",
        "Support network",
        "Who to call and where to go for support.",
        ("SEED-000", "SEED-003"),
    ),
    (
        "warning_signs",
        "Warning signs",
        "Early changes in thinking or behaviour that can come before a return to use.",
        ("SEED-000", "SEED-004"),
    ),
    (
        "crisis_contacts",
        "Crisis contacts",
        "Numbers for the clinic, the key worker and a helpline, and where the naloxone is.",
        ("SEED-001", "SEED-002"),
    ),
)


def relapse_prevention() -> tuple[PlanElement, ...]:
    return tuple(
        element(
            f"relapse_prevention.{code}",
            _R,
            f"Relapse-prevention plan: {title.lower()}",
            detail,
            cite(*ids),
        )
        for code, title, detail, ids in _RELAPSE_PREVENTION
    )
