"""The demo program's shape: who comes, how long they stay, how episodes end.

Pure Python: no Django, no database, no clock. :func:`plan_program` turns a seed and a
"today" into a list of :class:`PatientPlan`; the builder then writes each plan through the
real services. The same seed and the same today always give the same plans.

Every figure the generator uses lives in :class:`Parameters`, with its source. The national
figures come from ``shared/reference/standards.md`` section 8.2 (TEDS-D 2004 tables read from
the SAMHSA report, and the 2017 TEDS-D outpatient-MOUD analysis PMC8197774). They are used
as plausibility ranges, not targets; figures marked "assumption" have no source in the
reference and are round numbers chosen to look like an urban program.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from mooring.demo.names import RELATIONSHIPS, STREETS, draw_contact_name, draw_name

# TEDS-D REASON codes, as stored in Episode.discharge_reason (patients.models.DischargeReason).
COMPLETED = "1"
DROPPED_OUT = "2"
TERMINATED = "3"
TRANSFERRED = "4"
INCARCERATED = "5"
DIED = "6"
OTHER = "7"
REASONS = (COMPLETED, DROPPED_OUT, TERMINATED, TRANSFERRED, INCARCERATED, DIED, OTHER)


@dataclass(frozen=True)
class Parameters:
    """Every number the generator uses, with where it comes from."""

    patients: int = 400
    # 18 months of admissions before today.
    history_days: int = 548
    # Assumption: the larger urban clinic takes about two thirds of patients.
    clinic_share: tuple[tuple[str, float], ...] = (("harbor", 0.65), ("ridge", 0.35))
    # Assumption: both clinics are OTPs (methadone) that also run office-based buprenorphine.
    office_based_share: tuple[tuple[str, float], ...] = (("harbor", 0.15), ("ridge", 0.30))

    # Age at first admission, TEDS-D 2004 Table 9.3 (methadone outpatient): 20-29 20.6 %,
    # 30-39 29.5 %, 40-49 33.2 %, 50+ 15.0 %; the remaining 1.7 % are given 18-19 here.
    age_bands: tuple[tuple[int, int, float], ...] = (
        (18, 19, 1.7),
        (20, 29, 20.6),
        (30, 39, 29.5),
        (40, 49, 33.2),
        (50, 68, 15.0),
    )
    # Assumption: TEDS opioid admissions are roughly 60 % male; a few records leave it open.
    sex_weights: tuple[tuple[str, float], ...] = (
        ("male", 60.0),
        ("female", 39.0),
        ("intersex", 0.5),
        ("unknown", 0.5),
    )
    # Assumption: transgender 1.5 %, non-binary 1 % of patients.
    transgender_share: float = 0.015
    nonbinary_share: float = 0.01

    # Hidden risk attributes (never stored on Patient). Shares are assumptions; the effect
    # sizes are the odds ratios of staying past six months from PMC8197774 (2017 TEDS-D,
    # outpatient MOUD): age 18-29 0.52, homelessness 0.70, methamphetamine co-use 0.48,
    # criminal-justice referral 0.55.
    homeless_share: float = 0.15
    meth_share: float = 0.20
    justice_referral_share: float = 0.12
    young_age_limit: int = 30
    retention_odds_ratio_young: float = 0.52
    retention_odds_ratio_homeless: float = 0.70
    retention_odds_ratio_meth: float = 0.48
    retention_odds_ratio_justice: float = 0.55
    # For a log-normal stay with sigma about 1.1, scaling the median by OR ** 0.7 moves the
    # odds of passing 180 days by about OR (derivation in docs/demo.md).
    risk_exponent: float = 0.7

    # Reason for discharge, methadone outpatient, TEDS-D 2004 Table 2.5 (row %): completed
    # 16.6, transferred 15.9, dropped out 46.7, terminated 8.6, other 12.1. TEDS "other"
    # is split here (assumption) into incarcerated 4.5, died 1.5 and other 6.1.
    reason_weights: tuple[tuple[str, float], ...] = (
        (COMPLETED, 16.6),
        (TRANSFERRED, 15.9),
        (DROPPED_OUT, 46.7),
        (TERMINATED, 8.6),
        (INCARCERATED, 4.5),
        (DIED, 1.5),
        (OTHER, 6.1),
    )
    # Median length of stay by reason, TEDS-D 2004 Table 9.10: 113 days overall, about 154
    # for completers and 89 for drop-outs; the other reasons are assumptions in between.
    # stay_scale lifts them so that, after the risk factors shorten risky stays, the
    # population median stays near 110 days and about a third pass 180 days (PMC8197774:
    # 36 % of outpatient MOUD episodes lasted more than six months).
    median_stay_days: tuple[tuple[str, float], ...] = (
        (COMPLETED, 154.0),
        (TRANSFERRED, 120.0),
        (DROPPED_OUT, 89.0),
        (TERMINATED, 100.0),
        (INCARCERATED, 95.0),
        (DIED, 130.0),
        (OTHER, 100.0),
    )
    stay_scale: float = 1.4
    stay_sigma: float = 1.1
    longest_stay_days: int = 1500

    # Assumption: chance of coming back after each kind of discharge (TEDS-D 2004 Table 9.8:
    # 79 % of methadone outpatients had a prior episode, so returning is common), and the gap.
    readmission_chance: tuple[tuple[str, float], ...] = (
        (COMPLETED, 0.05),
        (TRANSFERRED, 0.05),
        (DROPPED_OUT, 0.35),
        (TERMINATED, 0.25),
        (INCARCERATED, 0.30),
        (DIED, 0.0),
        (OTHER, 0.15),
    )
    readmission_gap_days: tuple[int, int] = (14, 240)
    max_episodes: int = 4

    # Assumption: a handful of current pregnancies among women 18-44 in treatment.
    pregnancies: int = 6
    # Assumption: payer mix of an urban OTP after Medicaid expansion.
    payer_weights: tuple[tuple[str, float], ...] = (
        ("medicaid", 62.0),
        ("uninsured", 22.0),
        ("private", 10.0),
        ("medicare", 6.0),
    )
    phone_share: float = 0.85
    emergency_contact_share: float = 0.6


PARAMETERS = Parameters()


@dataclass(frozen=True)
class Profile:
    """What drives a person's retention in the generator; never written to the database."""

    sex: str
    age_at_admission: int
    homeless: bool
    meth: bool
    justice_referral: bool

    @property
    def young(self) -> bool:
        return self.age_at_admission < PARAMETERS.young_age_limit


