{#-
  The one rule for database names in dbt: `+database: WBP_DB` (dbt_project.yml) means WBP_DB in prod and
  WBP_DB_DEV in every other environment, as xo_core.clients.database_for says. The generated sources spell the
  same expression inline (sources are not passed through generate_database_name).
-#}
{% macro xo_database(base_name) -%}
    {{- base_name | trim | upper -}}{{- '' if target.name == 'prod' else '_DEV' -}}
{%- endmacro %}

{% macro generate_database_name(custom_database_name=none, node=none) -%}
    {%- if custom_database_name is none -%}{{ target.database }}{%- else -%}{{ xo_database(custom_database_name) }}{%- endif -%}
{%- endmacro %}
