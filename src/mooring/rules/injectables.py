"""Long-acting injections: which dose is next, its window, and whether it is due at ``as_of``.

Covers monthly buprenorphine (Sublocade, standard and the 2025 rapid start), weekly and
monthly buprenorphine (Brixadi) and monthly naltrexone (Vivitrol). The product numbers are
label facts, so they live in the named presets :data:`INJECTABLE_SPECS`, each with its
sources; "monthly" is read as 28 days (four weeks) unless the label says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType

from mooring.rules._medication_common import check_count, check_date
from mooring.rules.common import Finding, InvalidInputError, Severity
from mooring.rules.evidence import cite


class InjectableProduct(StrEnum):
    SUBLOCADE = "sublocade"
    SUBLOCADE_RAPID_START = "sublocade_rapid_start"
    BRIXADI_WEEKLY = "brixadi_weekly"
    BRIXADI_MONTHLY = "brixadi_monthly"
    NALTREXONE_XR = "naltrexone_xr"


class InjectionTiming(StrEnum):
    NOT_YET_DUE = "not_yet_due"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass(frozen=True, slots=True)
class InjectionInterval:
    """Days after the previous injection: earliest allowed, due, latest before overdue."""

    earliest_days: int
    due_days: int
    latest_days: int
    evidence: tuple[str, ...]
    unverified: bool = False


@dataclass(frozen=True, slots=True)
class InjectableSpec:
    product: InjectableProduct
    title: str
    # Dose by injection number (first, second, ...); the last repeats. Empty: the
    # prescriber picks one of ``strengths_mg``.
    doses_mg: tuple[Decimal, ...]
    strengths_mg: tuple[Decimal, ...]
    # Interval before the second, third, ... injection; the last repeats.
    intervals: tuple[InjectionInterval, ...]
    first_injection_requirement: str
    evidence: tuple[str, ...]
    offer_naloxone: bool

    @property
    def preset_id(self) -> str:
        """What findings record as their profile: the product's label preset."""
        return f"LABEL:{self.product.value}"


@dataclass(frozen=True, slots=True)
class InjectionStatus:
    product: InjectableProduct
    injection_number: int  # the next injection, counting from 1
    next_dose_mg: Decimal | None
    earliest: date | None  # None for a first injection
    due: date | None
    latest: date | None
    status: InjectionTiming
    findings: tuple[Finding, ...]
    evidence: tuple[str, ...]


