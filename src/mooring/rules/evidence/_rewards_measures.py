"""Sources for contingency management (rewards) and the quality measures (POD, IET, retention).

Grades follow ``shared/reference/clinical-rules.md`` sections 8 and 12. A source graded
primary can still carry numbers the reference marks [U]; the presets that use such numbers say
so themselves (``numbers_grade``).
"""

from mooring.rules.evidence import Grade, Source

P, S, U = Grade.PRIMARY, Grade.SECONDARY, Grade.UNVERIFIED

SOURCES = (
    # --- contingency management: vouchers -------------------------------------------------
    Source(
        "S-HIGGINS1994-JAMA",
        "Higgins et al. Incentives improve outcome in outpatient "
        "behavioral treatment of cocaine dependence. Arch Gen Psychiatry 51(7):568-576",
        "1994 (abstract)",
        P,
        "https://jamanetwork.com/journals/jamapsychiatry/article-abstract/496706",
    ),
    Source(
        "S-NIDA-CRA-MANUAL",
        "NIDA Therapy Manual 2: community reinforcement approach plus "
        "vouchers, 'The Voucher Program'",
        "1998 archive copy (exhibit 5 not seen)",
        P,
        "https://archives.drugabuse.gov/TXManuals/CRA/CRA6.html",
    ),
    Source(
        "S-SILVERMAN1996-PUBMED",
        "Silverman et al. Sustained cocaine abstinence in methadone "
        "maintenance patients through voucher-based reinforcement therapy. "
        "Arch Gen Psychiatry 53(5):409-415",
        "1996 (abstract)",
        P,
        "https://www.ncbi.nlm.nih.gov/pubmed/8624184",
    ),
    Source(
        "S-SILVERMAN1999-JHU",
        "Silverman et al. Voucher-based reinforcement of cocaine "
        "abstinence in treatment-resistant methadone patients. Psychopharmacology 146:128-138",
        "1999 (abstract)",
        P,
        "https://pure.johnshopkins.edu/en/publications/voucher-based-reinforcement-of-cocaine-abstinence-in-treatment-re-3",
    ),
    # --- contingency management: prizes --------------------------------------------------
    Source(
        "S-ACF-PRIZECM",
        "HHS ACF Title IV-E Prevention Services Clearinghouse: Prize contingency management",
        "program 685, retrieved 2025",
        P,
        "https://preventionservices.acf.hhs.gov/programs/685/show",
    ),
    Source(
        "S-PETRY2004-PMC",
        "Petry et al. Prize reinforcement contingency management for "
        "cocaine dependence ($80 vs $240). J Consult Clin Psychol",
        "2004",
        P,
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC3709247",
    ),
    Source(
        "S-PMC11527562",
        "Re-analysis of Petry 2004 prize magnitudes in 2024 dollars",
        "2024",
        P,
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC11527562",
    ),
    # Not in the reference's register: the reference names these trials for the standard bowl
    # but no copy was seen, so the id is Mooring's own and the grade is unverified.
    Source(
        "S-PETRY2005-CTN",
        "Petry et al. 2005 Arch Gen Psychiatry 62:1148 (NIDA CTN prize "
        "CM) and Peirce et al. 2006: standard 500-slip bowl",
        "2005/2006, not seen",
        U,
    ),
    # --- incentive caps ------------------------------------------------------------------
    Source(
        "S-OIG-2016-HLD",
        "Report of the HHS OIG policy statement on nominal value (81 FR 88368, 88394)",
        "7 Dec 2016",
        S,
        "https://www.healthlawdiagnosis.com/2016/12/oig-increases-nominal-value-for-gifts-to-beneficiaries/",
    ),
    Source(
        "S-OIG-2016-PULSE",
        "Health Law Pulse on the OIG nominal value policy statement",
        "Dec 2016",
        S,
        "https://www.thehealthlawpulse.com/2016/12/",
    ),
    Source(
        "S-OIG-2016-HALL",
        "Hall Render on the OIG nominal value policy statement",
        "Dec 2016",
        S,
        "https://wp.hallrender.com/?p=13761",
    ),
    Source(
        "S-RURALSUD-2025",
        "Rural SUD Info: SAMHSA updates contingency management "
        "incentives (quotes the SAMHSA guidance)",
        "22 Jan 2025",
        S,
        "https://ruralsudinfo.org/2025/01/22/samhsa-updates-contingency-management-incentives",
    ),
    Source(
        "S-APF-750",
        "Addiction Policy Forum: SAMHSA updates guidelines for contingency management",
        "2025",
        S,
        "https://addictionpolicy.org/post/samhsa-updates-guidelines-for-contingency-management",
    ),
    Source(
        "S-AMERICANFOCUS-750",
        "News report: larger incentives allowed for contingency management",
        "2025",
        S,
        "https://americanfocus.online/for-those-who-reduce-meth-use-white-house-allows-larger-incentives",
    ),
    # --- quality measures ----------------------------------------------------------------
    Source(
        "S-HEDIS-POD-MY2025",
        "NCQA HEDIS MY 2025: Pharmacotherapy for Opioid Use Disorder (POD)",
        "MY 2025 (markdown copy of the spec)",
        P,
        "code index file id 52944895044",
    ),
    Source(
        "S-NCQA-FAQ-POD",
        "NCQA FAQ: POD buprenorphine injection days supply",
        "MY 2026",
        P,
        "https://www.ncqa.org/FAQs/?faq=000025923&print=1",
    ),
    Source(
        "S-ACP-3175",
        "ACP: Continuity of Pharmacotherapy for OUD (NQF #3175)",
        "retrieved 2025",
        P,
        "https://www.acponline.org/clinical-information/performance-measures/"
        "continuity-of-pharmacotherapy-for-opioid-use-disorder-oud",
    ),
    Source(
        "S-MIPS468-2019",
        "MIPS quality measure #468 (2019 specification)",
        "2019",
        P,
        "https://mdinteractive.com/mips_quality_measure/2019-mips-quality-measure-468",
    ),
    Source(
        "S-HEALTHMONIX-468",
        "MIPS #468 continuity of pharmacotherapy (2024)",
        "2024",
        P,
        "https://healthmonix.com/mips_quality_measure/provisional-continuity-of-"
        "pharmacotherapy-for-opioid-use-disorder-oud",
    ),
    Source(
        "S-NCQA-IET",
        "NCQA: Initiation and Engagement of Substance Use Disorder Treatment (IET)",
        "retrieved 2025",
        P,
        "https://www.ncqa.org/report-cards/health-plans/state-of-health-care-quality-report/"
        "initiation-and-engagement-of-substance-use-disorder-treatment-iet",
    ),
    Source(
        "S-NCQA-IET-2022-PROPOSAL",
        "NCQA proposed changes to IET for HEDIS MY 2022",
        "2021",
        P,
        "https://pdfslide.us/documents/proposed-changes-to-existing-measure-for-hedis-my-2022-.html",
    ),
    Source(
        "S-BCBSND-IET",
        "BCBS North Dakota HEDIS tip sheet: IET",
        "retrieved 2025",
        S,
        "https://bcbsnd.com/providers/programs/bluealliance-and-bluealliance-care-plus/"
        "hedis-tip-sheets/hedis-tip-sheet-search/iet",
    ),
    Source(
        "S-HORIZON-IET",
        "Horizon BCBS HEDIS resources: IET",
        "retrieved 2025",
        S,
        "https://www.horizonblue.com/providers/resources/hedis-resources/",
    ),
    Source(
        "S-MOSTLYMEDICAID-IET",
        "Mostly Medicaid: IET (older definition)",
        "pre-2022",
        S,
        "https://mostlymedicaid.com/medicaid-acronym-of-the-day-iet",
    ),
    Source(
        "S-EVERNORTH-2024",
        "Evernorth provider news: IET (older wording)",
        "2024",
        S,
        "https://providernewsroom.com/evernorth/patient-outcomes-for-initiation-and-"
        "engagement-of-alcohol-and-other-drug-treatment-iet-hedis-measure/",
    ),
    Source(
        "S-ASCP-2024-DISCONT",
        "Buprenorphine discontinuation, MarketScan 2006-2016. Addiction Science & Clinical Practice",
        "2024",
        P,
        "https://ascpjournal.biomedcentral.com/articles/10.1186/s13722-024-00450-0",
    ),
    Source(
        "S-ANDERSON-2021",
        "Anderson et al. Med Care 2021 (OptumLabs buprenorphine initiation and retention)",
        "2021",
        P,
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC8026663",
    ),
    Source(
        "S-WILLIAMS-AJP-2020",
        "Williams et al. Am J Psychiatry 2020 (buprenorphine discontinuation review)",
        "2020",
        P,
        "https://psychiatryonline.org/doi/full/10.1176/appi.ajp.2019.19060612",
    ),
    Source(
        "S-PS-2018-VHA",
        "Psychiatric Services 2018 (cites VHA 61% one-year retention)",
        "2018",
        S,
        "https://psychiatryonline.org/doi/abs/10.1176/appi.ps.201700363",
    ),
)
