"""The coach workspace, one module per resource; every object is fetched through `coach.access`.

overzicht: dashboard and trajectory · momenten: workshops and coaching moments (planning, report,
publication, history) · bijlagen · updates · resultaten: the structured results.
"""
