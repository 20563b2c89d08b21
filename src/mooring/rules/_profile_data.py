"""The numbers behind each built-in protocol profile, with their sources.

Kept apart from :mod:`mooring.rules.profiles` so the registry code stays short. Every value
is a :func:`cited` setting; ``unverified=True`` marks what the reference grades [U].
"""

from __future__ import annotations

from dataclasses import replace

from mooring.rules.profile_settings import (
    BuprenorphineSettings,
    ClonidineSettings,
    EcgPolicy,
    LofexidineSettings,
    MethadoneSettings,
    MissedDoseSettings,
    NaltrexoneSettings,
    QtcSettings,
    TakeHomeCriterion,
    TakeHomeSchedule,
    TakeHomeTier,
    cited,
    mg,
)

C = TakeHomeCriterion

# --- methadone first day and titration -----------------------------------------------------

METHADONE_2001 = MethadoneSettings(
    first_dose_max_mg=cited(mg("30"), "S-CMS-METHADONE-2024", "S-NIDA-INTL-METH"),
    first_day_max_mg=cited(mg("40"), "S-CMS-METHADONE-2024", "S-NIDA-INTL-METH"),
    # Titration is clinical guidance, not regulation; the same in every built-in profile.
    max_increase_step_mg=cited(mg("10"), "S-NIDA-INTL-METH", "S-AU-METH"),
    # TIP 63 "about 5 mg every 3-5 days" is recalled, not seen: the 3 is [U].
    min_days_between_increases=cited(3, "S-TIP63-DOCSLIB", unverified=True),
    early_weekly_increase_cap_mg=cited(mg("30"), "S-NIDA-INTL-METH"),
    early_period_days=cited(14, "S-NIDA-INTL-METH"),
    usual_maintenance_mg=cited((mg("80"), mg("120")), "S-DROR-METH-LABEL"),
)

METHADONE_LABEL = replace(
    METHADONE_2001,
    first_dose_max_mg=cited(mg("30"), "S-DROR-METH-LABEL"),
    first_day_max_mg=cited(mg("40"), "S-DROR-METH-LABEL"),
)

# The 2024 rule replaced the 30 + 10 scheme; the exact figure was not seen (reference [U]).
METHADONE_2024 = replace(
    METHADONE_2001,
    first_dose_max_mg=cited(
        mg("50"), "S-CMS-FINALRULE-BLOG", "S-STAT-2023", "S-RECOVERED-2024", unverified=True
    ),
    first_day_max_mg=cited(
        mg("50"), "S-CMS-FINALRULE-BLOG", "S-STAT-2023", "S-RECOVERED-2024", unverified=True
    ),
)

QTC_UNIVERSAL = QtcSettings(
    ecg_policy=cited(EcgPolicy.UNIVERSAL, "S-KRANTZ-2009"),
    caution_above_ms=cited(450, "S-KRANTZ-2009"),
    refusal_above_ms=cited(500, "S-KRANTZ-2009"),
    followup_within_days=cited(30, "S-KRANTZ-2009"),
    repeat_every_days=cited(365, "S-KRANTZ-2009"),
    extra_ecg_above_mg=cited(mg("100"), "S-KRANTZ-2009"),
)

# The reference gives no missed-dose numbers: 3 and 5 days are placeholders for the site.
MISSED_DOSE_DEFAULT = MissedDoseSettings(
    hold_after_missed_days=cited(3, "S-SITE-PROTOCOL", unverified=True),
    reinduce_after_missed_days=cited(5, "S-SITE-PROTOCOL", unverified=True),
)

# --- take-home schedules -------------------------------------------------------------------

_FED_2024_TIER_SOURCES = ("S-WELLPOINT-2024", "S-LEGALCLARITY-NEWS", "S-CMS-FINALRULE-BLOG")

CRITERIA_2024 = (
    C.NO_ACTIVE_RISK_CONDITION,
    C.REGULAR_ATTENDANCE,
    C.NO_SERIOUS_BEHAVIOURAL_PROBLEMS,
    C.NO_RECENT_DIVERSION,
    C.SAFE_TRANSPORT_AND_STORAGE,
    C.PRACTITIONER_OTHER_CRITERIA,
)

TAKE_HOMES_2024 = TakeHomeSchedule(
    tiers=(
        TakeHomeTier(0, 7, None, _FED_2024_TIER_SOURCES),
        TakeHomeTier(15, 14, None, _FED_2024_TIER_SOURCES),
        TakeHomeTier(31, 28, None, _FED_2024_TIER_SOURCES),
    ),
    criteria=cited(CRITERIA_2024, "S-VA-12VAC35-990", "S-WELLPOINT-2024"),
    # The reference states no separate closed-day allowance for the 2024 rule; its
    # 7-day first tier already covers a closed day when the criteria are met.
    closed_day_take_home=cited(False, "S-GOVREGS-812", unverified=True),
)

_P4098 = ("S-FR-2001-P4098",)

TAKE_HOMES_2001 = TakeHomeSchedule(
    tiers=(
        TakeHomeTier(0, 1, 1, _P4098),
        TakeHomeTier(90, 1, 2, _P4098),
        TakeHomeTier(180, 1, 3, _P4098),
        TakeHomeTier(270, 6, None, _P4098),
        TakeHomeTier(365, 14, None, _P4098),
        # "one-month supply": Mooring reads a month as 30 days.
        TakeHomeTier(730, 30, None, _P4098),
    ),
    criteria=cited(
        (
            C.NO_RECENT_SUBSTANCE_USE,
            C.REGULAR_ATTENDANCE,
            C.NO_SERIOUS_BEHAVIOURAL_PROBLEMS,
            C.NO_RECENT_CRIMINAL_ACTIVITY,
            C.STABLE_HOME_AND_RELATIONSHIPS,
            C.SUFFICIENT_TIME_IN_TREATMENT,
            C.SAFE_TRANSPORT_AND_STORAGE,
            C.BENEFIT_OUTWEIGHS_DIVERSION_RISK,
        ),
        *_P4098,
    ),
    closed_day_take_home=cited(True, *_P4098),
)