@dataclass(frozen=True)
class EpisodePlan:
    admitted_on: date
    program_type: str
    discharged_on: date | None = None
    reason: str = ""


@dataclass(frozen=True)
class PatientPlan:
    clinic: str
    given: str
    family: str
    date_of_birth: date
    sex_at_birth: str
    payer: str
    episodes: tuple[EpisodePlan, ...]
    profile: Profile
    preferred: str = ""
    gender_identity: str = ""
    pronouns: str = ""
    language: str = "English"
    phone: str = ""
    address_line: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    emergency_contact_relationship: str = ""
    due_date: date | None = None
    duplicates_reviewed: bool = False
    notes: tuple[str, ...] = field(default=())


# Where each clinic's patients live: (city, state, postal prefix, phone area code).
CLINIC_PLACES = {
    "harbor": ("Port Alden", "NY", "109", "845"),
    "ridge": ("Cedar Ridge", "IL", "617", "309"),
}


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def draw_profile(rng: random.Random, params: Parameters = PARAMETERS) -> Profile:
    band = rng.choices(params.age_bands, weights=[w for _, _, w in params.age_bands])[0]
    return Profile(
        sex=_pick(rng, params.sex_weights),
        age_at_admission=rng.randint(band[0], band[1]),
        homeless=rng.random() < params.homeless_share,
        meth=rng.random() < params.meth_share,
        justice_referral=rng.random() < params.justice_referral_share,
    )


def retention_odds_ratio(profile: Profile, params: Parameters = PARAMETERS) -> float:
    ratio = 1.0
    if profile.age_at_admission < params.young_age_limit:
        ratio *= params.retention_odds_ratio_young
    if profile.homeless:
        ratio *= params.retention_odds_ratio_homeless
    if profile.meth:
        ratio *= params.retention_odds_ratio_meth
    if profile.justice_referral:
        ratio *= params.retention_odds_ratio_justice
    return ratio


def average_retention_odds_ratio(params: Parameters = PARAMETERS) -> float:
    """The population mean of :func:`retention_odds_ratio` (the factors are independent)."""
    total = sum(w for _, _, w in params.age_bands)
    young = sum(w for low, _, w in params.age_bands if low < params.young_age_limit) / total
    mean = 1.0
    for share, ratio in (
        (young, params.retention_odds_ratio_young),
        (params.homeless_share, params.retention_odds_ratio_homeless),
        (params.meth_share, params.retention_odds_ratio_meth),
        (params.justice_referral_share, params.retention_odds_ratio_justice),
    ):
        mean *= 1 - share + share * ratio
    return mean


