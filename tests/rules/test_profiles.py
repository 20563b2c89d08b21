"""Protocol profiles: registry, site settings and the sourcing of every number."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from mooring.rules.common import InvalidInputError, UnknownProfileError
from mooring.rules.evidence import REGISTRY
from mooring.rules.profile_settings import Cited, MissedDoseSettings, TakeHomeTier, cited
from mooring.rules.profiles import (
    DEFAULT_PROFILE_ID,
    PROFILES,
    SiteSettings,
    get_profile,
)


def _cited_values(obj: object) -> list[Cited[object]]:
    """Every Cited value reachable from a settings dataclass."""
    found: list[Cited[object]] = []
    for field in dataclasses.fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, field.name)
        if isinstance(value, Cited):
            found.append(value)
        elif dataclasses.is_dataclass(value):
            found.extend(_cited_values(value))
    return found


@pytest.mark.parametrize("profile_id", sorted(PROFILES))
def test_get_profile_returns_the_registered_profile(profile_id: str) -> None:
    profile = get_profile(profile_id)
    assert profile.id == profile_id
    assert profile.ref == profile_id
    assert profile.evidence
    assert all(e in REGISTRY for e in profile.evidence)


def test_default_profile_is_the_2024_federal_rule() -> None:
    assert DEFAULT_PROFILE_ID == "US-FED-2024"
    assert DEFAULT_PROFILE_ID in PROFILES


def test_unknown_profile_names_the_known_ones() -> None:
    with pytest.raises(UnknownProfileError, match="US-FED-2024"):
        get_profile("US-XX")


@pytest.mark.parametrize("profile_id", sorted(PROFILES))
def test_every_number_cites_registered_evidence(profile_id: str) -> None:
    profile = get_profile(profile_id)
    values = _cited_values(profile)
    assert len(values) > 40
    for value in values:
        assert value.evidence, value
        assert all(e in REGISTRY for e in value.evidence)
    for tier in profile.take_homes.tiers:
        assert tier.evidence
        assert all(e in REGISTRY for e in tier.evidence)


@pytest.mark.parametrize("profile_id", sorted(PROFILES))
def test_take_home_tiers_ascend_from_admission(profile_id: str) -> None:
    tiers = get_profile(profile_id).take_homes.tiers
    assert tiers[0].from_day == 0
    starts = [t.from_day for t in tiers]
    assert starts == sorted(set(starts))
    supplies = [t.max_supply_days for t in tiers]
    assert supplies == sorted(supplies)


@pytest.mark.parametrize(
    ("profile_id", "first_dose", "first_day", "unverified"),
    [
        ("US-FED-2001", "30", "40", False),
        ("FDA-LABEL", "30", "40", False),
        ("US-FED-2024", "50", "50", True),
        ("US-VA", "50", "50", True),
    ],
)
def test_methadone_first_day_numbers_per_profile(
    profile_id: str, first_dose: str, first_day: str, unverified: bool
) -> None:
    methadone = get_profile(profile_id).methadone
    assert methadone.first_dose_max_mg.value == Decimal(first_dose)
    assert methadone.first_day_max_mg.value == Decimal(first_day)
    assert methadone.first_dose_max_mg.unverified is unverified


def test_label_and_clinical_buprenorphine_waits_differ() -> None:
    label = get_profile("FDA-LABEL").buprenorphine
    clinical = get_profile("US-FED-2024").buprenorphine
    assert label.wait_after_methadone_hours.value == 24
    assert clinical.wait_after_methadone_hours.value == 36
    assert get_profile("ED-HIGH-DOSE").buprenorphine.day1_max_mg.value == Decimal("32")


def test_site_settings_replace_only_what_they_name() -> None:
    base = get_profile("US-VA")
    missed = MissedDoseSettings(
        hold_after_missed_days=cited(2, "S-SITE-PROTOCOL"),
        reinduce_after_missed_days=cited(4, "S-SITE-PROTOCOL"),
    )
    clonidine = dataclasses.replace(base.clonidine, enabled=cited(True, "S-SITE-PROTOCOL"))
    site = base.with_site_settings(
        SiteSettings(
            "harbor",
            missed_dose=missed,
            clonidine=clonidine,
            min_cows_to_start_buprenorphine=cited(12, "S-SITE-PROTOCOL"),
        )
    )
    assert site.ref == "US-VA@harbor"
    assert site.id == "US-VA"
    assert site.missed_dose is missed
    assert site.clonidine.enabled.value is True
    assert site.buprenorphine.min_cows_to_start.value == 12
    assert site.take_homes is base.take_homes
    # The registry's profile is untouched.
    assert get_profile("US-VA").site_id is None


def test_empty_site_settings_keep_the_profile_numbers() -> None:
    base = get_profile("US-FED-2024")
    site = base.with_site_settings(SiteSettings("ridge"))
    assert site.missed_dose is base.missed_dose
    assert site.clonidine is base.clonidine
    assert site.buprenorphine is base.buprenorphine


@pytest.mark.parametrize(
    ("site", "field"),
    [
        (SiteSettings("  "), "site.site_id"),
        (
            SiteSettings(
                "x",
                missed_dose=MissedDoseSettings(
                    cited(0, "S-SITE-PROTOCOL"), cited(3, "S-SITE-PROTOCOL")
                ),
            ),
            "missed_dose.hold_after_missed_days",
        ),
        (
            SiteSettings(
                "x",
                missed_dose=MissedDoseSettings(
                    cited(4, "S-SITE-PROTOCOL"), cited(3, "S-SITE-PROTOCOL")
                ),
            ),
            "missed_dose.reinduce_after_missed_days",
        ),
    ],
)
def test_invalid_site_settings_name_the_field(site: SiteSettings, field: str) -> None:
    with pytest.raises(InvalidInputError) as error:
        get_profile("US-FED-2024").with_site_settings(site)
    assert error.value.field == field


def test_profiles_are_frozen() -> None:
    profile = get_profile("US-FED-2024")
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.id = "other"  # type: ignore[misc]
    tier = profile.take_homes.tiers[0]
    assert isinstance(tier, TakeHomeTier)
