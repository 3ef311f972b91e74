"""Dagster definitions only: asset factories (`factory`) and automation (`automation`).

The sources they are built from are in `pipelines.catalog`; the probe the automation uses is
`pipelines.probe`.
"""
