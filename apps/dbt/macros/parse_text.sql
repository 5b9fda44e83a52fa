{#- Text a person typed (a sheet cell) → boolean: TRUE/YES/Y/1 and FALSE/NO/N/0; anything else is NULL. -#}
{% macro xo_text_boolean(text) -%}
    case
        when upper(trim({{ text }})) in ('TRUE', 'YES', 'Y', '1') then true
        when upper(trim({{ text }})) in ('FALSE', 'NO', 'N', '0') then false
    end
{%- endmacro %}

{#-
  A date a person or a spreadsheet export typed → date: ISO (2024-03-01) or US (4/23/2022, 04/23/2022, what the
  Sheets API and the partner's Excel exports return as formatted values). Anything else is NULL, not an error:
  one mistyped cell must not stop a load (the not_null tests say where it matters).
-#}
{% macro xo_text_date(text) -%}
    {{ return(adapter.dispatch('xo_text_date')(text)) }}
{%- endmacro %}

{% macro default__xo_text_date(text) -%}
    coalesce(try_to_date(trim({{ text }}), 'YYYY-MM-DD'), try_to_date(trim({{ text }}), 'MM/DD/YYYY'))
{%- endmacro %}

{% macro duckdb__xo_text_date(text) -%}
    cast(coalesce(try_strptime(trim({{ text }}), '%Y-%m-%d'), try_strptime(trim({{ text }}), '%m/%d/%Y')) as date)
{%- endmacro %}

{#- A whole number typed as text ('110', ' 110 ') → bigint; anything else ('E101', '') is NULL. -#}
{% macro xo_text_bigint(text) -%}
    {{ return(adapter.dispatch('xo_text_bigint')(text)) }}
{%- endmacro %}

{% macro default__xo_text_bigint(text) -%}
    try_to_number(trim({{ text }}))
{%- endmacro %}

{% macro duckdb__xo_text_bigint(text) -%}
    try_cast(trim({{ text }}) as bigint)
{%- endmacro %}
