"""Sources for the assessment instruments: withdrawal scales, DSM-5 OUD, ICD-10-CM, screeners.

Ids and grades follow ``shared/reference/clinical-rules.md`` sections 1, 2 and 10 and its
source register. Two ids are Mooring's own because the reference names no key for them:
``S-SPITZER2006-GAD7`` and ``S-ICD10CM-FY2018``; both are unverified.
"""

from mooring.rules.evidence import Grade, Source

P, S, U = Grade.PRIMARY, Grade.SECONDARY, Grade.UNVERIFIED
_COPY = "copy seen for the Mooring reference, 2026"

_WITHDRAWAL_SCALES = (
    Source(
        "S-WL2003",
        "Wesson & Ling, The Clinical Opiate Withdrawal Scale (COWS)",
        "J Psychoactive Drugs 2003;35(2):253-259",
        P,
        "https://uconnect.wisc.edu/cosmos/swiftbot/clinical/cckm-tools/content/questionnaires/related/name-118646-en.cckm",
    ),
    Source(
        "S-TIP45-COWS",
        "SAMHSA TIP 45, COWS table A72915",
        _COPY,
        P,
        "https://www.ncbi.nlm.nih.gov/books/NBK64244/table/A72915/?report=objectonly",
    ),
    Source(
        "S-NAABT-COWS",
        "COWS flowsheet (NAABT)",
        _COPY,
        P,
        "https://abcdocz.com/doc/111929/naabt.org-...",
    ),
    Source(
        "S-PCSS-COWS",
        "COWS, PCSS-MAT version",
        _COPY,
        S,
        "https://abcdocz.com/doc/1591907/clinical-opiate-withdrawal-scale---pcss-mat",
    ),
    Source(
        "S-COWS-FORM-BLOG",
        "COWS form text including the score bands (verbatim reproduction)",
        "2014 reproduction of the form",
        P,
        "https://wholesaledrugtests.blogspot.com/2014/11/clinical-withdrawal-opiate-scale.html",
    ),
    Source(
        "S-VALANT-COWS",
        "Valant measure help: COWS",
        _COPY,
        S,
        "https://help.valant.com/79967-measures/cows-clinical-opiate-withdrawal-scale",
    ),
    Source(
        "S-CLIOT-COWS",
        "R package cliot: cows_opiate_withdrawal",
        "cliot 1.0.0",
        S,
        "https://www.rdocumentation.org/packages/cliot/versions/1.0.0/topics/cows_opiate_withdrawal",
    ),
    Source(
        "S-MDAPP-COWS",
        "MDApp COWS calculator",
        _COPY,
        S,
        "https://www.mdapp.co/clinical-opiate-withdrawal-scale-cows-calculator-189/",
    ),
    Source(
        "S-BICYCLE-COWS",
        "Bicycle Health: Clinical Opiate Withdrawal Scale",
        _COPY,
        S,
        "https://www.bicyclehealth.com/opioid-education/clinical-opiate-withdrawal-scale",
    ),
    Source(
        "S-EMCDDA-SOWS",
        "EMCDDA instrument bank: Subjective Opiate Withdrawal Scale",
        _COPY,
        S,
        "https://www.emcdda.europa.eu/drugs-library/subjective-opiate-withdrawal-scale_en",
    ),
    Source(
        "S-NIDA-DS-SOWS",
        "NIDA Data Share instrument list (SOWS, OOWS)",
        _COPY,
        S,
        "https://datashare.nida.nih.gov/node?page=16",
    ),
    Source(
        "S-GC-SOWS",
        "Guideline Central SOWS calculator (item list)",
        _COPY,
        S,
        "https://www.guidelinecentral.com/calculators/2c9e8038734e3c9e017353447eea0080/",
    ),
    Source(
        "S-METAMORPH-SOWS",
        "Clinic SOWS form (item 16 variant)",
        _COPY,
        S,
        "https://www.metamorphosispain.com/addiction-therapy-forms/sows/",
    ),
    Source(
        "S-MEDALG-OOWS",
        "Medical Algorithms: Objective Opiate Withdrawal Scale",
        _COPY,
        S,
        "https://medicalalgorithms.com/opiate-withdrawal-scale",
    ),
)

