{#-
  The `replace_window` incremental strategy (README.md, "full_refresh: daily snapshot → SILVER").

  A BRONZE table holds exactly one extracted window (_XO_WINDOW_START, _XO_WINDOW_END). Each run
    1. deletes the SILVER rows whose `window_column` (the instant the extract is anchored on) falls inside
       a window present in the new rows: reloading a day replaces that day, rows the source dropped included;
    2. deletes the SILVER rows whose `unique_key` comes again (a row anchored outside its window, overlapping
       intraday windows): the natural key never repeats;
    3. inserts the new rows.
  Rows of every other window stay, so nothing loaded before is lost when BRONZE is truncated.
  Plain DELETE and INSERT, so it reads the same on DuckDB and Snowflake.
-#}
{% macro get_incremental_replace_window_sql(arg_dict) %}
    {%- set target = arg_dict["target_relation"] -%}
    {%- set source = arg_dict["temp_relation"] -%}
    {%- set unique_key = arg_dict["unique_key"] -%}
    {%- set window_column = config.get("window_column") -%}
    {%- if not window_column or not unique_key -%}
        {{ exceptions.raise_compiler_error("replace_window needs config window_column and unique_key") }}
    {%- endif -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set columns = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
    delete from {{ target }}
    where exists (
        select 1
        from (select distinct _XO_WINDOW_START as xo_start, _XO_WINDOW_END as xo_end from {{ source }}) w
        where {{ target }}.{{ window_column }} >= w.xo_start and {{ target }}.{{ window_column }} < w.xo_end
    );
    delete from {{ target }}
    using {{ source }} as xo_new
    where {% for key in keys %}{{ target }}.{{ key }} = xo_new.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %};
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ source }}
{% endmacro %}