def draw_stay(
    rng: random.Random, profile: Profile, params: Parameters = PARAMETERS
) -> tuple[str, int]:
    """How an episode ends and after how many days, if nothing censors it first."""
    risk = retention_odds_ratio(profile, params)
    weights = dict(params.reason_weights)
    # Risk moves people between completing and dropping out (and, below, shortens every
    # stay); dividing by the average keeps the population mix at the TEDS row.
    completed = weights[COMPLETED] * risk / average_retention_odds_ratio(params)
    weights[DROPPED_OUT] = max(0.0, weights[DROPPED_OUT] + weights[COMPLETED] - completed)
    weights[COMPLETED] = completed
    reason = rng.choices(list(weights), weights=list(weights.values()))[0]
    median = dict(params.median_stay_days)[reason] * params.stay_scale
    median *= risk**params.risk_exponent
    days = rng.lognormvariate(math.log(median), params.stay_sigma)
    return reason, max(1, min(params.longest_stay_days, round(days)))


def _weekday_on_or_before(day: date) -> date:
    # Admissions happen on weekdays; move a weekend day back to Friday.
    return day - timedelta(days=max(0, day.weekday() - 4))


def _program_type(rng: random.Random, clinic: str, params: Parameters) -> str:
    share = dict(params.office_based_share)[clinic]
    return "office_based" if rng.random() < share else "otp"


def draw_episodes(
    rng: random.Random,
    profile: Profile,
    clinic: str,
    first_admission: date,
    today: date,
    params: Parameters = PARAMETERS,
) -> tuple[EpisodePlan, ...]:
    """Admissions, discharges and readmissions up to today; the last may still be open."""
    episodes: list[EpisodePlan] = []
    admitted_on = first_admission
    program_type = _program_type(rng, clinic, params)
    while len(episodes) < params.max_episodes:
        reason, days = draw_stay(rng, profile, params)
        discharged_on = admitted_on + timedelta(days=days)
        if discharged_on >= today:
            episodes.append(EpisodePlan(admitted_on, program_type))
            break
        episodes.append(EpisodePlan(admitted_on, program_type, discharged_on, reason))
        if rng.random() >= dict(params.readmission_chance)[reason]:
            break
        gap = rng.randint(*params.readmission_gap_days)
        admitted_on = _weekday_on_or_before(discharged_on + timedelta(days=gap))
        if admitted_on < discharged_on or admitted_on >= today:
            break
        if rng.random() < 0.2:
            program_type = _program_type(rng, clinic, params)
    return tuple(episodes)


def _birth_date(rng: random.Random, age: int, on: date) -> date:
    return on - timedelta(days=round(age * 365.25) + rng.randint(0, 364))


def _phone(rng: random.Random, area: str) -> str:
    # 555-0100 to 555-0199 are reserved for fiction in the North American numbering plan.
    return f"({area}) 555-01{rng.randint(0, 99):02d}"


def draw_patient(rng: random.Random, today: date, params: Parameters = PARAMETERS) -> PatientPlan:
    clinic = _pick(rng, params.clinic_share)
    profile = draw_profile(rng, params)
    name = draw_name(rng, profile.sex)
    first_admission = _weekday_on_or_before(
        today - timedelta(days=rng.randint(1, params.history_days))
    )
    episodes = draw_episodes(rng, profile, clinic, first_admission, today, params)
    city, state, postal, area = CLINIC_PLACES[clinic]
    gender_identity, pronouns = _gender(rng, profile.sex, params)
    contact = rng.random() < params.emergency_contact_share
    return PatientPlan(
        clinic=clinic,
        given=name.given,
        family=name.family,
        preferred=name.preferred,
        date_of_birth=_birth_date(rng, profile.age_at_admission, first_admission),
        sex_at_birth=profile.sex,
        payer=_pick(rng, params.payer_weights),
        episodes=episodes,
        profile=profile,
        gender_identity=gender_identity,
        pronouns=pronouns,
        language=name.language,
        phone=_phone(rng, area) if rng.random() < params.phone_share else "",
        address_line="" if profile.homeless else f"{rng.randint(2, 980)} {rng.choice(STREETS)}",
        city=city,
        state=state,
        postal_code="" if profile.homeless else f"{postal}{rng.randint(10, 99)}",
        emergency_contact_name=draw_contact_name(rng) if contact else "",
        emergency_contact_phone=_phone(rng, area) if contact else "",
        emergency_contact_relationship=rng.choice(RELATIONSHIPS) if contact else "",
    )


