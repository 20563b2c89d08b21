"""Sources for care planning: setting (placement) and admission to treatment.

Grades follow ``shared/reference/clinical-rules.md`` sections 4.4 and 9 and its source
register. The ASAM sources are cited only for the public, general ideas Mooring shares
(six rated dimensions, 0-4 risk ratings, least intensive safe setting); Mooring does not
implement ASAM's licensed decision rules. Other parts of the rules core may cite these ids;
do not register them again elsewhere.
"""

from mooring.rules.evidence import Grade, Source

P, S = Grade.PRIMARY, Grade.SECONDARY
_SEEN = "copy seen for the Mooring reference, 2026"

_SETTING = (
    Source(
        "S-IAP-ASAM",
        "CMS Medicaid IAP summary of the ASAM Criteria (reviewed by ASAM), pressbooks reprint",
        _SEEN,
        S,
        "https://cod.pressbooks.pub/addictionscounseling/?p=5",
    ),
    Source(
        "S-OPENEXAM-ASAM",
        "IC&RC study guide: ASAM six dimensions (notes on the 4th edition)",
        _SEEN,
        S,
        "https://open-exam-prep.com/study-guides/icrc/screening-assessment/asam-six-dimensions",
    ),
    Source(
        "S-ASAM-CONTINUUM-KB",
        "ASAM CONTINUUM knowledge base: ranking dimensional severity (0-4 risk ratings)",
        "ASAM Criteria 3rd edition (2013), pp. 54-58",
        P,
        "http://asamcontinuum.org/knowledgebase/is-there-a-standard-way-to-rank-dimensional-"
        "severity-across-the-six-dimensions-of-asams-criteria/",
    ),
)

_ADMISSION = (
    Source(
        "S-SAMHSA-PATIENTS-2024",
        "SAMHSA: Expanding access to medications for opioid use disorder, for patients",
        "2024 (42 CFR Part 8 final rule explainer)",
        S,
        "https://samhsa-main-prod-ext-alb-197684657.us-east-1.elb.amazonaws.com/medications-"
        "substance-use-disorders/statutes-regulations-guidelines/42-cfr-part-8/expanding-access-"
        "patients",
    ),
    Source(
        "S-BURSON-2024",
        "Jana Burson MD: SAMHSA's MOUD final rule (blog summary)",
        "10 Mar 2024",
        S,
        "https://janaburson.wordpress.com/2024/03/10/samhsas-medications-for-the-treatment-of-"
        "opioid-use-disorder-final-rule/",
    ),
    Source(
        "S-LEGALCLARITY-MMT",
        "legalclarity.org: methadone maintenance treatment rules and regulations",
        _SEEN + " (partly out of date: still lists the two-attempt rule for minors)",
        S,
        "https://legalclarity.org/methadone-maintenance-treatment-rules-and-regulations",
    ),
)

SOURCES = _SETTING + _ADMISSION
