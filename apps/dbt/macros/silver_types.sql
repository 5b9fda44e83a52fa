{#-
  The SILVER types a config may give a BRONZE text column (`silver.columns`, xo_foundry/schemas/silver.py):
  one spelling each, on DuckDB and Snowflake. A value that does not convert becomes NULL here and fails the
  model's `xo_casts_cleanly` test (tests/generic), which names the file and row: never a silent NULL.
-#}
{% macro xo_typed(column, type) -%}
    {%- if type == 'varchar' -%}{{ column }}
    {%- elif type == 'bigint' -%}{{ xo_text_bigint(column) }}
    {%- elif type == 'double' -%}{{ dbt.safe_cast('trim(' ~ column ~ ')', dbt.type_float()) }}
    {%- elif type == 'boolean' -%}{{ xo_text_boolean(column) }}
    {%- elif type == 'date' -%}{{ xo_text_date(column) }}
    {%- elif type == 'timestamp' -%}{{ xo_text_utc_timestamp(column) }}
    {%- else -%}{{ exceptions.raise_compiler_error("xo_typed: unknown SILVER type " ~ type ~ " of " ~ column) }}
    {%- endif -%}
{%- endmacro %}

{#- An ISO-8601 instant as text (an offset or Z, else UTC) → UTC timestamp; NULL when it does not parse. -#}
{% macro xo_text_utc_timestamp(text) -%}
    {{ return(adapter.dispatch('xo_text_utc_timestamp')(text)) }}
{%- endmacro %}

{% macro default__xo_text_utc_timestamp(text) -%}
    cast(convert_timezone('UTC', try_to_timestamp_tz(trim({{ text }}))) as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__xo_text_utc_timestamp(text) -%}
    timezone('UTC', try_cast(trim({{ text }}) as timestamptz))
{%- endmacro %}
