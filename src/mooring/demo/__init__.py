"""The demo program: a deterministic synthetic clinic network built through the services.

``distributions`` plans who comes and how their episodes go (pure, seeded), ``names`` holds
the name pools, ``builder`` writes the plans through the real services. The management
commands ``demo`` and ``demo_logins`` (in ``mooring.core``) are the way in; see docs/demo.md.
"""
