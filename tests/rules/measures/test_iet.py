from datetime import date, timedelta

import pytest

from mooring.rules.common import InvalidInputError, Severity, UnknownProfileError
from mooring.rules.measures import ServiceKind, Status, TreatmentService, iet, iet_profile
from mooring.rules.measures.iet import IET_MY2022, IET_PRE2022

EPISODE = date(2025, 3, 1)
OUT, MED = ServiceKind.OUTPATIENT, ServiceKind.MEDICATION


def on(day, kind=OUT):
    return TreatmentService(EPISODE + timedelta(days=day), kind)


def judge(services, **kwargs):
    kwargs.setdefault("age_years", 30)
    kwargs.setdefault("as_of", date(2025, 12, 31))
    return iet(EPISODE, services, **kwargs)


@pytest.mark.parametrize(
    ("services", "profile", "initiation", "engagement", "reason"),
    [
        ([on(0), on(5), on(10)], IET_MY2022, Status.MET, Status.MET, "engaged"),
        ([on(13), on(14), on(47)], IET_MY2022, Status.MET, Status.MET, "engaged"),
        (
            [on(14), on(15), on(16)],
            IET_MY2022,
            Status.NOT_MET,
            Status.NOT_APPLICABLE,
            "initiation_not_met",
        ),
        ([on(0), on(20), on(35)], IET_MY2022, Status.MET, Status.NOT_MET, "engagement_not_met"),
        ([on(0), on(20), on(34)], IET_MY2022, Status.MET, Status.MET, "engaged"),
        # The older 30-day window: day 34 after initiation is now too late.
        ([on(0), on(20), on(34)], IET_PRE2022, Status.MET, Status.NOT_MET, "engagement_not_met"),
        ([on(0), on(20), on(30)], IET_PRE2022, Status.MET, Status.MET, "engaged"),
        (
            [on(0, MED), on(0, MED), on(1, MED)],
            IET_MY2022,
            Status.MET,
            Status.NOT_MET,
            "engagement_not_met",
        ),  # engagement counts only after the initiation day
        ([], IET_MY2022, Status.NOT_MET, Status.NOT_APPLICABLE, "initiation_not_met"),
    ],
)
def test_iet_table(services, profile, initiation, engagement, reason):
    result = judge(services, profile=profile)
    assert result.in_denominator
    assert result.initiation is initiation
    assert result.engagement is engagement
    assert result.reason == f"measure.iet.{reason}"
    assert result.findings[0].profile == profile.id
    assert result.findings[0].evidence == profile.evidence


def test_engagement_dates_and_message():
    result = judge([on(2), on(9), on(9), on(30)])
    assert result.initiation_date == date(2025, 3, 3)
    assert result.engagement_dates == (date(2025, 3, 10), date(2025, 3, 10))
    assert result.findings[0].severity is Severity.INFO


def test_not_met_is_a_caution():
    assert judge([]).findings[0].severity is Severity.CAUTION


@pytest.mark.parametrize(
    ("services", "as_of", "initiation", "engagement"),
    [
        ([], EPISODE + timedelta(days=5), Status.OPEN, Status.NOT_APPLICABLE),
        ([on(3)], EPISODE + timedelta(days=2), Status.OPEN, Status.NOT_APPLICABLE),
        ([on(3)], EPISODE + timedelta(days=20), Status.MET, Status.OPEN),
        ([on(3), on(4), on(5)], EPISODE + timedelta(days=5), Status.MET, Status.MET),
    ],
)
def test_open_windows(services, as_of, initiation, engagement):
    result = judge(services, as_of=as_of)
    assert (result.initiation, result.engagement) == (initiation, engagement)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"age_years": 12}, "too_young"),
        ({"prior_episode_dates": [EPISODE - timedelta(days=100)]}, "not_new"),
    ],
)
def test_out_of_denominator(kwargs, reason):
    result = judge([on(0), on(1), on(2)], **kwargs)
    assert not result.in_denominator
    assert result.reason == f"measure.iet.{reason}"
    assert result.initiation is Status.NOT_APPLICABLE


def test_look_back_differs_by_profile():
    prior = [EPISODE - timedelta(days=100)]
    assert judge([on(0)], prior_episode_dates=prior, profile=IET_PRE2022).in_denominator
    assert not judge([on(0)], prior_episode_dates=prior, profile=IET_MY2022).in_denominator


def test_profile_lookup():
    assert iet_profile("HEDIS-IET-MY2022") is IET_MY2022
    assert iet_profile("HEDIS-IET-PRE2022").engagement_days == 30
    with pytest.raises(UnknownProfileError):
        iet_profile("X")


@pytest.mark.parametrize(
    ("services", "kwargs", "field"),
    [
        ([("2025-03-01", OUT)], {}, "services"),
        ([TreatmentService(EPISODE, "visit")], {}, "services"),
        ([TreatmentService("2025-03-01", OUT)], {}, "services.on"),
        ([], {"age_years": -1}, "age_years"),
        ([], {"prior_episode_dates": ["2025-01-01"]}, "prior_episode_dates"),
    ],
)
def test_bad_input(services, kwargs, field):
    with pytest.raises(InvalidInputError) as err:
        judge(services, **kwargs)
    assert err.value.field == field