_VA = ("S-VA-12VAC35-990",)

TAKE_HOMES_VA = TakeHomeSchedule(
    tiers=(
        # Days 1-7: only the closed-day dose (below), no other supply.
        TakeHomeTier(0, 0, None, _VA),
        TakeHomeTier(7, 5, None, _VA),
        TakeHomeTier(30, 14, None, _VA),
        TakeHomeTier(60, 28, None, _VA),
    ),
    criteria=cited(CRITERIA_2024, *_VA),
    closed_day_take_home=cited(True, *_VA),
)

# --- buprenorphine -------------------------------------------------------------------------

BUPRENORPHINE_CLINICAL = BuprenorphineSettings(
    wait_after_short_acting_hours=cited(12, "S-BICYCLE-WAIT"),
    wait_after_extended_release_hours=cited(24, "S-BICYCLE-WAIT"),
    wait_after_methadone_hours=cited(36, "S-BICYCLE-WAIT", "S-DROR-BUP"),
    min_cows_to_start=cited(8, "S-DROR-BUP"),
    first_dose_max_mg=cited(mg("4"), "S-DRUGSCOM-BUP"),
    observe_before_redose_minutes=cited(60, "S-DRUGSCOM-BUP"),
    day1_max_mg=cited(mg("8"), "S-EMPR-BUP", "S-DRUGSCOM-BUPNX"),
    day2_max_mg=cited(mg("16"), "S-EMPR-BUP", "S-DRUGSCOM-BUPNX"),
    maintenance_range_mg=cited((mg("4"), mg("24")), "S-EMPR-BUP"),
    max_with_rationale_mg=cited(mg("32"), "S-TIP63-DOCSLIB", unverified=True),
)

BUPRENORPHINE_LABEL = replace(
    BUPRENORPHINE_CLINICAL,
    wait_after_short_acting_hours=cited(4, "S-EMPR-BUP", "S-DRUGSCOM-BUPNX"),
    wait_after_extended_release_hours=cited(24, "S-EMPR-BUP", "S-DRUGSCOM-BUPNX"),
    wait_after_methadone_hours=cited(24, "S-EMPR-BUP", "S-DRUGSCOM-BUPNX"),
)

BUPRENORPHINE_ED_HIGH_DOSE = replace(
    BUPRENORPHINE_CLINICAL,
    day1_max_mg=cited(mg("32"), "S-HERRING-PMC"),
)

# --- naltrexone ----------------------------------------------------------------------------

NALTREXONE_LABEL = NaltrexoneSettings(
    opioid_free_days_short_acting=cited((7, 10), "S-RUN-NALTREXONE", "S-VIVITROL-HCP"),
    opioid_free_days_long_acting=cited((10, 14), "S-DROR-NALTREXONE"),
    oral_start_mg=cited(mg("25"), "S-RUN-NALTREXONE"),
    oral_maintenance_mg=cited(mg("50"), "S-RUN-NALTREXONE"),
    injection_mg=cited(mg("380"), "S-VIVITROL-HCP", "S-MEDITARY-VIVITROL"),
)

# --- withdrawal-management medicines -------------------------------------------------------

_LOF = ("S-LUCEMYRA-HCP", "S-MEDITARY-LUCEMYRA")

LOFEXIDINE_LABEL = LofexidineSettings(
    tablet_mg=cited(mg("0.18"), *_LOF),
    usual_dose_mg=cited(mg("0.54"), *_LOF),
    max_single_dose_mg=cited(mg("0.72"), *_LOF),
    max_daily_mg=cited(mg("2.88"), *_LOF),
    doses_per_day=cited(4, *_LOF),
    min_hours_between_doses=cited(5, *_LOF),
    max_course_days=cited(14, *_LOF),
    taper_days=cited((2, 4), *_LOF),
    hepatic_mild_daily_max_mg=cited(mg("2.16"), "S-MEDITARY-LUCEMYRA"),
    hepatic_moderate_daily_max_mg=cited(mg("1.44"), "S-MEDITARY-LUCEMYRA"),
    hepatic_severe_daily_max_mg=cited(mg("0.72"), "S-MEDITARY-LUCEMYRA"),
    renal_moderate_daily_max_mg=cited(mg("1.44"), "S-DROR-LUCEMYRA"),
    renal_severe_daily_max_mg=cited(mg("0.72"), "S-DROR-LUCEMYRA"),
)

_CLON = ("S-DROR-CLONIDINE",)

# Off by default: a clinic turns clonidine on, and sets its numbers, in its site settings.
CLONIDINE_DEFAULT = ClonidineSettings(
    enabled=cited(False, "S-SITE-PROTOCOL", unverified=True),
    dose_range_mg=cited((mg("0.1"), mg("0.2")), *_CLON),
    min_hours_between_doses=cited(4, *_CLON),
    # The cited range is 0.6-1.2 mg/day; the conservative end until the site decides.
    daily_max_mg=cited(mg("0.6"), *_CLON, unverified=True),
    hold_systolic_below_mmhg=cited(90, *_CLON),
    # "Bradycardia" has no number in the reference: 60 bpm is a placeholder.
    hold_heart_rate_below_bpm=cited(60, "S-SITE-PROTOCOL", unverified=True),
    taper_days=cited((2, 4), *_CLON),
)
