"""The five seed articles that state what Mooring must carry (``shared/seeds/``)."""

from mooring.rules.evidence import Grade, Source

_V = "retrieved for Mooring, 2026"

SOURCES = (
    Source("SEED-000", "Heroin addiction treatment: medications, counselling, personalised care",
           _V, Grade.SECONDARY, seed_file="000_d8c9b908a80b8ad3.txt"),
    Source("SEED-001", "Most effective treatments for heroin addiction", _V, Grade.SECONDARY,
           seed_file="001_e3ad6968d3128518.txt"),
    Source("SEED-002", "Treatment for heroin addiction: types and methods of rehabilitation",
           _V, Grade.SECONDARY, seed_file="002_26a5d7d249b6589f.txt"),
    Source("SEED-003", "Heroin addiction treatment (clinically reviewed)", _V, Grade.SECONDARY,
           seed_file="003_864ed31eeeb954b1.txt"),
    Source("SEED-004", "Evidence-based heroin addiction treatment options", _V, Grade.SECONDARY,
           seed_file="004_b6fc0e1bef8e43c4.txt"),
)
