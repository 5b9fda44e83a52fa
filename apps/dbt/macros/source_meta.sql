{#-
  The time zone a BRONZE table's times were reported in: the `timezone` its pipeline's time window uses,
  carried into the generated sources' meta. Returned as a SQL string literal.
-#}
{% macro xo_source_timezone(source_name, table_name) -%}
    {%- if execute -%}
        {%- for node in graph.sources.values() -%}
            {%- if node.source_name == source_name and node.name == table_name -%}
                {{- return("'" ~ node.meta.get('timezone', 'UTC') ~ "'") -}}
            {%- endif -%}
        {%- endfor -%}
        {{- exceptions.raise_compiler_error("no source " ~ source_name ~ "." ~ table_name ~ " in _sources.yml") -}}
    {%- endif -%}
    {{- return("'UTC'") -}}
{%- endmacro %}

{#- The six _XO_ lineage columns of a BRONZE row, with the instants in UTC like every SILVER timestamp. -#}
{% macro xo_lineage_columns() -%}
    _XO_SOURCE_FILE,
    _XO_FILE_ROW_NUMBER,
    {{ xo_tz_to_utc('_XO_LOADED_AT') }} as _XO_LOADED_AT,
    _XO_RUN_ID,
    {{ xo_tz_to_utc('_XO_WINDOW_START') }} as _XO_WINDOW_START,
    {{ xo_tz_to_utc('_XO_WINDOW_END') }} as _XO_WINDOW_END
{%- endmacro %}
