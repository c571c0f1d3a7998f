"""The pure core: questionnaire model, scoring, roadmap, reference data.

Nothing in this package imports Flask or the database layer.
"""
