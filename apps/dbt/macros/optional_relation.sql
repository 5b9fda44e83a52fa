{#-
  A relation built by ANOTHER pipeline's transform (e.g. the roster's dim_agents joined into the Gladly
  dashboard): when it does not exist yet, an empty row set with the given columns stands in, so each pipeline's
  `dbt build --select source:<its table>+` succeeds on its own. `columns` maps column name → SQL type.
  Unit tests get the fixture as it is.
-#}
{% macro xo_optional_relation(relation, columns) -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{ relation }}
    {%- elif load_relation(relation) is not none -%}
        {{ relation }}
    {%- else -%}
        (select {% for name, type in columns.items() %}cast(null as {{ type }}) as {{ name }}{% if not loop.last %}, {% endif %}{% endfor %} where 1 = 0)
    {%- endif -%}
{%- endmacro %}
