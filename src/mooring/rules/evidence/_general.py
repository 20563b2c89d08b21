"""Sources used across domains (regulation and national guidance)."""

from mooring.rules.evidence import Grade, Source

SOURCES = (
    Source("S-GOVREGS-812", "42 CFR 8.12 Federal opioid use disorder treatment standards",
           "as amended by 89 FR 7528 (2024)", Grade.SECONDARY,
           "https://www.govregs.com/regulations/title42_chapterI_part8_subpartC_section8.12"),
    Source("S-FR-2024-SUMMARY", "Medications for the Treatment of Opioid Use Disorder, final rule",
           "89 FR 7528, 2 Feb 2024", Grade.PRIMARY,
           "https://regulations.justia.com/regulations/fedreg/2024/02/02/2024-01693.html"),
    Source("S-FR-2001-P4098", "Opioid drugs in maintenance and detoxification treatment",
           "66 FR 4076, 2001 (take-home schedule at p. 4098)", Grade.PRIMARY,
           "https://www.methadone.org/library/take_home_p4098.html"),
    Source("S-TIP63-DOCSLIB", "SAMHSA TIP 63: Medications for Opioid Use Disorder", "2021",
           Grade.SECONDARY, "https://docslib.org/doc/1900624/tip-63-medications-for-opioid-use-disorder"),
)