_DSM5_AND_CODES = (
    Source(
        "S-BCCSU-DSM5TR",
        "BC Centre on Substance Use, Appendix 2: DSM-5-TR criteria",
        _COPY,
        S,
        "https://bccsu.helpjuice.com/clinical-guidance-appendices/appendix-2-dsm-5-tr-criteria",
    ),
    Source(
        "S-PMC-DSM5-TABLE",
        "PMC6590307 Table 1: DSM-5 OUD criteria",
        _COPY,
        S,
        "https://pmc.ncbi.nlm.nih.gov/articles/PMC6590307/table/ajad12862-tbl-0001",
    ),
    Source(
        "S-PCSS-DSM5",
        "PCSS-MAT OUD diagnostic criteria sheet",
        _COPY,
        S,
        "https://studylib.net/doc/8798916/opioid-use-disorder-diagnostic-criteria---pcss-mat",
    ),
    Source(
        "S-EPAIN-DSM5",
        "Korean J Pain: DSM-5 OUD severity table",
        _COPY,
        S,
        "https://www.epain.org/journal/popup_file.html?uid=1834&file=&md=tbl&idx=2",
    ),
    Source(
        "S-HIBOOP-F1120",
        "ICD-10-CM F11.20 opioid use disorder page",
        _COPY,
        S,
        "https://hiboop.com/fr/icd-10/f11-20-opioid-use-disorder/",
    ),
    Source(
        "S-MEDREPORT-F1121",
        "ICD-10-CM F11.21 page",
        _COPY,
        S,
        "https://med.report/icd-10-cm/clinical-audit-and-icd-10-cm-code-f11-21-code/47068",
    ),
    Source(
        "S-CRAVEN-DSM5CODES",
        "DSM-5 ICD-10-CM crosswalk valid through 30 Sep 2017",
        "2013 crosswalk",
        S,
        "https://www.cravencountryjamboree.com/?p=40223",
    ),
    Source(
        "S-ICD10CM-FY2018",
        "ICD-10-CM FY2018 code set (adds F11.11 for mild OUD in remission)",
        "FY2018, in force from 1 Oct 2017 (not seen in a copy)",
        U,
    ),
)

_SCREENERS = (
    Source(
        "S-EMENTAL-PHQ9",
        "eMentalHealth PHQ-9 scoring key (cites Kroenke 2001)",
        _COPY,
        S,
        "http://www.ementalhealth.ca/index.php?m=printSurveyScoring&hideFormatting=1&ID=42",
    ),
    Source(
        "S-FLYGARE-KROENKE",
        "Summary of Kroenke, Spitzer & Williams 2001 (PHQ-9)",
        "J Gen Intern Med 2001;16:606-613",
        S,
        "https://www.oskarflygare.com/sources/scientific-publications/Kroenke2001---...",
    ),
    Source(
        "S-CALCIPEDIA-PHQ9",
        "PHQ-9 calculator: item 9 safety note",
        _COPY,
        S,
        "https://www.calcipedia.org/calculators/phq-9-calculator",
    ),
    Source(
        "S-SPITZER2006-GAD7",
        "Spitzer et al., A brief measure for assessing generalized anxiety disorder: the GAD-7",
        "Arch Intern Med 2006;166:1092-1097 (not seen in a copy)",
        U,
    ),
    Source(
        "S-EMENTAL-AUDITC",
        "eMentalHealth AUDIT-C scoring key (Bush 1998, Bradley 2003)",
        _COPY,
        P,
        "https://primarycare.ementalhealth.ca/index.php?ID=58&hideFormatting=1&m=printSurveyScoring",
    ),
    Source(
        "S-FPN-AUDITC",
        "FP Notebook: AUDIT-C",
        _COPY,
        S,
        "https://mobile.fpnotebook.com/Psych/Exam/AdtC.htm",
    ),
    Source(
        "S-COMORB-DAST10",
        "Australian comorbidity guidelines: DAST-10 scoring",
        _COPY,
        S,
        "https://comorbidityguidelines.org.au/appendix-w-drug-abuse-screening-test-dast10/dast10-scoring-and-interpretation",
    ),
    Source(
        "S-NIDA-CDE-DAST",
        "NIDA common data elements: DAST-10 score value meanings",
        _COPY,
        P,
        "https://cde.drugabuse.gov/instrument/c0de142b-4a82-99a1-e040-bb89ad434140/...",
    ),
)

SOURCES = _WITHDRAWAL_SCALES + _DSM5_AND_CODES + _SCREENERS
