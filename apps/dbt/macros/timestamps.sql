{#-
  Time handling written once for DuckDB and Snowflake. SILVER stores every instant as a timezone-less
  timestamp in UTC (TIMESTAMP_NTZ on Snowflake) and keeps the source's time zone in a SOURCE_TIMEZONE
  column; GOLD turns instants into local dates with xo_local_date.
-#}

{#- An ISO-8601 text with an offset or Z ('2025-01-14T00:00:58.575-05:00') → UTC timestamp. -#}
{% macro xo_utc_timestamp(text) -%}
    {{ return(adapter.dispatch('xo_utc_timestamp')(text)) }}
{%- endmacro %}

{% macro default__xo_utc_timestamp(text) -%}
    cast(convert_timezone('UTC', to_timestamp_tz({{ text }})) as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__xo_utc_timestamp(text) -%}
    timezone('UTC', cast({{ text }} as timestamptz))
{%- endmacro %}

{#- A timestamp with time zone (the _XO_ metadata columns) → UTC timestamp. -#}
{% macro xo_tz_to_utc(value) -%}
    {{ return(adapter.dispatch('xo_tz_to_utc')(value)) }}
{%- endmacro %}

{% macro default__xo_tz_to_utc(value) -%}
    cast(convert_timezone('UTC', {{ value }}) as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__xo_tz_to_utc(value) -%}
    timezone('UTC', {{ value }})
{%- endmacro %}

{#- A UTC timestamp → the date it falls on in time zone `tz` (an IANA name: a quoted literal or a column). -#}
{% macro xo_local_date(utc_timestamp, tz) -%}
    {{ return(adapter.dispatch('xo_local_date')(utc_timestamp, tz)) }}
{%- endmacro %}

{% macro default__xo_local_date(utc_timestamp, tz) -%}
    cast(convert_timezone('UTC', {{ tz }}, {{ utc_timestamp }}) as date)
{%- endmacro %}

{% macro duckdb__xo_local_date(utc_timestamp, tz) -%}
    cast(timezone({{ tz }}, timezone('UTC', {{ utc_timestamp }})) as date)
{%- endmacro %}

{#-
  A US wall-clock text without offset ('01/19/2026 09:15', a spreadsheet export) in time zone `tz` → UTC
  timestamp; NULL when it does not parse.
-#}
{% macro xo_us_local_to_utc(text, tz) -%}
    {{ return(adapter.dispatch('xo_us_local_to_utc')(text, tz)) }}
{%- endmacro %}

{% macro default__xo_us_local_to_utc(text, tz) -%}
    cast(convert_timezone({{ tz }}, 'UTC', try_to_timestamp_ntz(trim({{ text }}), 'MM/DD/YYYY HH24:MI')) as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__xo_us_local_to_utc(text, tz) -%}
    timezone('UTC', timezone({{ tz }}, try_strptime(trim({{ text }}), '%m/%d/%Y %H:%M')))
{%- endmacro %}
