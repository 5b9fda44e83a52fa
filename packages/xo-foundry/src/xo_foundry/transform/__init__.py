"""Transform: the dbt project (apps/dbt) that builds SILVER and GOLD from BRONZE.

``dbt_sources`` renders the project's BRONZE sources from the pipeline configs and says which nodes a pipeline
feeds; ``dbt_runner`` runs ``dbt build`` in-process for a selection, holding the DuckDB write locks.
Importing this package is cheap: dbt is imported only when a build runs.
"""