def _d(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


_SUBLOCADE = cite("S-DRUGSCOM-SUBLOCADE")
_SUBLOCADE_2025 = cite("S-CONEXIANT-SUBLOCADE", "S-HCPLIVE-SUBLOCADE", "S-PCO-SUBLOCADE")
# No latest day is given for Sublocade; a week past due mirrors Brixadi's monthly window.
_SUBLOCADE_MONTHLY = InjectionInterval(26, 28, 35, _SUBLOCADE, unverified=True)
_BRIXADI = cite("S-DAILYMED-BRIXADI", "S-DOCINDIA-BRIXADI", "S-HEALTHLINE-BRIXADI")
_VIVITROL = cite("S-VIVITROL-HCP", "S-MEDITARY-VIVITROL")

INJECTABLE_SPECS: Mapping[InjectableProduct, InjectableSpec] = MappingProxyType(
    {
        InjectableProduct.SUBLOCADE: InjectableSpec(
            InjectableProduct.SUBLOCADE,
            "Sublocade monthly buprenorphine, standard start",
            _d("300", "300", "100"),
            _d("100", "300"),
            (_SUBLOCADE_MONTHLY,),
            "at least 7 days of transmucosal buprenorphine (8-24 mg/day) first",
            cite("S-DRUGSCOM-SUBLOCADE", "S-HEALIO-SUBLOCADE"),
            offer_naloxone=False,
        ),
        InjectableProduct.SUBLOCADE_RAPID_START: InjectableSpec(
            InjectableProduct.SUBLOCADE_RAPID_START,
            "Sublocade monthly buprenorphine, rapid start (2025 label)",
            _d("300", "300", "100"),
            _d("100", "300"),
            (InjectionInterval(7, 28, 35, _SUBLOCADE_2025, unverified=True), _SUBLOCADE_MONTHLY),
            "a single 4 mg transmucosal buprenorphine dose and 1 hour of observation first",
            _SUBLOCADE_2025,
            offer_naloxone=False,
        ),
        InjectableProduct.BRIXADI_WEEKLY: InjectableSpec(
            InjectableProduct.BRIXADI_WEEKLY,
            "Brixadi weekly buprenorphine",
            (),
            _d("8", "16", "24", "32"),
            (InjectionInterval(5, 7, 9, _BRIXADI),),
            "a single transmucosal buprenorphine dose first, or already on buprenorphine",
            _BRIXADI,
            offer_naloxone=True,
        ),
        InjectableProduct.BRIXADI_MONTHLY: InjectableSpec(
            InjectableProduct.BRIXADI_MONTHLY,
            "Brixadi monthly buprenorphine",
            (),
            _d("64", "96", "128"),
            (InjectionInterval(21, 28, 35, _BRIXADI, unverified=True),),
            "already on buprenorphine (weekly and monthly doses are not interchangeable by sum)",
            _BRIXADI,
            offer_naloxone=True,
        ),
        InjectableProduct.NALTREXONE_XR: InjectableSpec(
            InjectableProduct.NALTREXONE_XR,
            "Extended-release naltrexone 380 mg, every 4 weeks or once a month",
            _d("380"),
            _d("380"),
            (InjectionInterval(28, 28, 31, _VIVITROL),),
            "opioid-free for at least 7-10 days (longer after methadone or buprenorphine)",
            cite("S-VIVITROL-HCP", "S-MEDITARY-VIVITROL", "S-PRESCRIBERPOINT-VIVITROL"),
            offer_naloxone=True,
        ),
    }
)


def injection_schedule(
    product: InjectableProduct,
    last_injection_date: date | None,
    injections_given: int,
    as_of: date,
) -> InjectionStatus:
    """The next injection's dose, window and timing at ``as_of``."""
    spec = _spec(product)
    given = check_count("injections_given", injections_given)
    check_date("as_of", as_of)
    findings: list[Finding] = []
    if spec.offer_naloxone:
        findings.append(_naloxone_finding(spec))
    if given == 0:
        if last_injection_date is not None:
            raise InvalidInputError("last_injection_date", "must be None before any injection")
        findings.insert(0, _first_injection_finding(spec))
        return InjectionStatus(
            product,
            1,
            _dose(spec, 0),
            None,
            None,
            None,
            InjectionTiming.DUE,
            tuple(findings),
            spec.evidence,
        )
    if last_injection_date is None:
        raise InvalidInputError("last_injection_date", "required once an injection was given")
    check_date("last_injection_date", last_injection_date)
    if last_injection_date > as_of:
        raise InvalidInputError("last_injection_date", f"must not be after as_of ({as_of})")
    interval = spec.intervals[min(given - 1, len(spec.intervals) - 1)]
    earliest = last_injection_date + timedelta(days=interval.earliest_days)
    due = last_injection_date + timedelta(days=interval.due_days)
    latest = last_injection_date + timedelta(days=interval.latest_days)
    if as_of < earliest:
        timing = InjectionTiming.NOT_YET_DUE
    elif as_of <= latest:
        timing = InjectionTiming.DUE
    else:
        timing = InjectionTiming.OVERDUE
        findings.insert(0, _overdue_finding(spec, latest, interval))
    return InjectionStatus(
        product,
        given + 1,
        _dose(spec, given),
        earliest,
        due,
        latest,
        timing,
        tuple(findings),
        interval.evidence,
    )


def _spec(product: InjectableProduct) -> InjectableSpec:
    try:
        return INJECTABLE_SPECS[InjectableProduct(product)]
    except ValueError:
        raise InvalidInputError(
            "product", f"unknown {product!r}", list(InjectableProduct)
        ) from None


def _dose(spec: InjectableSpec, given: int) -> Decimal | None:
    if not spec.doses_mg:
        return None
    return spec.doses_mg[min(given, len(spec.doses_mg) - 1)]


def _first_injection_finding(spec: InjectableSpec) -> Finding:
    return Finding(
        "injectable.first_injection_requirement",
        Severity.CAUTION,
        f"{spec.title}: before the first injection, confirm {spec.first_injection_requirement}.",
        spec.evidence,
        spec.preset_id,
    )


def _overdue_finding(spec: InjectableSpec, latest: date, interval: InjectionInterval) -> Finding:
    extra = (
        " Blockade wanes after about 28 days and tolerance falls: confirm the person is still "
        "opioid-free before injecting and review overdose risk."
        if spec.product is InjectableProduct.NALTREXONE_XR
        else " Review for withdrawal or return to use before injecting."
    )
    return Finding(
        "injectable.overdue",
        Severity.CAUTION,
        f"{spec.title}: the injection window closed on {latest}.{extra}",
        interval.evidence,
        spec.preset_id,
    )


def _naloxone_finding(spec: InjectableSpec) -> Finding:
    return Finding(
        "injectable.offer_naloxone",
        Severity.INFO,
        "The label advises discussing and strongly considering a naloxone prescription at "
        "each injection.",
        cite("S-DAILYMED-BRIXADI")
        if spec.product is not InjectableProduct.NALTREXONE_XR
        else cite("S-PRESCRIBERPOINT-VIVITROL"),
        spec.preset_id,
    )