def _gender(rng: random.Random, sex: str, params: Parameters) -> tuple[str, str]:
    roll = rng.random()
    if roll < params.transgender_share and sex in ("female", "male"):
        return (
            ("Transgender man", "he/him") if sex == "female" else ("Transgender woman", "she/her")
        )
    if roll < params.transgender_share + params.nonbinary_share:
        return "Non-binary", "they/them"
    if rng.random() < 0.1:
        return (
            ("Woman", "she/her")
            if sex == "female"
            else (("Man", "he/him") if sex == "male" else ("", ""))
        )
    return "", ""


def showcase_patients(today: date) -> list[PatientPlan]:
    """A few scripted people the guides refer to: a long history, a pregnancy, a near-duplicate.

    José Álvarez (Harbor) and Jose Alvares (Ridge) share a birthday: registering "Jose
    Alvarez" born 1986-03-14 shows the duplicate warning with both.
    """

    def ago(days: int) -> date:
        return _weekday_on_or_before(today - timedelta(days=days))

    born = date(1986, 3, 14)
    jose_profile = Profile("male", 38, homeless=False, meth=True, justice_referral=False)
    zoe_profile = Profile("female", 27, homeless=False, meth=False, justice_referral=False)
    return [
        PatientPlan(
            clinic="harbor",
            given="José",
            family="Álvarez",
            date_of_birth=born,
            sex_at_birth="male",
            payer="medicaid",
            profile=jose_profile,
            language="Spanish",
            phone="(845) 555-0142",
            address_line="18 Water Street",
            city="Port Alden",
            state="NY",
            postal_code="10951",
            emergency_contact_name="Lucía Álvarez",
            emergency_contact_phone="(845) 555-0143",
            emergency_contact_relationship="Sister",
            episodes=(
                EpisodePlan(ago(540), "otp", today - timedelta(days=431), DROPPED_OUT),
                EpisodePlan(ago(300), "otp", today - timedelta(days=220), INCARCERATED),
                EpisodePlan(ago(120), "otp"),
            ),
            notes=("long history: two earlier episodes and a readmission",),
        ),
        PatientPlan(
            clinic="harbor",
            given="Zoë",
            family="Nguyễn",
            date_of_birth=date(today.year - 28, 1, 20),
            sex_at_birth="female",
            payer="medicaid",
            profile=zoe_profile,
            pronouns="she/her",
            phone="(845) 555-0107",
            address_line="402 Elm Street",
            city="Port Alden",
            state="NY",
            postal_code="10944",
            episodes=(EpisodePlan(ago(60), "otp"),),
            due_date=today + timedelta(days=150),
            notes=("pregnant, on methadone",),
        ),
        PatientPlan(
            clinic="ridge",
            given="Jose",
            family="Alvares",
            date_of_birth=born,
            sex_at_birth="male",
            payer="uninsured",
            profile=jose_profile,
            phone="(309) 555-0188",
            city="Cedar Ridge",
            state="IL",
            episodes=(EpisodePlan(ago(200), "office_based"),),
            duplicates_reviewed=True,
            notes=("near-duplicate of José Álvarez: same birthday, similar name",),
        ),
    ]


def plan_program(
    seed: int, today: date, patients: int | None = None, params: Parameters = PARAMETERS
) -> list[PatientPlan]:
    """The whole program as plans, in registration order. Same seed and today, same plans."""
    rng = random.Random(seed)
    count = params.patients if patients is None else patients
    plans = showcase_patients(today)[:count]
    while len(plans) < count:
        plans.append(draw_patient(rng, today, params))
    return _add_pregnancies(rng, plans, today, params)


def _add_pregnancies(
    rng: random.Random, plans: list[PatientPlan], today: date, params: Parameters
) -> list[PatientPlan]:
    already = sum(1 for p in plans if p.due_date)
    candidates = [
        i
        for i, p in enumerate(plans)
        if p.sex_at_birth == "female"
        and not p.due_date
        and p.episodes
        and p.episodes[-1].discharged_on is None
        and 18 <= _age(p.date_of_birth, today) <= 44
    ]
    chosen = rng.sample(candidates, min(len(candidates), max(0, params.pregnancies - already)))
    result = list(plans)
    for index in sorted(chosen):
        due = today + timedelta(days=rng.randint(14, 270))
        result[index] = replace(result[index], due_date=due)
    return result


def _age(born: date, on: date) -> int:
    return on.year - born.year - int((on.month, on.day) < (born.month, born.day))
